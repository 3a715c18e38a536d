"""What every Arpenteur benchmark needs: a throwaway database, gunicorn servers that always
stop, a bounded load generator and a plain-text table.

Requests go to 127.0.0.1 only, and every load is bounded by a request count and a time
limit, so a benchmark can reach nothing but the servers it started and cannot run away on
a slow machine.
"""

import http.client
import math
import os
import queue
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
GUNICORN_CONFIG = PROJECT_ROOT / "gunicorn.conf.py"
LOOPBACK = "127.0.0.1"
APP_SPEC = "app:create_app()"
BARE_APP_SPEC = "bench.bare_app:create_app()"
WORKERS = 2
# A server that dies is seen at once (its exit code); this only bounds one that hangs, and
# two workers importing the app on a busy 2-core machine can take well over 20 s.
STARTUP_TIMEOUT_S = 120
REQUEST_TIMEOUT_S = 5
LOG_TAIL_CHARS = 4000


class BenchError(RuntimeError):
    """The bench could not set up what it measures; its figures would mean nothing."""


def arpenteur_env(workdir):
    """Environment for the CLI and gunicorn, with the SQLite database inside `workdir`.

    LEAFLET_SOURCE=local serves Leaflet from this server, so the page weight can list it;
    an empty TILE_URL leaves tiles out, as the bench never fetches them.
    """
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{Path(workdir) / 'bench.db'}",
        "ARPENTEUR_CONFIG": "development",
        "LEAFLET_SOURCE": "local",
        "TILE_URL": "",
        "UPLOAD_DIR": str(Path(workdir) / "uploads"),
        "LOGIN_RATE_LIMIT": "100000 per minute",  # the sign-in bench signs in many times
    }


@contextmanager
def app_context(env):
    """An application context on the bench's database (for inserting in bulk)."""
    os.environ["DATABASE_URL"] = env["DATABASE_URL"]
    sys.path.insert(0, str(PROJECT_ROOT))
    from app import create_app

    with create_app("development").app_context():
        yield


def settle_items(db):
    """After a bulk insert, bring the item table to the state a base that has lived is in
    (committing the session first, on PostgreSQL: VACUUM runs on a connection of its own).

    On PostgreSQL that is VACUUM ANALYZE, as autovacuum does in its own time: ANALYZE alone
    leaves the visibility map empty, so each index-only scan reads the table as well, and the
    coordination's triage queue at 100,000 items took 34 ms a page instead of 15. SQLite
    keeps no such map, and the few reads it would plan badly without statistics carry
    index hints (app/database.py).
    """
    if db.engine.dialect.name != "postgresql":
        return
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(db.text("VACUUM ANALYZE item"))


def prepare_database(env):
    """Migrate, load the perimeters and seed the demo accounts, as a new instance would."""
    for command in (["db", "upgrade"], ["geodata", "load"], ["seed-demo"]):
        done = subprocess.run([sys.executable, "-m", "flask", "--app", "app", *command],
                              cwd=PROJECT_ROOT, env=env, capture_output=True, text=True,
                              timeout=120, check=False)
        if done.returncode != 0:
            output = (done.stdout + done.stderr)[-LOG_TAIL_CHARS:]
            raise BenchError(f"flask {' '.join(command)} failed:\n{output}")


def free_port():
    """A loopback port nobody listens on right now (the OS picks it)."""
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


@contextmanager
def serve_process(env, app_spec=APP_SPEC, ready_path="/healthz"):
    """Run `app_spec` under gunicorn with the production settings (gunicorn.conf.py) but
    WORKERS workers, on a free loopback port.

    Yields (base URL, the gunicorn master process) once `ready_path` answers 200, and
    stops the server however the block ends. Raises BenchError, with the server's log,
    if it is not ready in time.
    """
    base_url = f"http://{LOOPBACK}:{free_port()}"
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONFIG), "-w", str(WORKERS),
             "-b", base_url.removeprefix("http://"), app_spec],
            cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_until_ready(server, base_url + ready_path, log)
            yield base_url, server
        finally:
            _stop(server)


def workers_of(pid):
    """The pids of the processes whose parent is `pid` (gunicorn's workers)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    return found


def cpu_seconds(pids):
    """The CPU time (user and system) the processes `pids` have used so far, in seconds,
    to the kernel's clock tick (10 ms here)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


@contextmanager
def serve_app(env, app_spec=APP_SPEC, ready_path="/healthz"):
    """serve_process, yielding the base URL only."""
    with serve_process(env, app_spec, ready_path) as (base_url, _server):
        yield base_url


def _wait_until_ready(server, url, log):
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            break
        try:
            if request(url, timeout=1)[0] == 200:
                return
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.1)
    log.seek(0)
    tail = log.read().decode(errors="replace")[-LOG_TAIL_CHARS:]
    raise BenchError(f"server for {url} not ready (exit code {server.poll()}):\n{tail}")


