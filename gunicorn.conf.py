"""gunicorn settings for Arpenteur: `gunicorn -c gunicorn.conf.py 'app:create_app()'`.

Each worker runs several threads, so that while one of them decodes photos (one at a
time per worker, app/items/photos.py) or some wait for the database (bounded by its timeouts,
app/database.py), the others still answer pages and /healthz. A request past `timeout`
seconds is killed with its worker: the database and photo limits answer well before.

Once a worker has loaded the app, its objects are set aside from garbage collection: a page
that reads tens of thousands of rows (the indicators, the recurring hotspots) would
otherwise often pay a full collection that walks every object of the app as well. And the
youngest objects are collected after 50,000 new ones rather than Python's 700: rows,
tuples and texts are freed as they are dropped (no cycle holds them), but an export of
50,000 items made 230 to 330 collections that found nothing to free, 70 to 210 ms of its
time, and the indicators 120 (57 ms). Cyclic garbage then waits a little longer, a few
megabytes at most.
"""

import gc
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
timeout = 30
graceful_timeout = 30
# Photos of 10 MB arrive slowly from phones: keep the connection while they do.
keepalive = 5


YOUNG_COLLECTION_THRESHOLD = (50_000, 20, 10)


def post_worker_init(worker):
    gc.collect()
    gc.freeze()
    gc.set_threshold(*YOUNG_COLLECTION_THRESHOLD)
