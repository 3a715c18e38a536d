"""Benchmarks of item capture and of the bbox read with many items.

POST /api/v1/items is measured as a coordinator entering items for residents (assisted
entry is not rate-limited), without and with a 3 MB photo; each request creates an item.
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
import uuid

from harness import LATENCY_COLUMNS, PROJECT_ROOT, BenchError, latency_row, measure

INSIDE = (2.288496, 48.737178)
BULK_ITEMS = 10_000


def staff_token(env):
    """A bearer token for a throwaway coordinator of the bench database."""
    email = f"bench-{uuid.uuid4().hex[:8]}@example.org"
    for args in (["users", "create", email, "--role", "coordinator"], ["users", "token", email]):
        done = subprocess.run([sys.executable, "-m", "flask", "--app", "app", *args],
                              cwd=PROJECT_ROOT, env=env, capture_output=True, text=True,
                              check=False)
        if done.returncode != 0:
            raise BenchError(f"flask {' '.join(args)} failed: {done.stderr[-2000:]}")
    return done.stdout.strip().splitlines()[-1]


def three_megabyte_photo():
    """A JPEG of about 3 MB: random pixels do not compress."""
    from PIL import Image

    side = 1800
    image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92)
    return out.getvalue()


def multipart(feature, photo):
    boundary = secrets.token_hex(12)
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="item"\r\n\r\n'.encode()
        + json.dumps(feature).encode() + b"\r\n",
        f'--{boundary}\r\nContent-Disposition: form-data; name="photo"; filename="p.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n".encode() + photo + b"\r\n",
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


def report(app_url, env, print_table, requests=100):
    token = staff_token(env)
    feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": list(INSIDE)},
               "properties": {"kind": "gusp", "category": "proprete", "on_behalf": True,
                              "description": "Saisie assistée du banc d'essai"}}
    auth = {"Authorization": f"Bearer {token}"}
    photo = three_megabyte_photo()
    body, content_type = multipart(feature, photo)
    runs = [
        ("POST /api/v1/items (JSON)", "POST", json.dumps(feature).encode(),
         {**auth, "Content-Type": "application/json"}, requests),
        (f"POST /api/v1/items + photo {len(photo) / 1e6:.1f} MB", "POST", body,
         {**auth, "Content-Type": content_type}, max(requests // 4, 10)),
    ]
    rows, failed = [], []
    for label, method, payload, headers, n in runs:
        result = measure(app_url + "/api/v1/items", method, payload, headers, n=n,
                         concurrency=2, warmup=3, time_limit_s=60)
        rows.append(latency_row(label, result))
        failed += [(label, f, 1) for f in result.failures[:1]]
    insert_items(env)
    for bbox in ("2.286,48.736,2.290,48.738", "2.2880,48.7370,2.2890,48.7375",
                 "2.28849,48.73717,2.28851,48.73719"):
        path = f"/api/v1/items?bbox={bbox}"
        result = measure(app_url + path, n=requests, concurrency=2, warmup=5, time_limit_s=60)
        rows.append(latency_row(f"GET {path} ({BULK_ITEMS:,} items in the base)", result))
        failed += [(path, f, 1) for f in result.failures[:1]]
    print_table("Items: capture and bbox read (gunicorn, 2 client threads)",
                LATENCY_COLUMNS, rows)
    return failed
