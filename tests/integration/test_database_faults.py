"""A database that cannot write, or is held by a lock, answers 503 with a clear message and
never stalls /healthz: tested against a real read-only database (PostgreSQL sessions with
default_transaction_read_only, a SQLite file opened read-only) and a real lock held by
another connection."""

import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from app import create_app
from app.extensions import db
from app.items.models import Item
from config import BASE_DIR, TestingConfig
from tests.conftest import INSIDE, IsolatedClient, csrf_token, make_item, page_text

FEATURE = {"type": "Feature", "geometry": {"type": "Point", "coordinates": list(INSIDE)},
           "properties": {"kind": "gusp", "category": "proprete", "description": "Sacs"}}


def second_app(app, **settings):
    """Another instance of Arpenteur on the test database, with `settings` changed."""
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        UPLOAD_DIR = app.config["UPLOAD_DIR"]

    for name, value in settings.items():
        setattr(Config, name, value)
    instance = create_app(Config())
    instance.test_client_class = IsolatedClient
    return instance


@contextmanager
def read_only_app(app):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("postgresql"):
        instance = second_app(app, SQLALCHEMY_ENGINE_OPTIONS={
            "connect_args": {"options": "-c default_transaction_read_only=on"}})
    else:
        path = url.removeprefix("sqlite:///")
        instance = second_app(app, SQLALCHEMY_DATABASE_URI=f"sqlite:///file:{path}"
                                                           "?mode=ro&uri=true")
    yield instance
    with instance.app_context():
        db.engine.dispose()


def count_items():
    return db.session.scalar(select(func.count(Item.id)))


def test_a_read_only_database_answers_503_and_healthz_says_so(app, client):
    item = make_item(publish=True)
    with read_only_app(app) as read_only:
        visitor = read_only.test_client()
        refused = visitor.post("/api/v1/items", json=FEATURE)
        assert refused.status_code == 503
        assert refused.get_json()["errors"]["_"].startswith("Arpenteur est en lecture seule")
        token = csrf_token(visitor, f"/signalements/{item.id}")  # reading works
        page = visitor.post(f"/signalements/{item.id}/moi-aussi", data={"csrf_token": token})
        assert page.status_code == 503 and "lecture seule" in page_text(page)
        health = visitor.get("/healthz")
        assert (health.status_code, health.get_json()) == (503, {"status": "read-only"})
    assert count_items() == 1 and item.followers == []
    assert client.get("/healthz").get_json() == {"status": "ok"}
    # the read-only URI (sqlite:///file:PATH?mode=ro&uri=true) names a file, not a folder
    assert not (Path(BASE_DIR) / "file:").exists()


@contextmanager
def lock_held_elsewhere(app):
    """Another connection holds the item table (PostgreSQL) or the write lock (SQLite)."""
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    connection = engine.connect()
    if engine.dialect.name == "postgresql":
        connection.execute(text("LOCK TABLE item IN ACCESS EXCLUSIVE MODE"))
    else:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        connection.rollback()
        connection.close()
        engine.dispose()


def answered_within(client, seconds, *args, **kwargs):
    """The response to the request, which must come back within `seconds`."""
    answers = []
    worker = threading.Thread(target=lambda: answers.append(client.open(*args, **kwargs)))
    worker.start()
    worker.join(seconds)
    assert answers, f"{args} still waiting after {seconds} s"
    return answers[0]


@pytest.mark.parametrize("lock_timeout", [0.3])
def test_a_lock_held_elsewhere_answers_503_quickly_and_healthz_stays_up(app, lock_timeout):
    make_item()
    busy = second_app(app, DATABASE_LOCK_TIMEOUT=lock_timeout)
    visitor = busy.test_client()
    with lock_held_elsewhere(app):
        refused = answered_within(visitor, 20, "/api/v1/items", method="POST", json=FEATURE)
        assert refused.status_code == 503 and "Retry-After" in refused.headers
        assert refused.get_json()["errors"]["_"].startswith("La base de données est occupée")
        health = answered_within(visitor, 5, "/healthz")
        assert (health.status_code, health.get_json()) == (200, {"status": "ok"})
    assert visitor.post("/api/v1/items", json=FEATURE).status_code == 201
    with busy.app_context():
        db.engine.dispose()
