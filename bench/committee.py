"""Benchmark of the committee's pages, the indicators and the exports on 50,000 items.

Items are added in bulk until the bench's base holds 50,000, spread over 2024-2026 and the
perimeter's bounding box, across categories and organisations, with the history rows
(routed, acknowledged, resolved) and the working days the delays are measured from; a tenth
are overdue and a few disputed. Each page is read by a signed-in demo account; the API and
the exports by a coordinator's bearer token. Each figure is printed with whether it meets
the target of 1 s (p95); an export is measured to its first and to its last byte, with its
size as sent, uncompressed and compressed, and with the CPU time the app's workers spent on
it: on a small shared machine the wall time of a few downloads moves with whatever else
runs, the CPU a download costs the server much less.
"""

import http.client
import os
import random
import secrets
import time
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from harness import (
    LATENCY_COLUMNS,
    LOOPBACK,
    WORKERS,
    app_context,
    cpu_seconds,
    latency_row,
    measure,
    percentile,
    workers_of,
)
from item_capture import staff_token
from queues import sign_in

TARGET_ITEMS = 50_000
ORGANISATIONS = ("hbh", "ville-antony", "vsgp")
CATEGORIES = ("proprete", "tags", "eclairage", "depots-sauvages", "voirie", "dechets")
START = datetime(2024, 1, 1)
EXPORTS = ("csv", "geojson", "gpkg")
# Nothing the committee reads may take more than a second: each figure says if it does.
TARGET_MS = 1000
# A download of every item is measured from the request to its first and its last byte,
# one at a time (the GeoPackage is written whole before its first byte is sent), in rounds
# of one download of each export: a slow spell of the machine then falls on every export
# alike rather than on whichever was being measured, and the spread shows how slow it was.
# Twenty rounds: a nearest-rank p95 of ten downloads is their slowest, of twenty the
# slowest but one (the slowest is printed too).
EXPORT_ROUNDS = 20
# A worker's first GeoPackage imports pyarrow and GDAL (about 0.4 s, once): each worker
# is warmed up before anything counts, one warm-up round each (the rounds land on
# whichever worker takes the connection, so that is not a guarantee, only the odds).
WARM_UP_ROUNDS = WORKERS
# Each export downloaded as a script asks for it (no Accept-Encoding) and as a browser does
# (the app then compresses it as it streams; its size is then the bytes received).
DOWNLOADS = (("", {}), (", br asked", {"Accept-Encoding": "br, gzip"}))
EXPORT_TIMEOUT_S = 120
DOWNLOAD_COLUMNS = ["target", "downloads", "first byte p50 ms", "total p50 ms",
                    "total p95 ms", "total min-max ms", "server CPU p50 ms", "MB", "MB/s",
                    "target met"]


def _item(rng, ids, n, today, working_days):
    """One item's row; `working_days(routed_at, moment)`: the working days from a routing
    to an answer, as the app dates them (the delays' indicators read them)."""
    created = START + timedelta(minutes=rng.randrange(0, (today - START.date()).days * 1440))
    lon, lat = rng.uniform(2.284, 2.2922), rng.uniform(48.7345, 48.74)
    story = rng.choice(["new", "routed", "acknowledged", "resolved", "resolved", "verified"])
    organisation = ids[rng.choice(ORGANISATIONS)]
    routed = created + timedelta(hours=rng.randint(1, 48)) if story != "new" else None
    answered = routed + timedelta(days=rng.randint(0, 12)) if story not in (
        "new", "routed") else None
    resolved = answered + timedelta(days=rng.randint(0, 20)) if story in (
        "resolved", "verified") else None
    due = (routed or created).date() + timedelta(days=rng.randint(2, 20))
    if n % 10 == 0 and story in ("routed", "acknowledged"):
        due = today - timedelta(days=rng.randint(1, 30))  # overdue
    return {
        "kind": "gusp", "category": rng.choice(CATEGORIES),
        "description": "Point de mesure du banc d'essai",
        "lon": lon, "lat": lat, "public_lon": lon, "public_lat": lat,  # ordinary categories
        "position": "inside", "status": story, "visibility": "public", "version": 1,
        "tracking_digest": secrets.token_hex(32), "created_at": created,
        "updated_at": created, "suggested_organisation_id": organisation,
        "organisation_id": organisation if routed else None, "routed_at": routed,
        "answered_at": answered, "resolved_at": resolved,
        "answer_days": working_days(routed, answered) if answered else None,
        "resolve_days": working_days(routed, resolved) if resolved else None,
        "acknowledge_due": due if routed else None,
        "resolve_due": due + timedelta(days=10) if routed else None,
        "return_count": 2 if n % 97 == 0 and routed else 0,
    }


