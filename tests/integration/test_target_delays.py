"""Administrators edit target delays per organisation × category; each change is recorded."""

import pytest
from sqlalchemy import select

from app.auth.services import find_organisation
from app.clock import paris_today
from app.extensions import db
from app.routing.models import TargetDelay, TargetDelayChange
from app.workdays import add_working_days
from tests.conftest import csrf_token, page_text
from tests.workflow import routed_item


@pytest.fixture(autouse=True)
def restore_delays():
    """target_delay is reference data the migrations seed, kept between tests: put the
    seeded rows back after each test."""
    seeded = [(r.organisation_id, r.category, r.acknowledge_days, r.resolve_days)
              for r in db.session.scalars(select(TargetDelay))]
    yield
    db.session.rollback()
    db.session.execute(db.delete(TargetDelay))
    db.session.add_all(TargetDelay(organisation_id=o, category=c, acknowledge_days=a,
                                   resolve_days=r) for o, c, a, r in seeded)
    db.session.commit()


def _delay(org, category):
    db.session.expire_all()
    return db.session.scalar(select(TargetDelay).where(
        TargetDelay.organisation_id == find_organisation(org).id,
        TargetDelay.category == category))


def _post(client, org, **values):
    data = {"csrf_token": csrf_token(client, "/admin/delais")}
    data.update({"acknowledge-*": "3", "resolve-*": "15"})
    data.update({name.replace("__", "-").replace("_", "-"): value
                 for name, value in values.items()})
    return client.post(f"/admin/delais/{org}", data=data)


def test_an_admin_sets_a_category_delay_and_the_change_is_recorded(client, auth):
    admin = auth.login("admin")
    response = _post(client, "hbh", acknowledge__tags="2", resolve__tags="8",
                     **{"acknowledge__parties-communes": "2", "resolve__parties-communes": "10"})
    assert response.status_code == 303
    assert (_delay("hbh", "tags").acknowledge_days, _delay("hbh", "tags").resolve_days) == (2, 8)
    change = db.session.scalar(select(TargetDelayChange))
    assert (change.category, change.old_acknowledge_days, change.new_acknowledge_days,
            change.new_resolve_days) == ("tags", None, 2, 8)
    assert change.changed_by_id == admin.id and change.changed_by_label == admin.email
    page = page_text(client.get("/admin/delais"))
    assert "délai par défaut" in page and "2 / 8" in page and admin.email in page
    # Items routed from now on get the new delay, in working days.
    item = routed_item("hbh", category="tags")
    today = paris_today()
    assert item.acknowledge_due == add_working_days(today, 2)
    assert item.resolve_due == add_working_days(today, 8)


def test_clearing_a_category_falls_back_to_the_default_and_is_recorded(client, auth):
    auth.login("admin")
    # hbh's parties-communes has its own 2/10 delay (migration 0003): clear it.
    assert _post(client, "hbh").status_code == 303
    assert _delay("hbh", "parties-communes") is None
    change = db.session.scalar(select(TargetDelayChange).where(
        TargetDelayChange.category == "parties-communes"))
    assert (change.old_acknowledge_days, change.old_resolve_days,
            change.new_acknowledge_days) == (2, 10, None)


def test_bad_delays_are_refused_row_by_row_keeping_what_was_typed(client, auth):
    auth.login("admin")
    response = _post(client, "vsgp", **{"acknowledge-*": "10", "resolve-*": "5",
                                        "acknowledge__tags": "deux", "resolve__tags": "8",
                                        "acknowledge__dechets": "4"})
    assert response.status_code == 422
    page = page_text(response)
    assert "Rien n'a été enregistré" in page
    assert "ne peut pas être plus court" in page
    assert "nombre entier" in page and 'value="deux"' in page
    assert _delay("vsgp", "*").acknowledge_days == 3
    assert db.session.scalar(select(db.func.count(TargetDelayChange.id))) == 0
    assert _post(client, "vsgp", **{"acknowledge-*": "", "resolve-*": ""}).status_code == 422
    assert _post(client, "vsgp", **{"acknowledge-*": "400", "resolve-*": "400"}).status_code \
        == 422


def test_only_administrators_edit_delays(client, auth):
    auth.login("coordinator")
    assert client.get("/admin/delais").status_code == 403
    assert client.post("/admin/delais/hbh", data={}).status_code in (400, 403)
