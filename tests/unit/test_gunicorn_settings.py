"""What gunicorn.conf.py does to each worker once it has loaded the app."""

import gc
import runpy
from pathlib import Path

SETTINGS = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


def test_a_worker_does_not_collect_while_a_page_builds_thousands_of_rows():
    """An export or the indicators build tens of thousands of rows that no cycle holds: in
    a worker, building 15,000 of them (30,000 new objects) sets off no collection, where
    Python's defaults made about 40."""
    threshold = gc.get_threshold()
    collections = []

    def counted(phase, info):
        if phase == "start":
            collections.append(info["generation"])

    try:
        runpy.run_path(str(SETTINGS))["post_worker_init"](None)
        assert gc.get_freeze_count() > 0  # the app's own objects are set aside
        gc.callbacks.append(counted)
        rows = [(n, f"ligne {n}", [n]) for n in range(15_000)]
    finally:
        if counted in gc.callbacks:
            gc.callbacks.remove(counted)
        gc.unfreeze()
        gc.set_threshold(*threshold)
    assert len(rows) == 15_000 and collections == []
