"""A real Arpenteur server process, for clients outside the test process (Chromium, GDAL)."""

import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager

from config import BASE_DIR


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def flask_server(env, log_path):
    """`flask run` on a free port with the environment `env` (its database, settings);
    yields the base URL once /healthz answers, and stops the server afterwards."""
    port = free_port()
    log = log_path.open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app", "run", "--port", str(port)],
        env=env, cwd=BASE_DIR, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        # A generous deadline: the machine running the tests may be busy with others.
        for _attempt in range(600):
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=1):
                    break
            except OSError:
                if server.poll() is not None:
                    raise RuntimeError(log_path.read_text()) from None
                time.sleep(0.1)
        else:
            raise RuntimeError(log_path.read_text())
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()
