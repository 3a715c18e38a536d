"""`make bench`: latency of the main read routes, compressed weight of the home page, item
capture, the working queues, the photo detector's findings and time on real photographs,
and photo decoding under load with /healthz meanwhile.

Builds a throwaway SQLite instance, serves it and a bare Flask app (the floor) with
gunicorn on 127.0.0.1, and prints the figures (`--only committee`: the committee's part
alone, on the app only). Exits 1 if setup fails or any measured
request fails, since the figures would then mislead.
"""

import argparse
import sys

import committee
import detection
import item_capture
import open_data
import photo_load
import queues
import sign_in
from harness import (
    BARE_APP_SPEC,
    LATENCY_COLUMNS,
    WORKERS,
    latency_row,
    measure,
    prepare_database,
    print_table,
    run_bench,
    serve_app,
    serve_process,
)
from page_weight import GZIP, PHONE, weigh_page

REQUESTS = 400
WARMUP = 20
CONCURRENCY = 4
BUDGET_KB = 60
CAPTURE_BUDGET_KB = 70  # everything the capture page loads, Leaflet included
# 1 KB = 1000 bytes: the stricter reading of the budget.
KB = 1000


def report_latency(bare_url, app_url):
    """Print the latency table; return the failures seen, as (target, first failure, count)."""
    targets = [
        ("bare /", bare_url + "/"),
        ("app /", app_url + "/"),
        ("app /api/v1/perimeters", app_url + "/api/v1/perimeters"),
        ("app /healthz", app_url + "/healthz"),
    ]
    rows, failed = [], []
    for label, url in targets:
        result = measure(url, n=REQUESTS, concurrency=CONCURRENCY, warmup=WARMUP)
        rows.append(latency_row(label, result))
        if result.failures:
            failed.append((label, result.failures[0], len(result.failures)))
    print_table(
        f"Latency: {REQUESTS} requests after {WARMUP} warm-up, {CONCURRENCY} client threads, "
        f"one connection per request, gunicorn.conf.py with -w {WORKERS} on 127.0.0.1",
        LATENCY_COLUMNS, rows)
    return failed


def report_page_weight(app_url, page="/", name="Home page"):
    """Print a page's own and Leaflet weights, and the own total against the budget."""
    own, leaflet = weigh_page(app_url + page)
    for title, assets in (("own files (budgeted)", own),
                          ("Leaflet (outside the budget)", leaflet)):
        rows = [[path + (" (HTML)" if path == page else ""), f"{size / KB:.1f}"]
                for path, size in assets]
        rows.append(["total", f"{sum(size for _, size in assets) / KB:.1f}"])
        print_table(f"{name}, {title}, as sent (gzip asked), 1 KB = {KB} bytes",
                    ["file", "KB"], rows)
    own_kb = sum(size for _, size in own) / KB
    verdict = "within" if own_kb <= BUDGET_KB else "OVER"
    print(f"Own total {own_kb:.1f} KB of the {BUDGET_KB} KB budget: {verdict} "
          f"({abs(BUDGET_KB - own_kb):.1f} KB {'to spare' if verdict == 'within' else 'over'})")


def report_capture_weight(app_url):
    """Print everything the capture page loads, Leaflet included, against its budget (in
    gzip, as the target is written), and what a phone asking for brotli downloads."""
    weighed = {accepted: weigh_page(app_url + "/signaler", everything=True, accepted=accepted)
               for accepted in (GZIP, PHONE)}
    files = {accepted: [*own, *leaflet] for accepted, (own, leaflet) in weighed.items()}
    rows = [[path + (" (HTML)" if path == "/signaler" else ""), f"{size / KB:.1f}",
             f"{phone / KB:.1f}"]
            for (path, size), (_path, phone) in zip(files[GZIP], files[PHONE], strict=True)]
    total, phone_total = (sum(size for _, size in files[accepted]) / KB
                          for accepted in (GZIP, PHONE))
    rows.append(["total", f"{total:.1f}", f"{phone_total:.1f}"])
    print_table(f"Capture page, everything a first visit loads (Leaflet, images, data, the "
                f"service worker and what it downloads again included), as sent, 1 KB = "
                f"{KB} bytes", ["file", "KB (gzip asked)", f"KB ({PHONE} asked)"], rows)
    verdict = "met" if total <= CAPTURE_BUDGET_KB else "NOT MET"
    print(f"Capture page total {total:.1f} KB in gzip, target <= {CAPTURE_BUDGET_KB} KB: "
          f"{verdict}; {phone_total:.1f} KB as a phone asking for brotli downloads it\n")


def measure_all(env):
    prepare_database(env)
    with (serve_app(env, BARE_APP_SPEC, ready_path="/") as bare_url,
          serve_process(env) as (app_url, server)):
        failed = report_latency(bare_url, app_url)
        report_page_weight(app_url)
        report_page_weight(app_url, "/signaler", "Capture page")
        report_capture_weight(app_url)
        failed += item_capture.report(app_url, env, print_table, bare_url=bare_url)
        failed += queues.report(app_url, env, print_table)
        failed += open_data.report(app_url, print_table)  # on the queues' items
        failed += sign_in.report(app_url, print_table)
        failed += committee.report(app_url, server.pid, env, print_table)
    return failed + detection.report(print_table) + photo_load.report(env, print_table)


def measure_committee(env):
    """The committee's part alone (its pages, indicators and exports on 50,000 items)."""
    prepare_database(env)
    with serve_process(env) as (app_url, server):
        return committee.report(app_url, server.pid, env, print_table)


def measure_capture_page(env):
    """The capture page's weights alone (its own budget and everything a first visit
    downloads)."""
    prepare_database(env)
    with serve_app(env) as app_url:
        report_page_weight(app_url, "/signaler", "Capture page")
        report_capture_weight(app_url)
    return []


PARTS = {"all": measure_all, "committee": measure_committee, "capture": measure_capture_page}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--only", choices=sorted(PARTS), default="all",
                        help="measure one part only (default: every part)")
    sys.exit(run_bench(PARTS[parser.parse_args().only]))