def _events(item_id, row):
    """The history that matches the row's dates."""
    steps = [("new", row["created_at"]), ("routed", row["routed_at"]),
             ("acknowledged", row["answered_at"]), ("resolved", row["resolved_at"])]
    if row["status"] == "verified":
        steps.append(("verified", row["resolved_at"]))
    events, previous = [], None
    for status, moment in steps:
        if moment is None:
            break
        events.append({"item_id": item_id, "from_status": previous, "to_status": status,
                       "created_at": moment, "actor_label": "Banc d'essai", "note": "",
                       "internal_note": ""})
        previous = status
    return events


def insert_items(env):
    """Add items (with their history) until the base holds TARGET_ITEMS; return the count."""
    rng = random.Random(2030)
    with app_context(env):
        from app.auth.services import find_organisation
        from app.clock import paris_date
        from app.extensions import db
        from app.items.models import Item, ItemEvent
        from app.workdays import working_days_between

        def working_days(routed, moment):
            return working_days_between(paris_date(routed), paris_date(moment))

        ids = {code: find_organisation(code).id for code in ORGANISATIONS}
        today = date.today()
        missing = TARGET_ITEMS - db.session.scalar(db.select(db.func.count(Item.id)))
        for batch in range(0, max(missing, 0), 5_000):
            rows = [_item(rng, ids, batch + n, today, working_days)
                    for n in range(min(5_000, missing - batch))]
            first = (db.session.scalar(db.select(db.func.max(Item.id))) or 0) + 1
            db.session.execute(db.insert(Item), rows)
            events = [e for offset, row in enumerate(rows)
                      for e in _events(first + offset, row)]
            db.session.execute(db.insert(ItemEvent), events)
            db.session.commit()
        return db.session.scalar(db.select(db.func.count(Item.id)))


def report(app_url, server_pid, env, print_table, requests=20):
    total = insert_items(env)
    from app.demo.services import DEMO_DOMAIN, demo_password

    year = f"from={date.today().year}-01-01&to={date.today().isoformat()}"
    pages = [
        ("comite", "GET /comite/suivi", "/comite/suivi"),
        ("comite", "GET /comite/suivi, all states, overdue", "/comite/suivi?status=all&overdue=1"),
        ("comite", "GET /comite/suivi/carte.json (zoom 16)",
         "/comite/suivi/carte.json?bbox=2.28,48.73,2.30,48.745&zoom=16"),
        ("comite", "GET /comite/suivi/repartition", "/comite/suivi/repartition"),
        ("comite", "GET /comite/suivi/delais (all time)", "/comite/suivi/delais"),
        ("comite", "GET /comite/suivi/points-recurrents", "/comite/suivi/points-recurrents"),
        ("comite", "GET /comite/suivi/marches", "/comite/suivi/marches"),
        ("comite", "GET /evaluation/indicateurs (this year)", f"/evaluation/indicateurs?{year}"),
        ("comite", "GET /evaluation/indicateurs (2024-2030)",
         "/evaluation/indicateurs?from=2024-01-01&to=2030-12-31"),
    ]
    rows, failed, headers = [], [], {}
    for account, label, path in pages:
        if account not in headers:
            headers[account] = {"Cookie": sign_in(app_url, f"{account}@{DEMO_DOMAIN}",
                                                  demo_password(account))}
        rows.append(_row(app_url + path, headers[account], label, requests, failed))
    token = {"Authorization": f"Bearer {staff_token(env)}"}
    rows.append(_row(app_url + "/api/v1/indicators?from=2024-01-01&to=2030-12-31", token,
                     "GET /api/v1/indicators (2024-2030)", requests, failed))
    print_table(f"Committee and indicators: {total:,} items in the base (gunicorn, 2 client "
                f"threads, {requests} requests each; target: p95 within {TARGET_MS} ms; "
                f"{_load()})",
                [*LATENCY_COLUMNS, "target met"], rows)
    exports = _download_rows([(f"{app_url}/api/v1/exports/items.{ext}?status=all",
                               {**token, **encoding},
                               f"GET /api/v1/exports/items.{ext} (every item{label})")
                              for ext in EXPORTS for label, encoding in DOWNLOADS],
                             server_pid, failed)
    print_table(f"Exports of every item: {total:,} items (gunicorn, 1 client thread, "
                f"{EXPORT_ROUNDS} rounds of one download of each after {WARM_UP_ROUNDS} "
                f"warm-up rounds; "
                f"target: whole download within {TARGET_MS} ms at p95; {_load()})",
                DOWNLOAD_COLUMNS, exports)
    return failed


