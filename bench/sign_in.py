"""Benchmark of sign-in: a known address with a wrong password and an unknown address must
cost the same, or the time of the answer tells who has an account.

Each request fetches the form (for its CSRF token and cookie) and posts it; only the post
is timed. The server's LOGIN_RATE_LIMIT is raised by the bench environment.
"""

import http.client
import re
import statistics
import time
from urllib.parse import urlencode, urlsplit

from harness import LOOPBACK, REQUEST_TIMEOUT_S

KNOWN = "admin@demo.arpenteur.example"  # seeded by `seed-demo`
UNKNOWN = "personne@demo.arpenteur.example"
CSRF = re.compile(rb'name="csrf_token" type="hidden" value="([^"]+)"')


def _sign_in_ms(port, email):
    connection = http.client.HTTPConnection(LOOPBACK, port, timeout=REQUEST_TIMEOUT_S)
    try:
        connection.request("GET", "/connexion")
        page = connection.getresponse()
        body, cookie = page.read(), page.getheader("Set-Cookie", "").split(";")[0]
        token = CSRF.search(body).group(1).decode()
        form = urlencode({"email": email, "password": "pas-le-bon-mot-de-passe",
                          "csrf_token": token})
        started = time.perf_counter()
        connection.request("POST", "/connexion", body=form, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
        answer = connection.getresponse()
        answer.read()
        elapsed = (time.perf_counter() - started) * 1000
    finally:
        connection.close()
    if answer.status != 401:
        raise RuntimeError(f"sign-in answered {answer.status}, expected 401")
    return elapsed


def report(app_url, print_table, rounds=40):
    """Alternate known and unknown addresses; print median and spread of each."""
    port = urlsplit(app_url).port
    timings = {KNOWN: [], UNKNOWN: []}
    failed = []
    for _round in range(rounds):
        for email, values in timings.items():
            try:
                values.append(_sign_in_ms(port, email))
            except (OSError, http.client.HTTPException, RuntimeError) as error:
                failed.append((f"sign-in {email}", str(error), 1))
    rows = [[label, str(len(values)), f"{statistics.median(values):.1f}",
             f"{statistics.quantiles(values, n=20)[0]:.1f}",
             f"{statistics.quantiles(values, n=20)[-1]:.1f}"]
            for label, values in (("known address, wrong password", timings[KNOWN]),
                                  ("unknown address", timings[UNKNOWN])) if len(values) > 1]
    print_table("Sign-in refused (POST /connexion, gunicorn, one client)",
                ["case", "requests", "p50 ms", "p5 ms", "p95 ms"], rows)
    return failed
