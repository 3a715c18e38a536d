"""The TFPB axis of the landlord's items (default, chosen, history, who may change it) and
the landlord's yearly review per axis (page and PDF)."""

import datetime as dt
import io

from pypdf import PdfReader
from sqlalchemy import select

from app.clock import paris_today
from app.evaluation.models import TfpbAxisChange
from app.evaluation.tfpb import axis_of, yearly_review
from app.extensions import db
from app.triage import services as triage
from tests.conftest import csrf_token, make_item, make_user, page_text
from tests.workflow import routed_item


def _post_axis(client, item, axis, reason=""):
    page = f"/evaluation/tfpb/signalements/{item.id}"
    return client.post(page, data={"csrf_token": csrf_token(client, page), "axis": str(axis),
                                   "reason": reason})


def test_a_landlord_item_takes_its_categorys_axis_by_default():
    assert axis_of(routed_item("hbh", category="depots-sauvages")) == (4, False)
    assert axis_of(routed_item("hbh", category="tranquillite")) == (5, False)


def test_the_landlord_changes_the_axis_and_the_change_is_kept(client, auth):
    item = routed_item("hbh", category="proprete")
    agent = auth.login("agent", "hbh")
    page = page_text(client.get(f"/evaluation/tfpb/signalements/{item.id}"))
    assert "3. Sur-entretien" in page and "par défaut pour la catégorie" in page
    assert _post_axis(client, item, 8, "Remplacement de la porte du local").status_code == 303
    assert axis_of(item) == (8, True)
    change = db.session.scalar(select(TfpbAxisChange))
    assert (change.old_axis, change.new_axis, change.changed_by_id) == (3, 8, agent.id)
    page = page_text(client.get(f"/evaluation/tfpb/signalements/{item.id}"))
    assert "3 → 8" in page and "Remplacement de la porte du local" in page
    same = _post_axis(client, item, 8)
    assert same.status_code == 422 and "relève déjà de cet axe" in page_text(same)
    assert _post_axis(client, item, 9).status_code == 422


def test_who_may_set_an_axis(client, auth):
    landlord = routed_item("hbh", category="tags")
    city = routed_item("ville-antony", category="tags")
    auth.login("agent", "ville-antony")
    assert client.get(f"/evaluation/tfpb/signalements/{landlord.id}").status_code == 403
    auth.login("agent", "hbh")
    assert client.get(f"/evaluation/tfpb/signalements/{city.id}").status_code == 404
    auth.login("coordinator")
    refused = _post_axis(client, city, 3)
    assert refused.status_code == 409 and "transmis au bailleur" in page_text(refused)
    assert _post_axis(client, landlord, 7).status_code == 303
    auth.login("committee")
    assert client.get(f"/evaluation/tfpb/signalements/{landlord.id}").status_code == 403


def test_the_yearly_review_per_axis(app, client, auth):
    cleaning = [routed_item("hbh", category="proprete") for _n in range(3)]
    triage.resolve_item(make_user("agent", "hbh"), cleaning[0], "Nettoyé")
    waste = routed_item("hbh", category="depots-sauvages")
    finding = make_item(kind="dem", category="tranquillite")
    triage.route_item(make_user("coordinator"), finding,
                      db.session.get(type(waste.organisation), waste.organisation_id), "bail")
    routed_item("ville-antony", category="proprete")  # not the landlord's
    db.session.commit()
    viewer = make_user("committee")
    _period, reviews = yearly_review(paris_today().year, viewer)
    by_axis = {r.axis: r for r in reviews}
    assert len(by_axis[3].items) == 3 and by_axis[3].resolved == 1
    assert abs(by_axis[3].share_resolved - 1 / 3) < 1e-9
    assert len(by_axis[4].items) == 1 and by_axis[5].findings == 1
    assert by_axis[3].delays[1].count == 1
    auth.login(user=viewer)
    page = page_text(client.get(f"/evaluation/tfpb?annee={paris_today().year}"))
    assert "Sur-entretien" in page and cleaning[1].reference in page
    pdf = client.get(f"/evaluation/tfpb.pdf?annee={paris_today().year}")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Sur-entretien" in text and cleaning[2].reference in text
    assert client.get("/evaluation/tfpb?annee=2019").status_code == 422
    assert client.get(f"/evaluation/tfpb?annee={dt.date.today().year + 1}").status_code == 422
    auth.login("agent", "vsgp")
    assert client.get("/evaluation/tfpb").status_code == 403
