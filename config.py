"""Configuration classes, chosen by ARPENTEUR_CONFIG and fed by environment variables.

Development and tests work with nothing set; production refuses to start without a
SECRET_KEY and a DATABASE_URL so that no default secret ever reaches a server, and without
a shared rate-limit store (memory:// would count per worker).
"""

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"

OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"


def _env(name, default=None):
    value = os.environ.get(name)
    return value if value not in (None, "") else default


class Config:
    SECRET_KEY = _env("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'arpenteur.db'}")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # Seconds. PostgreSQL cancels a statement running longer, and a wait for a lock
    # longer, so a locked table answers 503 quickly instead of stalling every worker;
    # on SQLite the lock timeout is how long a writer waits for another (app/database.py).
    DATABASE_STATEMENT_TIMEOUT = float(_env("DATABASE_STATEMENT_TIMEOUT", "20"))
    DATABASE_LOCK_TIMEOUT = float(_env("DATABASE_LOCK_TIMEOUT", "5"))
    UPLOAD_DIR = _env("UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))
    # Three photos of 10 MB at most, plus the form itself.
    MAX_CONTENT_LENGTH = 32 * 1024 * 1024

    # The QPV this instance serves, and the files `flask geodata load` reads by default.
    PERIMETER_CODE = "QN09203M"
    PERIMETER_FILES = [str(BASE_DIR / "geodata" / "noyer_dore_QN09203M.geojson")]
    PLACE_FILES = [str(BASE_DIR / "geodata" / "transit_stops_noyer_dore.geojson")]
    # Points this far outside the perimeter (metres, EPSG:2154) still count as "abords":
    # the RER B station Les Baconnets lies 67-73 m outside.
    PERIMETER_BAND_M = 100

    LEAFLET_SOURCE = _env("LEAFLET_SOURCE", "cdn")
    TILE_URL = os.environ.get("TILE_URL", OSM_TILES)  # set but empty: no tiles at all
    TILE_ATTRIBUTION = _env(
        "TILE_ATTRIBUTION", "© contributeurs OpenStreetMap"
    )

    # Responses compressed by the app itself (Flask-Compress): brotli, else gzip, as the
    # client accepts; static files too, streamed. zstd is left out until phones take it.
    # The types Arpenteur sends, exports included: a committee member's GeoJSON of every
    # item is 40 MB as text and 2 MB in brotli, for about 0.2 s of a worker's time.
    COMPRESS_ALGORITHM = ["br", "gzip"]
    COMPRESS_ALGORITHM_STREAMING = ["br", "gzip"]
    # Brotli's window, 256 KB (2^18) rather than its 4 MB: a streamed export starts arriving
    # after its first 0.7 MB of text instead of its first 8 MB (a CSV of 50,000 items came
    # all at once, after 1.2 s). The CSV and GeoJSON of 50,000 items come out the same
    # size (1.69 and 2.22 MB against 1.73 and 2.22), and a page is smaller than the window.
    COMPRESS_BR_WINDOW = 18
    COMPRESS_MIMETYPES = [
        "text/html", "text/css", "text/javascript", "application/javascript", "text/plain",
        "application/json", "application/geo+json", "text/xml", "image/svg+xml",
        "text/csv", "application/geopackage+sqlite3",
    ]

    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = "Europe/Paris"
    LANGUAGES = ("fr", "en")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    WTF_CSRF_TIME_LIMIT = 12 * 3600

    RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # If Redis stops answering, each worker counts on its own until it is back, rather than
    # refusing every request.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    LOGIN_RATE_LIMIT = _env("LOGIN_RATE_LIMIT", "10 per minute;50 per hour")
    SUBMISSION_RATE_LIMIT = _env("SUBMISSION_RATE_LIMIT", "10 per minute;60 per hour")
    # Findings sent to a walk under way share one budget per walk, whatever the address:
    # a group of 25 on one Wi-Fi or carrier NAT must never be refused.
    WALK_SUBMISSION_RATE_LIMIT = _env("WALK_SUBMISSION_RATE_LIMIT",
                                      "120 per minute;1000 per hour")
    # How many reverse proxies (TLS terminator, load balancer) stand in front of gunicorn and
    # set X-Forwarded-For/-Proto/-Host: their headers are trusted (Werkzeug's ProxyFix), no
    # one else's. 0: the client's address is the connection's.
    TRUSTED_PROXIES = int(_env("TRUSTED_PROXIES", "0"))

    # Open311 GeoReport v2: the one jurisdiction served, whom clients ask for a key, and
    # how many requests each key may make (per key, never per address).
    OPEN311_JURISDICTION_ID = _env("OPEN311_JURISDICTION_ID", "noyer-dore.antony.fr")
    OPEN311_CONTACT = _env("OPEN311_CONTACT", "Coordination GUSP du Noyer Doré, Ville d'Antony")
    OPEN311_RATE_LIMIT = _env("OPEN311_RATE_LIMIT", "30 per minute;500 per hour")
    OPEN311_ENDPOINT_TYPE = "test"  # what discovery tells clients; "production" in production

    MAIL_SERVER = _env("MAIL_SERVER", "localhost")
    MAIL_PORT = int(_env("MAIL_PORT", "25"))
    MAIL_DEFAULT_SENDER = _env("MAIL_DEFAULT_SENDER", "arpenteur@localhost")
    # Where e-mails point to: the address residents and agents reach this instance at.
    PUBLIC_URL = _env("PUBLIC_URL", "http://127.0.0.1:5000")

    DEMO_DATA_ALLOWED = True


class DevelopmentConfig(Config):
    SECRET_KEY = _env("SECRET_KEY", "dev-only-not-secret")
    LEAFLET_SOURCE = _env("LEAFLET_SOURCE", "local")


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-only"  # noqa: S105 (tests only)
    SQLALCHEMY_DATABASE_URI = _env("TEST_DATABASE_URL", "sqlite://")
    LEAFLET_SOURCE = "local"
    # Tests never reach the network: the map must work without tiles.
    TILE_URL = ""


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    DEMO_DATA_ALLOWED = False
    OPEN311_ENDPOINT_TYPE = "production"

    def __init__(self):
        needed = ("SECRET_KEY", "DATABASE_URL", "RATELIMIT_STORAGE_URI")
        missing = [name for name in needed if not _env(name)]
        if missing:
            raise RuntimeError(f"production needs {', '.join(missing)} in the environment")
        if _env("RATELIMIT_STORAGE_URI").startswith("memory://"):
            raise RuntimeError("production needs a shared rate-limit store: memory:// counts "
                               "per worker; set RATELIMIT_STORAGE_URI=redis://host:6379/0")
        self.SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL")
        self.RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URI")


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def load_config(name=None):
    """Return the configuration object named by `name` or by ARPENTEUR_CONFIG."""
    name = name or _env("ARPENTEUR_CONFIG", "development")
    try:
        return CONFIGS[name]()
    except KeyError:
        raise RuntimeError(
            f"ARPENTEUR_CONFIG={name!r} is not one of {', '.join(CONFIGS)}"
        ) from None