def _load():
    """The machine's load when a table is printed: figures taken on a busy machine are
    upper bounds."""
    return "load average {:.1f} {:.1f} {:.1f} on {} cores".format(*os.getloadavg(),
                                                                os.cpu_count())


def _verdict(p95_ms):
    return "yes" if p95_ms <= TARGET_MS else "NO"


def _row(url, headers, label, requests, failed):
    result = measure(url, headers=headers, n=requests, concurrency=2, warmup=2,
                     time_limit_s=600, timeout=30)
    failed += [(label, f, 1) for f in result.failures[:1]]
    return [*latency_row(label, result), _verdict(result.p95_ms)]


def download(url, headers, timeout=EXPORT_TIMEOUT_S):
    """(status, milliseconds to the first byte of the body, milliseconds to the last,
    bytes): one download on a fresh connection, read as it streams."""
    parts = urlsplit(url)
    if parts.hostname != LOOPBACK:
        raise ValueError(f"the bench only talks to {LOOPBACK}, not {url}")
    connection = http.client.HTTPConnection(LOOPBACK, parts.port, timeout=timeout)
    started = time.perf_counter()
    try:
        connection.request("GET", f"{parts.path}?{parts.query}",
                           headers={"Connection": "close", **headers})
        response = connection.getresponse()
        first = response.read(1)
        first_ms = (time.perf_counter() - started) * 1000
        size = len(first)
        while chunk := response.read(1 << 16):
            size += len(chunk)
        return response.status, first_ms, (time.perf_counter() - started) * 1000, size
    finally:
        connection.close()


def _download_rows(targets, server_pid, failed):
    """A row of figures per (url, headers, label) of `targets`, downloaded in rounds (see
    EXPORT_ROUNDS); the first WARM_UP_ROUNDS warm the workers up and are not counted."""
    samples = {label: [] for _url, _headers, label in targets}
    for round_number in range(WARM_UP_ROUNDS + EXPORT_ROUNDS):
        for url, headers, label in targets:
            sample = _download_once(url, headers, label, server_pid, failed)
            if round_number >= WARM_UP_ROUNDS and sample:
                samples[label].append(sample)
    return [_download_row(label, samples[label]) for _url, _headers, label in targets]


def _download_once(url, headers, label, server_pid, failed):
    """(ms to the first byte, ms to the last, bytes, the workers' CPU ms) of one download,
    or None when it failed (then in `failed`)."""
    workers = workers_of(server_pid)
    cpu_before = cpu_seconds(workers)
    try:
        status, first_ms, total_ms, size = download(url, headers)
    except (OSError, http.client.HTTPException) as error:
        failed.append((label, f"{type(error).__name__}: {error}", 1))
        return None
    if status >= 400:
        failed.append((label, f"HTTP {status}", 1))
        return None
    return first_ms, total_ms, size, (cpu_seconds(workers) - cpu_before) * 1000


def _download_row(label, samples):
    if not samples:
        return [label, "0", *["-"] * (len(DOWNLOAD_COLUMNS) - 3), "NO"]
    firsts, totals, sizes, cpus = zip(*samples, strict=True)
    return [label, str(len(totals)), f"{percentile(firsts, 50):.0f}",
            f"{percentile(totals, 50):.0f}", f"{percentile(totals, 95):.0f}",
            f"{min(totals):.0f}-{max(totals):.0f}", f"{percentile(cpus, 50):.0f}",
            f"{max(sizes) / 1e6:.1f}",
            f"{max(sizes) / 1e6 / (percentile(totals, 50) / 1000):.1f}",
            _verdict(percentile(totals, 95))]
