from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

from app.auth.models import Organisation
from app.extensions import db


def test_upgrading_an_empty_database_gives_exactly_the_models():
    """The session database was built by `flask db upgrade` alone (see conftest)."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def test_the_reference_organisations_exist_with_their_stable_codes():
    codes = set(db.session.scalars(select(Organisation.code)))
    assert codes == {"hbh", "ville-antony", "vsgp", "cd92"}


def test_the_migrations_have_one_head_so_a_plain_upgrade_works(app):
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
    assert len(script.get_heads()) == 1
