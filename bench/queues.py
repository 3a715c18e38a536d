"""Benchmark of the lists with many items: the coordination's triage queue, an
organisation's queue (each read by a signed-in demo account) and the public list, each
with its p50 against the 20 ms target.

The items are inserted in bulk into the bench's throwaway database: half waiting for
triage (new or returned), half routed to the three organisations, a tenth of those overdue.
`make bench` runs it on 10,000 items (SQLite); run alone, it builds its own database:

    .venv/bin/python bench/queues.py --items 100000
    .venv/bin/python bench/queues.py --items 100000 \
        --database-url postgresql+psycopg://postgres:postgres@127.0.0.1/arpenteur_bench_queues

(the PostgreSQL database named is dropped and created again: never one you keep).
"""

import argparse
import http.client
import os
import random
import re
import secrets
import sys
from datetime import date, datetime, timedelta
from urllib.parse import urlencode, urlsplit

from harness import (
    LATENCY_COLUMNS,
    LOOPBACK,
    PROJECT_ROOT,
    BenchError,
    latency_row,
    measure,
    prepare_database,
    print_table,
    run_bench,
    serve_app,
    settle_items,
)

BULK_ITEMS = 10_000
TARGET_MS = 20
CHUNK = 10_000
ORGANISATIONS = ("hbh", "ville-antony", "vsgp")
CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def insert_items(env, count=BULK_ITEMS):
    """Insert `count` items in bulk; return how many items the base now holds."""
    os.environ["DATABASE_URL"] = env["DATABASE_URL"]
    sys.path.insert(0, str(PROJECT_ROOT))
    from app import create_app
    from app.auth.services import find_organisation
    from app.extensions import db
    from app.items.models import Item

    rng = random.Random(93)
    app = create_app("development")
    with app.app_context():
        ids = {code: find_organisation(code).id for code in ORGANISATIONS}
        today, start = date.today(), datetime(2026, 1, 1)
        rows = []
        for n in range(count):
            routed = n % 2 == 1
            status = (rng.choice(["routed", "acknowledged", "planned"]) if routed
                      else rng.choice(["new"] * 9 + ["returned"]))
            organisation = ids[rng.choice(ORGANISATIONS)]
            due = today + timedelta(days=rng.randint(-3, 30))
            rows.append({
                "kind": "gusp", "category": rng.choice(["proprete", "tags", "eclairage"]),
                "description": "Point de mesure du banc d'essai",
                "lon": rng.uniform(2.284, 2.2922), "lat": rng.uniform(48.7345, 48.74),
                "position": "inside", "status": status, "visibility": "public", "version": 1,
                "tracking_digest": secrets.token_hex(32),
                "created_at": start + timedelta(minutes=n),
                "suggested_organisation_id": organisation,
                "organisation_id": organisation if routed or status == "returned" else None,
                "acknowledge_due": due if routed else None,
                "resolve_due": due + timedelta(days=14) if routed else None,
                "return_count": 2 if status == "returned" and n % 4 == 0 else 0,
            })
        for row in rows:  # ordinary categories: the public is shown the exact point
            row["public_lon"], row["public_lat"] = row["lon"], row["lat"]
        for first in range(0, count, CHUNK):
            db.session.execute(db.insert(Item), rows[first:first + CHUNK])
        db.session.commit()
        settle_items(db)
        return db.session.scalar(db.select(db.func.count(Item.id)))


def _cookie(response, jar):
    for header, value in response.getheaders():
        if header.lower() == "set-cookie":
            name, _sep, rest = value.partition("=")
            jar[name] = rest.split(";", 1)[0]
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def sign_in(app_url, email, password):
    """The session cookie of a signed-in account (one GET, one POST, like a browser)."""
    port, jar = urlsplit(app_url).port, {}
    connection = http.client.HTTPConnection(LOOPBACK, port, timeout=10)
    try:
        connection.request("GET", "/connexion")
        response = connection.getresponse()
        token = CSRF_INPUT.search(response.read().decode())
        cookie = _cookie(response, jar)
        body = urlencode({"email": email, "password": password,
                          "csrf_token": token.group(1) if token else ""})
        connection.request("POST", "/connexion", body=body, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
        response = connection.getresponse()
        response.read()
        if response.status != 302:
            raise BenchError(f"sign-in of {email} answered {response.status}")
        return _cookie(response, jar)
    finally:
        connection.close()


def report(app_url, env, print_table, requests=200, items=BULK_ITEMS):
    total = insert_items(env, items)
    from app.demo.services import DEMO_DOMAIN, demo_password

    targets = [
        (None, "GET /signalements", "/signalements"),
        (None, "GET /signalements, a later page", "/signalements?apres=20260201T000000000000.1"),
        ("coordination", "GET /gestion/triage", "/gestion/triage"),
        ("coordination", "GET /gestion/triage, three filters",
         "/gestion/triage?category=tags&suggested=hbh&disputed=1"),
        ("coordination", "GET /gestion/triage, a later page",
         "/gestion/triage?apres=20260115T000000000000.1"),
        ("agent-hbh", "GET /gestion/organisme", "/gestion/organisme"),
        ("agent-hbh", "GET /gestion/organisme?overdue=1", "/gestion/organisme?overdue=1"),
    ]
    rows, failed, cookies = [], [], {}
    for account, label, path in targets:
        if account and account not in cookies:
            cookies[account] = sign_in(app_url, f"{account}@{DEMO_DOMAIN}",
                                       demo_password(account))
        headers = {"Cookie": cookies[account]} if account else {}
        result = measure(app_url + path, headers=headers, n=requests, concurrency=2,
                         warmup=5, time_limit_s=60)
        verdict = "met" if result.p50_ms <= TARGET_MS else "NOT MET"
        rows.append([*latency_row(label, result), verdict])
        failed += [(label, f, 1) for f in result.failures[:1]]
    print_table(f"Lists: {items:,} items inserted, {total:,} in the base "
                f"(50 per page, gunicorn, 2 client threads; target p50 <= {TARGET_MS} ms, "
                f"{env['DATABASE_URL'].split(':')[0]})",
                [*LATENCY_COLUMNS, f"p50 <= {TARGET_MS} ms"], rows)
    return failed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--database-url", help="a throwaway PostgreSQL database (dropped)")
    args = parser.parse_args()

    def measure_all(env):
        if args.database_url:
            from scale import recreate_postgresql

            recreate_postgresql(args.database_url)
            env["DATABASE_URL"] = args.database_url
        prepare_database(env)
        with serve_app(env) as app_url:
            return report(app_url, env, print_table, args.requests, args.items)

    return run_bench(measure_all, prefix="arpenteur-queues-")


if __name__ == "__main__":
    sys.exit(main())