def _stop(server):
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def request(url, method="GET", body=None, headers=None, timeout=REQUEST_TIMEOUT_S):
    """Send one request on a fresh connection and return (status, body bytes).

    A fresh connection each time because gunicorn's sync workers close every connection
    anyway; keep-alive would only make the client behave differently from one server to
    the next. Refuses any host but 127.0.0.1.
    """
    status, _headers, content = exchange(url, method, body, headers, timeout)
    return status, content


def exchange(url, method="GET", body=None, headers=None, timeout=REQUEST_TIMEOUT_S):
    """`request`, returning (status, response headers, body bytes as sent: still
    compressed when the server compressed it)."""
    parts = urlsplit(url)
    if parts.hostname != LOOPBACK:
        raise ValueError(f"the bench only talks to {LOOPBACK}, not {url}")
    connection = http.client.HTTPConnection(LOOPBACK, parts.port, timeout=timeout)
    try:
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request(method, target or "/", body=body,
                           headers={"Connection": "close", **(headers or {})})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def percentile(values, pct):
    """Nearest-rank percentile: always a latency some request really had."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(math.ceil(pct / 100 * len(ordered)) - 1, 0)]


@dataclass
class Measurement:
    """Latencies of the requests that succeeded, why the others failed, and the wall time."""

    latencies_ms: list
    failures: list
    elapsed_s: float

    @property
    def requests(self):
        return len(self.latencies_ms) + len(self.failures)

    @property
    def p50_ms(self):
        return percentile(self.latencies_ms, 50)

    @property
    def p95_ms(self):
        return percentile(self.latencies_ms, 95)

    @property
    def mean_ms(self):
        return statistics.fmean(self.latencies_ms) if self.latencies_ms else math.nan

    @property
    def per_second(self):
        return len(self.latencies_ms) / self.elapsed_s if self.elapsed_s else math.nan


def measure(url, method="GET", body=None, headers=None, n=400, concurrency=4, warmup=20,
            time_limit_s=10.0, timeout=REQUEST_TIMEOUT_S):
    """Send `warmup` unmeasured requests, then measure `n` from `concurrency` threads;
    `url` may be a function giving each request its own.

    Both phases share `time_limit_s`; past it no new request starts, and the Measurement
    shows how many were sent. Any status of 400 or more counts as a failure, and so does a
    wait of more than `timeout` seconds for the answer or its next part.
    """
    deadline = time.monotonic() + time_limit_s
    _drive(url, method, body, headers, warmup, concurrency, deadline, timeout)
    return _drive(url, method, body, headers, n, concurrency, deadline, timeout)


def _drive(url, method, body, headers, count, concurrency, deadline, timeout):
    tickets = queue.SimpleQueue()
    for _ in range(count):
        tickets.put(None)
    latencies_ms, failures = [], []

    def client():
        while time.monotonic() < deadline:
            try:
                tickets.get_nowait()
            except queue.Empty:
                return
            started = time.perf_counter()
            try:
                status, _ = request(url() if callable(url) else url, method, body, headers,
                                    timeout)
            except (OSError, http.client.HTTPException) as error:
                failures.append(f"{type(error).__name__}: {error}")
                continue
            if status >= 400:
                failures.append(f"HTTP {status}")
            else:
                latencies_ms.append((time.perf_counter() - started) * 1000)

    clients = [threading.Thread(target=client) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in clients:
        thread.start()
    for thread in clients:
        thread.join()
    return Measurement(latencies_ms, failures, time.perf_counter() - started)


LATENCY_COLUMNS = ["target", "requests", "p50 ms", "p95 ms", "mean ms", "req/s", "failed"]


def latency_row(label, result):
    """A Measurement as a row of strings under LATENCY_COLUMNS."""
    return [label, str(result.requests), f"{result.p50_ms:.1f}", f"{result.p95_ms:.1f}",
            f"{result.mean_ms:.1f}", f"{result.per_second:.0f}", str(len(result.failures))]


def run_bench(measure_all, prefix="arpenteur-bench-"):
    """Run `measure_all(env)` on a throwaway instance (a temporary directory); it returns the
    requests that failed, as (label, first failure, count). Returns the exit code: 1 if
    setup failed or any request did, since the figures would then mislead."""
    with tempfile.TemporaryDirectory(prefix=prefix) as workdir:
        try:
            failed = measure_all(arpenteur_env(workdir))
        except BenchError as error:
            print(f"bench: {error}", file=sys.stderr)
            return 1
    for label, first, count in failed:
        print(f"bench: {label}: {count} requests failed, first: {first}", file=sys.stderr)
    return 1 if failed else 0


def print_table(title, headers, rows):
    """Print rows of strings under `title`: first column left-aligned, the others right."""
    widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(len(headers))]
    print(title)
    for row in [headers, *rows]:
        cells = [row[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        print("  " + "  ".join(cells).rstrip())
    print()
