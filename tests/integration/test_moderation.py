"""The conseil citoyen's moderation: decisions, text edits, merging, flags and the publicity
of categories, through the services, the pages and the API (masking photos:
test_masking.py)."""

import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.items.models import CategoryPublicity, Item
from app.items.services import InvalidItem, set_category_publicity
from app.moderation import services
from app.moderation.models import Flag, ModerationEvent, TextRevision
from app.moderation.services import AlreadyFlagged
from app.proposals.models import Comment
from tests.conftest import INSIDE, csrf_token, make_item, make_user, page_text

# --- decisions -------------------------------------------------------------------------------

def test_publishing_and_hiding_are_logged_with_who_and_why():
    moderator = make_user("moderator")
    item = make_item()
    services.moderate_item(moderator, item, "publish")
    services.moderate_item(moderator, item, "hide", "Nom d'un voisin")
    db.session.commit()
    events = db.session.scalars(select(ModerationEvent).order_by(ModerationEvent.id)).all()
    assert [(e.action, e.actor_id, e.reason) for e in events] == [
        ("publish", moderator.id, ""), ("hide", moderator.id, "Nom d'un voisin")]
    assert item.visibility == "hidden"


def test_hiding_without_a_reason_is_refused_and_nothing_changes():
    item = make_item(publish=True)
    with pytest.raises(InvalidItem) as refused:
        services.moderate_item(make_user("moderator"), item, "hide", "  ")
    assert refused.value.errors == {"reason": "Indiquez pourquoi ce contenu est masqué."}
    db.session.rollback()
    assert db.session.get(Item, item.id).visibility == "public"


def test_the_api_moderation_endpoint_uses_the_moderation_service(client, auth):
    item = make_item()
    headers = auth.token("moderator")
    answer = client.post(f"/api/v1/items/{item.id}/moderation", headers=headers,
                         json={"action": "hide"})
    assert answer.status_code == 422
    assert answer.get_json() == {"errors": {"reason": "Indiquez pourquoi ce contenu est masqué."}}
    answer = client.post(f"/api/v1/items/{item.id}/moderation", headers=headers,
                         json={"action": "publish"})
    assert answer.status_code == 200 and answer.get_json()["properties"]["visibility"] == "public"
    assert db.session.scalar(select(func.count(ModerationEvent.id))) == 1


def test_publishing_without_the_role_is_refused(client, auth):
    item = make_item()
    for role in ("resident", "coordinator", "agent", "committee"):
        headers = auth.token(role, "hbh" if role == "agent" else None)
        answer = client.post(f"/api/v1/items/{item.id}/moderation", headers=headers,
                             json={"action": "publish"})
        assert answer.status_code == 403, role
    assert client.post(f"/api/v1/items/{item.id}/moderation",
                       json={"action": "publish"}).status_code == 401
    db.session.expire_all()
    assert db.session.get(Item, item.id).visibility == "pending"


# --- public text -----------------------------------------------------------------------------

def test_a_moderator_edits_the_public_text_and_the_original_stays_recoverable(client, auth):
    item = make_item(description="Mme Dupont du 3e jette ses sacs par la fenêtre")
    moderator = make_user("moderator")
    moderator.display_name = "Awa (CCND)"
    db.session.commit()
    auth.login(user=moderator)
    path = f"/moderation/signalements/{item.id}"
    answer = client.post(f"{path}/texte", data={
        "csrf_token": csrf_token(client, path), "text-description": "Des sacs jetés par la fenêtre",
        "text-reason": "nom retiré"})
    assert answer.status_code == 302
    db.session.expire_all()
    services.moderate_item(moderator, db.session.get(Item, item.id), "publish")
    db.session.commit()
    # The public, the API and the author's tracking link get the edited text only.
    client.post("/deconnexion", data={"csrf_token": csrf_token(client, "/")})
    for url in (f"/signalements/{item.id}", f"/api/v1/items/{item.id}",
                f"/suivi/{item.tracking_token}", "/api/v1/items"):
        text = page_text(client.get(url))
        assert "Des sacs jet" in text and "Dupont" not in text, url
    # Moderators recover the original, with who changed what (by name, never by e-mail).
    auth.login(user=moderator)
    review = page_text(client.get(path))
    assert "Mme Dupont du 3e" in review and "Awa (CCND)" in review
    assert moderator.email not in review
    assert services.original_text(db.session.get(Item, item.id), "description") == (
        "Mme Dupont du 3e jette ses sacs par la fenêtre")
    revision = db.session.scalar(select(TextRevision))
    assert (revision.editor_id, revision.field) == (moderator.id, "description")


def test_repeated_edits_keep_the_first_original():
    moderator = make_user("moderator")
    item = make_item(description="Texte avec M. Martin")
    services.edit_text(moderator, item, "description", "Texte avec M. M.")
    services.edit_text(moderator, item, "description", "Texte")
    db.session.commit()
    assert services.original_text(item, "description") == "Texte avec M. Martin"
    assert [r.after for r in services.revisions_of(item)] == ["Texte avec M. M.", "Texte"]


def test_an_empty_public_text_is_refused():
    item = make_item()
    with pytest.raises(InvalidItem):
        services.edit_text(make_user("moderator"), item, "description", " ")


# --- photos ----------------------------------------------------------------------------------

# --- merging ---------------------------------------------------------------------------------

