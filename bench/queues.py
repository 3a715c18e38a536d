"""Benchmark of the working queues with 10,000 items: the coordination's triage queue and
an organisation's queue, each page read by a signed-in demo account.

The items are inserted in bulk into the bench's throwaway database: half waiting for
triage (new or returned), half routed to the three organisations, a tenth of those overdue.
"""

import http.client
import os
import random
import re
import secrets
import sys
from datetime import date, datetime, timedelta
from urllib.parse import urlencode, urlsplit

from harness import LATENCY_COLUMNS, LOOPBACK, PROJECT_ROOT, BenchError, latency_row, measure

BULK_ITEMS = 10_000
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
        db.session.execute(db.insert(Item), rows)
        db.session.commit()
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


def report(app_url, env, print_table, requests=200):
    from app.demo.services import DEMO_DOMAIN, demo_password

    total = insert_items(env)
    targets = [
        ("coordination", "GET /gestion/triage", "/gestion/triage"),
        ("coordination", "GET /gestion/triage, three filters",
         "/gestion/triage?category=tags&suggested=hbh&disputed=1"),
        ("coordination", "GET /gestion/triage?page=50", "/gestion/triage?page=50"),
        ("agent-hbh", "GET /gestion/organisme", "/gestion/organisme"),
        ("agent-hbh", "GET /gestion/organisme?overdue=1", "/gestion/organisme?overdue=1"),
    ]
    rows, failed, cookies = [], [], {}
    for account, label, path in targets:
        if account not in cookies:
            cookies[account] = sign_in(app_url, f"{account}@{DEMO_DOMAIN}",
                                       demo_password(account))
        result = measure(app_url + path, headers={"Cookie": cookies[account]}, n=requests,
                         concurrency=2, warmup=5, time_limit_s=60)
        rows.append(latency_row(label, result))
        failed += [(label, f, 1) for f in result.failures[:1]]
    print_table(f"Working queues: {BULK_ITEMS:,} items inserted, {total:,} in the base "
                "(50 per page, gunicorn, 2 client threads)",
                LATENCY_COLUMNS, rows)
    return failed
