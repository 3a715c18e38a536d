"""`make bench-scale`: the public map and list, and item creation, with many items.

Builds a throwaway database holding ITEMS items (100,000 by default; `--items N`), on SQLite
in a temporary directory or, with `--database-url postgresql+psycopg://…/NAME`, on a
PostgreSQL database that is dropped and created again for the run (never point it at a
database you keep). Items are inserted in bulk over the perimeter's bounding box, one in ten
of a generalised category, then the app is served by gunicorn and each read is measured.
Prints p50/p95 per request and the size of the answers; exits 1 if a request fails.

    .venv/bin/python bench/scale.py --items 100000
    .venv/bin/python bench/scale.py --items 100000 \
        --database-url postgresql+psycopg://postgres:postgres@127.0.0.1/arpenteur_bench
"""

import argparse
import gzip
import json
import sys
import time

import harness
import sqlalchemy as sa
from harness import (
    BARE_APP_SPEC,
    LATENCY_COLUMNS,
    BenchError,
    latency_row,
    measure,
    prepare_database,
    print_table,
    request,
    run_bench,
    serve_app,
)
from item_capture import INSIDE, insert_items, staff_token

# About 1 % of the perimeter's bounding box: some 1,000 items at 100,000.
STREET_BOX = "2.2880,48.7370,2.28882,48.73755"
PERIMETER_BOX = "2.284,48.7345,2.2922,48.74"
# A slow answer is a figure to print, not a failure of the bench.
SLOW_S = 120
harness.STARTUP_TIMEOUT_S = SLOW_S


def recreate_postgresql(url):
    """Drop and create the database named by `url` (the bench's own, throwaway)."""
    target = sa.engine.make_url(url)
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        name = connection.dialect.identifier_preparer.quote(target.database)
        connection.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        connection.execute(sa.text(f"CREATE DATABASE {name}"))
    admin.dispose()


def answer_size(url, headers=None):
    """(bytes as sent, bytes gzipped, the body's numberReturned/numberMatched if any)."""
    status, body = request(url, headers=headers, timeout=SLOW_S)
    if status >= 400:
        raise BenchError(f"{url} answered {status}")
    raw = gzip.decompress(body) if body[:2] == b"\x1f\x8b" else body
    counts = ""
    if url.find("/api/") > 0:
        data = json.loads(raw)
        counts = f"{len(data['features'])} features"
        if "numberMatched" in data:
            counts += f" of {data['numberMatched']}"
    return len(body), len(gzip.compress(raw, 6)), counts


def run(env, items):
    started = time.monotonic()
    prepare_database(env)
    insert_items(env, items)
    print(f"{items:,} items inserted in {time.monotonic() - started:.0f} s "
          f"({env['DATABASE_URL'].split(':')[0]})\n")
    token = staff_token(env)
    feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": list(INSIDE)},
               "properties": {"kind": "gusp", "category": "proprete", "on_behalf": True,
                              "description": "Saisie assistée du banc d'essai"}}
    reads = [("GET /api/v1/items?bbox= (street)", f"/api/v1/items?bbox={STREET_BOX}"),
             ("GET /api/v1/items?bbox= (perimeter)", f"/api/v1/items?bbox={PERIMETER_BOX}"),
             ("GET /signalements", "/signalements")]
    rows, sizes, failed = [], [], []
    with (serve_app(env, BARE_APP_SPEC, ready_path="/") as bare_url,
          serve_app(env) as app_url):
        result = measure(bare_url + "/", n=200, concurrency=2, warmup=10)
        rows.append(latency_row("bare / (floor)", result))
        for label, path in reads:
            result = measure(app_url + path, n=60, concurrency=2, warmup=5, time_limit_s=90)
            rows.append(latency_row(label, result))
            failed += [(label, f, 1) for f in result.failures[:1]]
            for encoding in ("identity", "gzip"):
                sent, zipped, counts = answer_size(app_url + path, {"Accept-Encoding": encoding})
                sizes.append([f"{label} [{encoding}]", f"{sent:,}", f"{zipped:,}", counts])
        label = "POST /api/v1/items (JSON)"
        result = measure(app_url + "/api/v1/items", "POST", json.dumps(feature).encode(),
                         {"Authorization": f"Bearer {token}",
                          "Content-Type": "application/json"},
                         n=100, concurrency=2, warmup=3, time_limit_s=90)
        rows.append(latency_row(label, result))
        failed += [(label, f, 1) for f in result.failures[:1]]
    print_table(f"{items:,} items, gunicorn -w 2, 2 client threads", LATENCY_COLUMNS, rows)
    print_table("Answer sizes", ["request [Accept-Encoding]", "bytes sent", "gzip -6", "items"],
                sizes)
    return failed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--database-url", help="a throwaway PostgreSQL database (dropped)")
    args = parser.parse_args()

    def measure_all(env):
        if args.database_url:
            recreate_postgresql(args.database_url)
            env["DATABASE_URL"] = args.database_url
        return run(env, args.items)

    return run_bench(measure_all, prefix="arpenteur-scale-")


if __name__ == "__main__":
    sys.exit(main())
