"""Arpenteur: walking diagnostics, GUSP reports and proposals for the QPV Noyer Doré."""

from pathlib import Path

from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from werkzeug.middleware.proxy_fix import ProxyFix

from config import load_config

from . import template_translations
from .extensions import babel, compress, csrf, db, limiter, login_manager, migrate
from .static_files import register_hashed_static


def create_app(config=None):
    """Build the application. `config` is a config name, an object, or None (environment)."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(config if config is not None and not isinstance(config, str)
                           else load_config(config))
    trust_proxies(app)
    register_extensions(app)
    register_input_guards(app)
    register_blueprints(app)
    register_errors_and_headers(app)
    register_cli(app)
    register_template_helpers(app)
    register_hashed_static(app)
    return app


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """SQLite: enforce foreign keys, and WAL so readers never block the writer."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


def trust_proxies(app):
    """Behind TRUSTED_PROXIES reverse proxies, the client's address, scheme and host are
    the ones they forwarded (the last N entries, never what the client itself sent), so
    rate limits count per client rather than per proxy."""
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies < 0:
        raise RuntimeError("TRUSTED_PROXIES is a count of proxies: 0 or more")
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)


def register_extensions(app):
    from .items.offline import KeptPagesSessionInterface
    from .main.views import select_locale

    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        # A driver-level URI (sqlite:///file:PATH?mode=ro&uri=true) names the same file.
        Path(url.database.removeprefix("file:")).parent.mkdir(parents=True, exist_ok=True)
    from . import models  # noqa: F401  (the whole metadata, before migrations look at it)
    from .database import end_reads_with_commit, engine_options

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config)
    db.init_app(app)
    with app.app_context():
        end_reads_with_commit(db.engine)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"),
                     render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    template_translations.install(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Connectez-vous pour accéder à cette page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    compress.init_app(app)
    app.session_interface = KeptPagesSessionInterface()


def register_input_guards(app):
    """Before any route exists: ids in URLs are bounded, hostile input refused (app/inputs)."""
    from .inputs import BoundedJSONProvider, DatabaseIntConverter, refuse_hostile_input

    app.url_map.converters["int"] = DatabaseIntConverter
    app.json = BoundedJSONProvider(app)
    app.before_request(refuse_hostile_input)


def register_blueprints(app):
    from . import leaflet
    from .account.views import bp as account_bp
    from .admin.views import bp as admin_bp
    from .api.ogc.views import bp as ogcapi_bp
    from .api.open311.views import bp as open311_bp
    from .api.v1 import bp as api_v1_bp
    from .apikeys.views import bp as apikeys_bp
    from .auth.views import bp as auth_bp
    from .capture.views import bp as capture_bp
    from .committee.views import bp as committee_bp
    from .evaluation.views import bp as evaluation_bp
    from .items.views import bp as items_bp
    from .main.views import bp as main_bp
    from .moderation.views import bp as moderation_bp
    from .proposals.views import bp as proposals_bp
    from .registration.views import bp as registration_bp
    from .routing.views import bp as routing_bp
    from .triage.views import bp as triage_bp
    from .walks.views import bp as walks_bp

    for blueprint in (main_bp, auth_bp, capture_bp, items_bp, admin_bp, api_v1_bp, leaflet.bp,
                      moderation_bp, proposals_bp, account_bp, walks_bp, triage_bp, routing_bp,
                      registration_bp, open311_bp, ogcapi_bp, apikeys_bp, committee_bp,
                      evaluation_bp):
        app.register_blueprint(blueprint)


def register_errors_and_headers(app):
    from .errors import register_errors
    from .security import register_security_headers

    register_errors(app)
    register_security_headers(app)


def register_cli(app):
    from .apikeys.cli import open311_cli
    from .auth.cli import users_cli
    from .backup.cli import backup_cli
    from .demo.cli import seed_demo
    from .items.cli import items_cli, photos_cli, retention_cli
    from .moderation.cli import moderation_cli
    from .notifications.cli import outbox_cli
    from .perimeters.cli import geodata_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(geodata_cli)
    app.cli.add_command(seed_demo)
    app.cli.add_command(retention_cli)
    app.cli.add_command(photos_cli)
    app.cli.add_command(items_cli)
    app.cli.add_command(backup_cli)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(moderation_cli)
    app.cli.add_command(open311_cli)


def register_template_helpers(app):
    from flask_babel import format_decimal, get_locale
    from flask_login import current_user
    from markupsafe import Markup, escape

    from .auth.roles import ROLE_LABELS
    from .display import Shown
    from .leaflet import leaflet_asset
    from .navigation import links_for

    @app.context_processor
    def helpers():
        return {
            "leaflet_asset": leaflet_asset,
            "current_locale": str(get_locale()),
            "role_label": lambda role: ROLE_LABELS.get(role, role),
            "format_decimal": format_decimal,
            "navigation": lambda: links_for(current_user),
            "shown": Shown(),
        }

    @app.template_filter("email_wrap")
    def email_wrap(address):
        """An e-mail address that may wrap after its @ and before its dots, never inside a
        word, so a long one fits a phone's width."""
        return Markup("@<wbr>").join(
            Markup("<wbr>.").join(escape(part) for part in side.split("."))
            for side in str(address).split("@"))
