"""Benchmark of the open-data reads on the working queues' 10,000 public items: Open311
request lists (JSON and XML, 1,000 per answer) and OGC API – Features pages, as GIS tools
and civic apps read them, anonymously."""

from urllib.parse import quote

from harness import LATENCY_COLUMNS, latency_row, measure

# The bulk items are dated 1-7 January 2026: a window that holds them all.
WINDOW = (f"start_date={quote('2026-01-01T00:00:00+01:00')}"
          f"&end_date={quote('2026-03-01T00:00:00+01:00')}")
BOX = "2.2870,48.7360,2.2890,48.7375"  # about 150 m × 170 m of the neighbourhood
TARGETS = [
    ("Open311 requests.json, 1,000 of the window", f"/open311/v2/requests.json?{WINDOW}"),
    ("Open311 requests.xml, 1,000 of the window", f"/open311/v2/requests.xml?{WINDOW}"),
    ("Open311 requests.json, one service, open", f"/open311/v2/requests.json?{WINDOW}"
                                                  "&service_code=tags&status=open"),
    ("OGC items, first page of 100", "/ogcapi/collections/public-items/items"),
    ("OGC items, a page of 1,000", "/ogcapi/collections/public-items/items?limit=1000"),
    ("OGC items, page 91 of 100", "/ogcapi/collections/public-items/items?offset=9000"),
    ("OGC items, a small bbox", f"/ogcapi/collections/public-items/items?bbox={BOX}"),
]


def report(app_url, print_table, requests=60):
    """Print the latency of each open-data read; return the failures seen."""
    rows, failed = [], []
    for label, path in TARGETS:
        result = measure(app_url + path, n=requests, concurrency=2, warmup=3,
                         time_limit_s=60)
        rows.append(latency_row(label, result))
        failed += [(label, f, 1) for f in result.failures[:1]]
    print_table("Open data: Open311 and OGC API – Features on the 10,000 public items above "
                "(anonymous, gunicorn, 2 client threads)", LATENCY_COLUMNS, rows)
    return failed
