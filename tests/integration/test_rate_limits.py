"""Rate limits as an abuser would test them: per walk for a walk's group, never a way out
by naming a walk; behind trusted proxies per client, and forged forwarding headers count
for nothing; shared across gunicorn workers through a real redis-server."""

import datetime as dt
import http.client
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from app import create_app
from app.clock import paris_today
from app.extensions import db
from app.walks import services as walks
from app.walks.models import WalkStatus
from config import BASE_DIR, TestingConfig
from tests.conftest import INSIDE
from tests.integration.test_walks import make_walk
from tests.live import free_port

GROUP = 25


def post_finding(client, walk_id, address="192.0.2.10"):
    feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": list(INSIDE)},
               "properties": {"kind": "dem", "category": "eclairage", "walk": walk_id,
                              "description": "Lampadaire éteint"}}
    return client.post("/api/v1/items", json=feature, environ_base={"REMOTE_ADDR": address})


MOVES_TO = {WalkStatus.PLANNED: [], WalkStatus.ONGOING: [WalkStatus.ONGOING],
            WalkStatus.CLOSED: [WalkStatus.ONGOING, WalkStatus.CLOSED],
            WalkStatus.CANCELLED: [WalkStatus.CANCELLED]}


def walk_in_state(status, date):
    walk = make_walk(date=date)
    for move in MOVES_TO[status]:
        walks.change_walk_status(None, walk, move)
    db.session.commit()
    return walk


def test_a_group_of_25_on_one_address_is_never_refused_during_its_walk(client):
    walk = walk_in_state(WalkStatus.ONGOING, dt.date.today())
    statuses = [post_finding(client, walk.id).status_code for _ in range(GROUP * 2)]
    assert statuses == [201] * (GROUP * 2)
    quick = client.post(f"/marches/{walk.id}/constats", data={
        "stop": walk.stops[0].id, "category": "tags", "strong_point": "0"},
        environ_base={"REMOTE_ADDR": "192.0.2.10"})
    assert quick.status_code != 429


@pytest.mark.parametrize("status, days_ago", [
    (WalkStatus.CLOSED, 10),       # a past walk
    (WalkStatus.PLANNED, -7),      # a future walk
    (WalkStatus.CANCELLED, 0),     # a cancelled one
])
def test_naming_a_walk_that_is_not_under_way_keeps_the_address_limit(client, status, days_ago):
    walk = walk_in_state(status, dt.date.today() - dt.timedelta(days=days_ago))
    statuses = [post_finding(client, walk.id).status_code for _ in range(11)]
    assert 429 not in statuses[:10] and statuses[10] == 429


def test_naming_an_unknown_walk_keeps_the_address_limit(client):
    statuses = [post_finding(client, 999_999).status_code for _ in range(11)]
    assert statuses[:10] == [422] * 10 and statuses[10] == 429


def test_naming_a_walk_under_way_spends_that_walks_budget_shared_by_every_address(
        app, client, monkeypatch):
    monkeypatch.setitem(app.config, "WALK_SUBMISSION_RATE_LIMIT", "30 per minute")
    walk = walk_in_state(WalkStatus.ONGOING, dt.date.today())
    addresses = [f"198.51.100.{n}" for n in range(1, 11)]  # an abuser with many addresses
    statuses = [post_finding(client, walk.id, addresses[n % 10]).status_code for n in range(31)]
    assert statuses[:30] == [201] * 30 and statuses[30] == 429
    # the abuser's own address budget is still there for other reports, and no larger
    plain = [client.post("/api/v1/items", json={"type": "Feature"},
                         environ_base={"REMOTE_ADDR": addresses[0]}).status_code
             for _ in range(11)]
    assert plain[:10] == [422] * 10 and plain[10] == 429


def test_a_night_walk_that_ends_after_midnight_still_counts_as_under_way(client):
    walk = walk_in_state(WalkStatus.PLANNED, paris_today() - dt.timedelta(days=1))
    assert all(post_finding(client, walk.id).status_code == 201 for _ in range(GROUP))


def proxied_app(proxies):
    class Config(TestingConfig):
        TRUSTED_PROXIES = proxies
        SQLALCHEMY_DATABASE_URI = db.engine.url.render_as_string(hide_password=False)

    return create_app(Config())


def anonymous_posts(client, count, forwarded_for):
    return [client.post("/api/v1/items", json={"type": "Feature"},
                        headers={"X-Forwarded-For": forwarded_for}).status_code
            for _ in range(count)]


