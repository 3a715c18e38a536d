import pytest

from config import ProductionConfig, load_config


def test_production_refuses_to_start_without_secret_database_and_shared_limits(monkeypatch):
    for name in ("SECRET_KEY", "DATABASE_URL", "RATELIMIT_STORAGE_URI"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY, DATABASE_URL, RATELIMIT_STORAGE_URI"):
        ProductionConfig()


def test_production_refuses_per_worker_rate_limit_counters(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "s3cret")
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://db/arpenteur")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "memory://")
    with pytest.raises(RuntimeError, match="memory:// counts per worker"):
        ProductionConfig()


def test_production_cookies_are_secure(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "s3cret")
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://db/arpenteur")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://cache:6379/0")
    config = load_config("production")
    assert config.SESSION_COOKIE_SECURE and config.SESSION_COOKIE_HTTPONLY
    assert config.SESSION_COOKIE_SAMESITE == "Lax"
    assert config.SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://db/arpenteur"
    assert config.LEAFLET_SOURCE == "cdn"
    assert not config.DEMO_DATA_ALLOWED
    assert config.RATELIMIT_STORAGE_URI == "redis://cache:6379/0"


def test_an_unknown_configuration_name_is_named():
    with pytest.raises(RuntimeError, match="'staging' is not one of"):
        load_config("staging")