def test_merging_marks_the_duplicate_and_moves_its_followers():
    moderator, resident = make_user("moderator"), make_user("resident")
    original, duplicate = make_item(publish=True), make_item(publish=True)
    from app.items.services import follow_item
    follow_item(resident, duplicate)
    services.merge_items(moderator, duplicate, original)
    db.session.commit()
    assert (duplicate.status, duplicate.duplicate_of_id) == ("duplicate", original.id)
    assert [f.user_id for f in original.followers] == [resident.id]
    assert duplicate.events[-1].to_status == "duplicate"


def test_merging_into_itself_or_a_missing_item_is_refused():
    item, moderator = make_item(), make_user("moderator")
    for other in (item, None):
        with pytest.raises(InvalidItem):
            services.merge_items(moderator, item, other)
        db.session.rollback()
    assert db.session.get(Item, item.id).status == "new"


# --- flags -----------------------------------------------------------------------------------

def test_three_flags_hide_public_content_pending_review():
    item = make_item(publish=True)
    for n in range(3):
        services.flag_content(make_user("resident", email=f"r{n}@example.org"), "10.0.0.1",
                              item, "personal-data")
    db.session.commit()
    assert item.visibility == "pending"
    assert db.session.scalar(select(ModerationEvent.action).order_by(
        ModerationEvent.id.desc())) == "flagged"
    # The moderator decides: publishing again closes the flags.
    services.moderate_item(make_user("moderator"), item, "publish")
    db.session.commit()
    assert db.session.scalar(select(func.count(Flag.id)).where(Flag.reviewed_at.is_(None))) == 0


def test_the_same_person_or_address_cannot_flag_twice():
    item = make_item(publish=True)
    resident = make_user("resident")
    services.flag_content(resident, "10.0.0.1", item, "insult")
    services.flag_content(None, "10.0.0.9", item, "insult")
    db.session.commit()
    with pytest.raises(AlreadyFlagged):
        services.flag_content(resident, "10.0.0.2", item, "other")
    with pytest.raises(AlreadyFlagged):
        services.flag_content(None, "10.0.0.9", item, "other")
    db.session.rollback()
    assert db.session.get(Item, item.id).visibility == "public"
    assert db.session.scalar(select(func.count(Flag.id))) == 2
    assert all(not f.reporter.endswith("10.0.0.9") for f in db.session.scalars(select(Flag)))


def test_anyone_flags_through_the_page_and_a_repeat_is_told(client):
    item = make_item(publish=True)
    path = f"/signalements/{item.id}/alerte"
    data = {"csrf_token": csrf_token(client, path), "reason": "insult", "note": ""}
    assert client.post(path, data=data).status_code == 302
    again = client.post(path, data=data)
    assert again.status_code == 422
    assert "Vous avez déjà signalé ce contenu" in page_text(again)


def test_the_queue_lists_flagged_items_and_comments_with_their_counts(client, auth):
    item = make_item(publish=True)
    comment = Comment(item=item, body="Avis", visibility="public")
    db.session.add(comment)
    for target, count in ((item, 2), (comment, 1)):
        for n in range(count):
            services.flag_content(None, f"10.0.0.{n}", target, "insult")
    db.session.commit()
    auth.login("moderator")
    text = " ".join(re.sub(r"<[^>]+>", " ", page_text(client.get("/moderation"))).split())
    assert f"n° {item.reference} — 2 alertes" in text
    assert f"Commentaire sur n° {item.reference} — 1 alerte" in text


def test_content_that_is_not_public_cannot_be_flagged(client):
    item = make_item()
    assert client.get(f"/signalements/{item.id}/alerte").status_code == 404


# --- publicity of categories -----------------------------------------------------------------

def test_tranquillite_is_generalised_on_a_50_m_grid_for_the_public_only(client, auth):
    item = make_item(category="tranquillite", publish=True)
    public = client.get(f"/api/v1/items/{item.id}").get_json()["geometry"]["coordinates"]
    assert public != list(INSIDE)
    from app.geo.projection import metres_between
    assert metres_between(*INSIDE, *public) <= 36  # within half the diagonal of a 50 m cell
    staff = client.get(f"/api/v1/items/{item.id}", headers=auth.token("coordinator")).get_json()
    assert staff["geometry"]["coordinates"] == list(INSIDE)
    page = client.get(f"/signalements/{item.id}").get_data(as_text=True)
    assert "data-point=" in page and str(INSIDE[1]) not in page


def test_a_never_public_category_stays_in_staff_views(client, auth):
    admin = make_user("admin")
    set_category_publicity(admin, "nuisibles", "staff")
    db.session.commit()
    item = make_item(category="nuisibles", publish=True)
    assert client.get(f"/api/v1/items/{item.id}").status_code == 404
    assert client.get(f"/signalements/{item.id}").status_code == 404
    assert client.get("/api/v1/items").get_json()["features"] == []
    staff = client.get("/api/v1/items", headers=auth.token("moderator")).get_json()
    assert [f["id"] for f in staff["features"]] == [item.id]


def test_an_administrator_edits_the_publicity_of_categories(client, auth):
    auth.login("admin")
    page = page_text(client.get("/admin/publicite"))
    assert "Tranquillité, sentiment d'insécurité" in page
    answer = client.post("/admin/publicite", data={
        "csrf_token": csrf_token(client, "/admin/publicite"), "tags": "generalised"})
    assert answer.status_code == 302
    assert db.session.get(CategoryPublicity, "tags").publicity == "generalised"


def test_only_administrators_edit_publicity(client, auth):
    auth.login("moderator")
    assert client.get("/admin/publicite").status_code == 403
