import geopandas
import pytest
from sqlalchemy import func, select

from app.auth.models import User
from app.extensions import db
from app.perimeters.models import Perimeter
from app.places.models import Place
from config import BASE_DIR


@pytest.fixture
def cli(app):
    return app.test_cli_runner()


def test_users_create_then_token_authenticates_the_api(cli, client):
    result = cli.invoke(args=["users", "create", "agent@hbh.fr", "--role", "agent",
                              "--org", "hbh", "--password", "long-enough-pw"])
    assert result.exit_code == 0, result.output
    assert "created agent@hbh.fr roles=agent (hbh)" in result.output
    token = cli.invoke(args=["users", "token", "agent@hbh.fr"]).output.strip()
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert me["organisation"]["code"] == "hbh"


def test_users_create_generates_a_password_when_none_is_given(cli):
    result = cli.invoke(args=["users", "create", "modo@ccnd.fr", "--role", "moderator"])
    assert result.exit_code == 0 and "password=" in result.output


@pytest.mark.parametrize("args, message", [
    (["--role", "agent"], "Un agent doit appartenir à un organisme."),
    (["--role", "agent", "--org", "sncf"], "L'organisme « sncf » n'existe pas."),
    (["--role", "admin", "--password", "short"], "au moins 10 caractères"),
    (["--role", "wizard"], "Invalid value for '--role'"),
])
def test_users_create_refuses_bad_input_with_a_clear_message(cli, args, message):
    result = cli.invoke(args=["users", "create", "x@example.org", *args])
    assert result.exit_code != 0 and message in result.output
    assert db.session.scalar(select(User).where(User.email == "x@example.org")) is None


def test_a_token_for_an_unknown_account_is_refused(cli):
    result = cli.invoke(args=["users", "token", "ghost@example.org"])
    assert result.exit_code != 0 and "no account for ghost@example.org" in result.output


def test_seed_demo_is_idempotent_and_prints_one_account_per_role(cli):
    first = cli.invoke(args=["seed-demo"])
    second = cli.invoke(args=["seed-demo"])
    assert first.exit_code == 0 and second.exit_code == 0
    assert first.output.count("(created)") == 8 and second.output.count("(exists)") == 8
    roles = {role for user in db.session.scalars(select(User)) for role in user.roles}
    assert roles == {"resident", "moderator", "coordinator", "agent", "committee", "admin"}


def test_seed_demo_is_refused_in_production(cli, app, monkeypatch):
    monkeypatch.setitem(app.config, "DEMO_DATA_ALLOWED", False)
    result = cli.invoke(args=["seed-demo"])
    assert result.exit_code != 0 and "refused in production" in result.output


def test_geodata_load_reads_a_lambert93_geopackage_and_updates_by_code(cli, tmp_path):
    path = tmp_path / "qpv_l93.gpkg"
    geopandas.read_file(BASE_DIR / "geodata" / "qpv2024_vallee_sud_grand_paris.geojson").to_crs(
        "EPSG:2154").to_file(path, driver="GPKG")
    result = cli.invoke(args=["geodata", "load", str(path)])
    try:
        assert result.exit_code == 0, result.output
        assert "QN09203M Noyer Doré: 13.90 ha" in result.output
        assert db.session.scalar(select(Perimeter).where(Perimeter.code == "QN09219N"))
    finally:  # perimeters are reference data kept between tests: put them back
        db.session.execute(Perimeter.__table__.delete().where(Perimeter.code != "QN09203M"))
        db.session.commit()


def test_geodata_load_names_the_problem_of_an_invalid_file(cli, tmp_path):
    path = tmp_path / "broken.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [')
    result = cli.invoke(args=["geodata", "load", str(path)])
    assert result.exit_code != 0
    assert "broken.geojson" in result.output and "ne peut pas être lu" in result.output


def test_geodata_load_again_updates_the_places_instead_of_adding_them(cli):
    count = select(func.count(Place.id))
    before = db.session.scalar(count)
    result = cli.invoke(args=["geodata", "load"])
    assert result.exit_code == 0, result.output
    assert "places (public-transport stops)" in result.output
    assert db.session.scalar(count) == before
