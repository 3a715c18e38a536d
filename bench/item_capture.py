"""Benchmarks of item capture and of the bbox read with many items.

POST /api/v1/items is measured as a coordinator entering items for residents (assisted
entry is not rate-limited), without and with a 3 MB, 12-megapixel photo; each request
creates an item. Without a photo it is measured interleaved with the floor, a bare
Flask-SQLAlchemy one-row insert (bench/bare_app.py, POST /rows), one request of each in
turn from one client, so both see the same machine; the target is p50 <= 2x the floor's.
With the photo the target is p50 <= 150 ms. `make bench` runs it; alone:

    .venv/bin/python bench/item_capture.py
GET /api/v1/items?bbox= is measured after 10,000 items are inserted in bulk, one in ten of
a generalised category (tranquillité: the public sees it on a 50 m grid), for a wide box,
a street-sized box and a 2 m probe of the kind someone hunting exact points would send.
"""

import io
import json
import os
import random
import secrets
import subprocess
import sys
import time
import uuid

from harness import (
    BARE_APP_SPEC,
    LATENCY_COLUMNS,
    PROJECT_ROOT,
    BenchError,
    Measurement,
    latency_row,
    measure,
    prepare_database,
    print_table,
    request,
    run_bench,
    serve_app,
)

INSIDE = (2.288496, 48.737178)
BULK_ITEMS = 10_000
RATIO_TARGET = 2
PHOTO_TARGET_MS = 150
PHOTO_SIZE = (4000, 3000)  # 12 megapixels, as a phone takes them
PHOTO_BYTES = 3_000_000


def staff_token(env, role="coordinator", organisation=None):
    """A bearer token for a throwaway account of the bench database: a coordinator, or
    `role` (of `organisation`, a code, for an agent)."""
    email = f"bench-{uuid.uuid4().hex[:8]}@example.org"
    create = ["users", "create", email, "--role", role,
              *(["--org", organisation] if organisation else [])]
    for args in (create, ["users", "token", email]):
        done = subprocess.run([sys.executable, "-m", "flask", "--app", "app", *args],
                              cwd=PROJECT_ROOT, env=env, capture_output=True, text=True,
                              check=False)
        if done.returncode != 0:
            raise BenchError(f"flask {' '.join(args)} failed: {done.stderr[-2000:]}")
    return done.stdout.strip().splitlines()[-1]