def test_behind_one_trusted_proxy_each_client_has_its_own_limit(app):
    client = proxied_app(1).test_client()
    assert anonymous_posts(client, 11, "203.0.113.5")[10] == 429
    assert anonymous_posts(client, 10, "203.0.113.6") == [422] * 10  # another client
    # A client cannot pose as another by sending its own X-Forwarded-For: the proxy appends
    # the real address, and only the last one is trusted.
    assert anonymous_posts(client, 1, "203.0.113.99, 203.0.113.5") == [429]


def test_without_trusted_proxies_forwarding_headers_are_ignored(app):
    client = proxied_app(0).test_client()
    statuses = [anonymous_posts(client, 1, f"203.0.113.{n}")[0] for n in range(11)]
    assert statuses[10] == 429  # every forged address counted against the real one


def test_a_negative_proxy_count_is_refused(app):
    with pytest.raises(RuntimeError, match="TRUSTED_PROXIES"):
        proxied_app(-1)


# Two gunicorn workers and a real redis-server --------------------------------------------

def wait_for(check, what, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    pytest.fail(f"{what} did not start in {seconds} s")


def stop(process):
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def answers(port, path="/healthz"):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", path)
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    server = shutil.which("redis-server")
    if server is None:
        pytest.fail("redis-server is missing: `make test` installs Debian's redis-server")
    port = free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path_factory.mktemp("redis"))],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)

    def pong():
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    try:
        wait_for(pong, "redis-server")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        stop(process)


# gunicorn calls this in each worker once it has loaded the app, just before it accepts.
READY_HOOK = """from pathlib import Path

def post_worker_init(worker):
    Path({ready!r}, str(worker.pid)).touch()
"""


@pytest.fixture
def two_workers(app, redis_url, tmp_path):
    """gunicorn with two sync workers in production mode behind one trusted proxy, counting
    in Redis; its access log names the worker (pid) that answered each request. Yields once
    both workers accept: one still loading the app would leave the other every request."""
    port, log = free_port(), tmp_path / "access.log"
    ready = tmp_path / "ready"
    ready.mkdir()
    hooks = tmp_path / "gunicorn_hooks.py"
    hooks.write_text(READY_HOOK.format(ready=str(ready)))
    env = {**os.environ, "ARPENTEUR_CONFIG": "production", "SECRET_KEY": "two-workers-test",
           "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "UPLOAD_DIR": str(tmp_path),
           "RATELIMIT_STORAGE_URI": redis_url, "SUBMISSION_RATE_LIMIT": "5 per minute",
           "TRUSTED_PROXIES": "1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "-c", str(hooks),
         "--access-logfile", str(log), "--access-logformat",
         "%(p)s %(s)s %({x-forwarded-for}i)s", "app:create_app()"],
        cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: len(list(ready.iterdir())) == 2 and answers(port), "two gunicorn workers")
        yield port, log
    finally:
        stop(server)


def burst(port, client_address, count, threads=4):
    """`count` anonymous submissions from one client (as the proxy forwards it), sent from
    `threads` connections at once so that both workers take some."""
    statuses, lock = [], threading.Lock()
    tickets = iter(range(count))

    def send():
        for _ticket in iter(lambda: next(tickets, None), None):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            try:
                connection.request("POST", "/api/v1/items", body=b'{"type": "Feature"}',
                                   headers={"Content-Type": "application/json",
                                            "X-Forwarded-For": client_address,
                                            "Connection": "close"})
                response = connection.getresponse()
                response.read()
                status = response.status
            finally:
                connection.close()
            with lock:
                statuses.append(status)

    workers = [threading.Thread(target=send) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return statuses


def test_the_limit_holds_across_two_gunicorn_workers_sharing_redis(two_workers):
    port, log = two_workers
    for attempt in range(5):  # until both workers have answered the same client
        client = f"203.0.113.{attempt + 1}"
        statuses = burst(port, client, 20)
        pids = {line.split()[0] for line in Path(log).read_text().splitlines()
                if line.endswith(client)}
        if len(pids) == 2:
            break
    assert len(pids) == 2, "one worker answered everything: the test proved nothing"
    # memory:// would let each worker allow its own 5; Redis lets 5 through in all
    assert sorted(statuses).count(422) == 5 and statuses.count(429) == 15
