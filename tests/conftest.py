"""One application per session on a database built by the migrations; clean tables per test.

The database is SQLite in a temporary folder, or PostgreSQL when TEST_DATABASE_URL is set
(make test runs the suite on both). Tests commit for real, because concurrency tests and
the live server need committed rows; an autouse fixture empties the tables afterwards,
keeping the reference data the migrations and `geodata load` put in.
"""

import contextvars
import html
import os
import re

import flask_migrate
import pytest
from aiosmtpd.controller import Controller
from flask.testing import FlaskClient
from hypothesis import Phase, settings
from sqlalchemy import delete, text

from app import create_app
from app.auth import services as accounts
from app.extensions import db, limiter
from app.geo.files import read_perimeters, read_stops
from app.moderation import services as moderation
from app.perimeters.services import save_perimeters
from app.places.models import Place
from app.places.services import save_places
from app.walks.findings import capture_service
from config import BASE_DIR, TestingConfig
from tests.live import free_port
from tests.mail import Inbox

# Seeded by migrations 0003 (the organisations, their rules and delays) and 0022 (the item
# stamp, which the item table's triggers change as the tests empty it).
REFERENCE_TABLES = {"alembic_version", "organisation", "perimeter", "place",
                    "routing_rule", "target_delay", "item_stamp"}
PERIMETER_FILE = BASE_DIR / "geodata" / "noyer_dore_QN09203M.geojson"
STOPS_FILE = BASE_DIR / "geodata" / "transit_stops_noyer_dore.geojson"
# Real points: the perimeter's centroid, and the RER B station 67-73 m outside.
INSIDE = (2.288496, 48.737178)
NEAR = (2.287667495463073, 48.73968104253053)
OUTSIDE = (2.30, 48.74)
PASSWORD = "correct-horse-battery"

# Property-based tests draw the same examples on every run (CI is deterministic) and few of
# them (the suite stays fast); HYPOTHESIS_PROFILE=thorough explores far more, at random.
settings.register_profile("ci", max_examples=4, derandomize=True, deadline=None,
                          database=None)
settings.register_profile("thorough", max_examples=100, deadline=None, database=None,
                          phases=[Phase.explicit, Phase.generate])  # no slow shrinking
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def database_url(tmp_path_factory):
    return os.environ.get("TEST_DATABASE_URL") or (
        f"sqlite:///{tmp_path_factory.mktemp('db') / 'arpenteur-test.db'}"
    )


def drop_everything():
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    else:
        db.drop_all()
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


class IsolatedClient(FlaskClient):
    """Each request runs outside the test's app context, as it would in production.

    Flask reuses an already pushed context of the same app, which would share `g` and the
    database session between the test body and every request it makes. A streamed body
    (stream_with_context) is read inside that same context too, as the server would.
    """

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = database_url(tmp_path_factory)
        UPLOAD_DIR = str(tmp_path_factory.mktemp("uploads"))

    application = create_app(Config())
    application.test_client_class = IsolatedClient
    with application.app_context():
        drop_everything()
        flask_migrate.upgrade()
        save_perimeters(read_perimeters(PERIMETER_FILE), source=PERIMETER_FILE.name)
        save_places(read_stops(STOPS_FILE), source=STOPS_FILE.name)
        db.session.commit()
    yield application
    with application.app_context():
        db.engine.dispose()  # close pooled connections before the interpreter does


@pytest.fixture(autouse=True)
def app_context(app):
    with app.app_context():
        yield
        db.session.rollback()
        emptied = [table for table in reversed(db.metadata.sorted_tables)
                   if table.name not in REFERENCE_TABLES]
        if db.engine.dialect.name == "postgresql":
            # Emptied files rather than deleted rows: a DELETE leaves its dead rows and
            # pages to the tests after it, which then see another table (its size steers
            # the plans the plan tests explain) depending on what ran before them.
            db.session.execute(text("TRUNCATE " + ", ".join(
                db.engine.dialect.identifier_preparer.quote(table.name)
                for table in emptied)))
        else:
            for table in emptied:
                db.session.execute(table.delete())
        # a place a test added (a door, a renamed square) would name other tests' items
        db.session.execute(delete(Place).where(Place.source != STOPS_FILE.name))
        if db.engine.dialect.name == "sqlite":
            # a test's ANALYZE would steer the query plans of the tests after it: SQLite
            # forgets the statistics with their table (PostgreSQL gathers its own anyway)
            db.session.execute(text("DROP TABLE IF EXISTS sqlite_stat1"))
            db.session.execute(text("ANALYZE sqlite_schema"))  # the planner reads them again
        db.session.commit()
        limiter.reset()


@pytest.fixture
def postgresql_only(app):
    """Skips, on SQLite, a test of what only PostgreSQL has (generic plans, the visibility
    map): it runs in the PostgreSQL pass of `make test`."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")


@pytest.fixture
def client(app):
    return app.test_client()


def make_user(role="resident", org=None, email=None, active=True):
    """A committed account with one role (and an organisation for agents)."""
    email = email or f"{role}-{org or 'x'}@example.org"
    user, _password = accounts.create_user(email, [role], org, PASSWORD)
    user.active = active
    db.session.commit()
    return user


def page_text(response):
    """The page as a person reads it (entities such as &#39; decoded, and without the <wbr>
    line-break opportunities that let a long e-mail address wrap)."""
    return html.unescape(response.get_data(as_text=True)).replace("<wbr>", "")


def make_item(actor=None, where=INSIDE, photos=(), key=None, publish=False, **fields):
    """A committed item built through the capture service (kind gusp, category proprete
    unless told otherwise; a walk finding when `walk` is given); `publish=True` makes it
    public as a moderator would."""
    data = {"kind": "gusp", "category": "proprete", "description": "Sacs au pied du hall",
            "lon": where[0], "lat": where[1], **fields}
    item, token, _created = capture_service(data)(actor, data, list(photos), key)
    if publish:
        moderation.moderate_item(make_user("moderator", email=f"modo-{item.id}@example.org"),
                                 item, "publish")
    db.session.commit()
    item.tracking_token = token
    return item


CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token(client, path):
    """The CSRF token of the form served at `path`, as a browser would read it."""
    page = client.get(path).get_data(as_text=True)
    match = CSRF_INPUT.search(page) or re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, f"no CSRF token in {path}"
    return match.group(1)


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, role="resident", org=None, user=None):
        user = user or make_user(role, org)
        response = self.client.post(
            "/connexion",
            data={"email": user.email, "password": PASSWORD,
                  "csrf_token": csrf_token(self.client, "/connexion")},
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    def token(self, role="resident", org=None, user=None):
        user = user or make_user(role, org)
        raw = accounts.issue_token(user)
        db.session.commit()
        return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def smtp():
    """The server, started on a free port (`smtp.port`) for one test."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.port = controller.port
    yield inbox
    controller.stop()