def three_megabyte_photo():
    """A 12-megapixel JPEG of about 3 MB: smooth shapes under fine grain, like a photo
    (random pixels alone would weigh four times more), at the quality that lands near
    PHOTO_BYTES."""
    from PIL import Image

    rng = random.Random(12)
    width, height = PHOTO_SIZE
    shapes = Image.frombytes("RGB", (width // 8, height // 8),
                             rng.randbytes(width // 8 * height // 8 * 3))
    grain = Image.effect_noise(PHOTO_SIZE, 40).convert("RGB")
    image = Image.blend(shapes.resize(PHOTO_SIZE, Image.Resampling.BICUBIC), grain, 0.25)
    for quality in range(85, 40, -3):
        out = io.BytesIO()
        image.save(out, "JPEG", quality=quality)
        if out.tell() <= PHOTO_BYTES * 1.1:
            return out.getvalue()
    return out.getvalue()


def interleaved(runs, n):
    """Measure each (url, body, headers) of `runs` n times, one request of each in turn
    (the order turning every round), from one client; a Measurement per run."""
    latencies, failures = [[] for _ in runs], [[] for _ in runs]
    started = time.perf_counter()
    for round_number in range(n):
        order = list(range(len(runs)))
        if round_number % 2:
            order.reverse()
        for index in order:
            url, body, headers = runs[index]
            began = time.perf_counter()
            status, _ = request(url, "POST", body, headers)
            if status >= 400:
                failures[index].append(f"HTTP {status}")
            else:
                latencies[index].append((time.perf_counter() - began) * 1000)
    elapsed = time.perf_counter() - started
    return [Measurement(latencies[i], failures[i], elapsed) for i in range(len(runs))]


def multipart(feature, photos):
    """A multipart body with the `item` part and each of `photos`; (body, content type)."""
    boundary = secrets.token_hex(12)
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="item"\r\n\r\n'.encode()
        + json.dumps(feature).encode() + b"\r\n",
        *(f'--{boundary}\r\nContent-Disposition: form-data; name="photo"; '
          f'filename="p{n}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
          + photo + b"\r\n" for n, photo in enumerate(photos)),
        f"--{boundary}--\r\n".encode(),
    ]
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def insert_items(env, count=BULK_ITEMS):
    """Insert `count` public items spread over the perimeter's bounding box, in bulk."""
    os.environ["DATABASE_URL"] = env["DATABASE_URL"]
    sys.path.insert(0, str(PROJECT_ROOT))
    from app import create_app
    from app.extensions import db
    from app.geo.routes import generalised_point
    from app.items.models import Item

    rng = random.Random(2154)
    app = create_app("development")
    with app.app_context():
        rows = [{
            "kind": "gusp", "category": rng.choice(["proprete", "tags", "eclairage", "voirie"]),
            "description": "Point de mesure du banc d'essai", "lon": rng.uniform(2.284, 2.2922),
            "lat": rng.uniform(48.7345, 48.74), "position": "inside", "status": "new",
            "visibility": "public", "version": 1, "tracking_digest": secrets.token_hex(32),
        } for _ in range(count)]
        for number, row in enumerate(rows):  # the public view, as public_view prepares it
            generalised = number % 10 == 0
            if generalised:
                row["category"] = "tranquillite"
            row["public_lon"], row["public_lat"] = (
                generalised_point(row["lon"], row["lat"]) if generalised
                else (row["lon"], row["lat"]))
            row["public_generalised"] = generalised
        db.session.execute(db.insert(Item), rows)
        db.session.commit()


def verdict(value, target):
    return "met" if value <= target else "NOT MET"


def report(app_url, env, print_table, requests=100, bare_url=None):
    token = staff_token(env)
    feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": list(INSIDE)},
               "properties": {"kind": "gusp", "category": "proprete", "on_behalf": True,
                              "description": "Saisie assistée du banc d'essai"}}
    auth = {"Authorization": f"Bearer {token}"}
    json_headers = {"Content-Type": "application/json"}
    rows, failed, targets = [], [], []
    if bare_url:
        pair = [(bare_url + "/rows", json.dumps({"body": "Saisie du banc d'essai"}).encode(),
                 json_headers),
                (app_url + "/api/v1/items", json.dumps(feature).encode(),
                 {**auth, **json_headers})]
        interleaved(pair, 5)  # warm-up: connections, caches, first compiled statements
        floor, app = interleaved(pair, requests)
        rows += [latency_row("bare POST /rows: one-row insert (floor)", floor),
                 latency_row("POST /api/v1/items (JSON), interleaved", app)]
        failed += [(label, result.failures[0], len(result.failures))
                   for label, result in (("bare POST /rows", floor),
                                         ("POST /api/v1/items (JSON)", app))
                   if result.failures]
        ratio = app.p50_ms / floor.p50_ms
        targets.append(["POST /api/v1/items (JSON) p50 / bare insert p50",
                        f"{ratio:.2f}x", f"<= {RATIO_TARGET}x", verdict(ratio, RATIO_TARGET)])
    photo = three_megabyte_photo()
    body, content_type = multipart(feature, [photo])
    label = f"POST /api/v1/items + photo {len(photo) / 1e6:.1f} MB, 12 MP"
    result = measure(app_url + "/api/v1/items", "POST", body,
                     {**auth, "Content-Type": content_type}, n=max(requests // 4, 10),
                     concurrency=1, warmup=3, time_limit_s=90)
    rows.append(latency_row(label, result))
    failed += [(label, f, 1) for f in result.failures[:1]]
    targets.append([f"{label} p50", f"{result.p50_ms:.0f} ms", f"<= {PHOTO_TARGET_MS} ms",
                    verdict(result.p50_ms, PHOTO_TARGET_MS)])
    insert_items(env)
    for bbox in ("2.286,48.736,2.290,48.738", "2.2880,48.7370,2.2890,48.7375",
                 "2.28849,48.73717,2.28851,48.73719"):
        path = f"/api/v1/items?bbox={bbox}"
        result = measure(app_url + path, n=requests, concurrency=2, warmup=5, time_limit_s=60)
        rows.append(latency_row(f"GET {path} ({BULK_ITEMS:,} items in the base)", result))
        failed += [(path, f, 1) for f in result.failures[:1]]
    print_table("Items: capture (one client) and bbox read (2 client threads), gunicorn",
                LATENCY_COLUMNS, rows)
    if targets:
        print_table("Item capture targets", ["measure", "value", "target", "verdict"], targets)
    return failed


def main():
    def measure_all(env):
        prepare_database(env)
        with (serve_app(env, BARE_APP_SPEC, ready_path="/") as bare_url,
              serve_app(env) as app_url):
            return report(app_url, env, print_table, bare_url=bare_url)

    return run_bench(measure_all, prefix="arpenteur-capture-")


if __name__ == "__main__":
    sys.exit(main())
