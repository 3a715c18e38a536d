"""The public list and map, an item's page, its tracking page, photos, "moi aussi"."""

import io

from sqlalchemy import func, select

from app.extensions import db
from app.items.models import Item
from tests import images
from tests.conftest import OUTSIDE, csrf_token, make_item, page_text


def test_the_list_shows_public_items_only_with_their_written_status(client):
    make_item(publish=True, description="Sacs éventrés rue publique")
    make_item(description="Texte pas encore relu")
    page = page_text(client.get("/signalements"))
    assert "Sacs éventrés rue publique" in page and "Texte pas encore relu" not in page
    assert "Nouveau" in page  # the status in words, not colour alone
    assert 'data-items="/api/v1/items"' in page


def test_the_list_filters_by_category(client):
    make_item(publish=True, description="Papiers gras partout")
    make_item(publish=True, category="tags", description="Graffiti sur le mur")
    page = page_text(client.get("/signalements?category=tags"))
    assert "Graffiti sur le mur" in page and "Papiers gras" not in page
    assert 'data-items="/api/v1/items?category=tags"' in page


def test_an_item_page_shows_its_dated_history(client):
    item = make_item(publish=True)
    page = page_text(client.get(f"/signalements/{item.id}"))
    assert f"n° {item.reference}" in page and "Historique" in page and "Habitant·e" in page


def test_a_pending_item_is_404_to_the_public_but_open_to_staff_and_its_author(client, auth):
    item = make_item()
    assert client.get(f"/signalements/{item.id}").status_code == 404
    assert client.get(f"/suivi/{item.tracking_token}").status_code == 200
    assert client.get("/suivi/not-the-token").status_code == 404
    auth.login("moderator")
    assert client.get(f"/signalements/{item.id}").status_code == 200


def test_photos_follow_the_items_visibility(client):
    photo_bytes = [("IMG_1.jpg", images.jpeg())]
    pending = make_item(photos=photo_bytes)
    photo_id = pending.photos[0].id
    assert client.get(f"/photos/{photo_id}").status_code == 404
    with client.get(f"/photos/{photo_id}?suivi={pending.tracking_token}") as own:
        assert own.status_code == 200 and own.mimetype == "image/jpeg"
        assert own.headers["Cache-Control"] == "private, no-store"
    public = make_item(photos=photo_bytes, publish=True)
    with client.get(f"/photos/{public.photos[0].id}/vignette") as thumb:
        assert thumb.status_code == 200
    page = page_text(client.get(f"/signalements/{public.id}"))
    assert f'src="/photos/{public.photos[0].id}/vignette"' in page and 'alt="Photo 1' in page


def test_staff_see_photos_with_their_bearer_token(client, auth):
    item = make_item(photos=[("IMG_1.jpg", images.jpeg())])
    url = f"/photos/{item.photos[0].id}"
    with client.get(url, headers=auth.token("coordinator")) as staff:
        assert staff.status_code == 200
    assert client.get(url, headers={"Authorization": "Bearer forged"}).status_code == 404


def test_moi_aussi_by_the_form(client):
    item = make_item(publish=True)
    response = client.post(f"/signalements/{item.id}/moi-aussi",
                           data={"csrf_token": csrf_token(client, f"/signalements/{item.id}")})
    assert response.status_code == 302
    assert "1 personne suit ce signalement" in page_text(client.get(f"/signalements/{item.id}"))


def test_the_capture_form_without_javascript_creates_an_item(client):
    token = csrf_token(client, "/signaler")
    response = client.post("/signaler", data={
        "csrf_token": token, "kind": "gusp", "category": "eclairage", "subcategory": "eteint",
        "description": "Lampadaire éteint devant l'école", "lon": "2.2885", "lat": "48.7372",
        "photo": [(io.BytesIO(images.jpeg()), "lampadaire.jpg")],
    }, content_type="multipart/form-data")
    assert response.status_code == 302 and "/suivi/" in response.headers["Location"]
    page = page_text(client.get(response.headers["Location"]))
    assert "Merci ! Votre signalement n°" in page and "Lampadaire éteint" in page
    assert db.session.scalar(select(func.count(Item.id))) == 1


def test_a_refused_capture_comes_back_filled_with_the_reason(client):
    token = csrf_token(client, "/signaler")
    response = client.post("/signaler", data={
        "csrf_token": token, "kind": "gusp", "category": "eclairage",
        "description": "Tout ce que j'ai tapé", "lon": str(OUTSIDE[0]), "lat": str(OUTSIDE[1]),
    })
    assert response.status_code == 422
    page = page_text(response)
    assert "hors du quartier du Noyer Doré" in page and "Tout ce que j'ai tapé" in page
    assert db.session.scalar(select(func.count(Item.id))) == 0


def test_a_form_sent_twice_creates_one_item(client):
    token = csrf_token(client, "/signaler")
    data = {"csrf_token": token, "kind": "gusp", "category": "tags", "lon": "2.2885",
            "lat": "48.7372", "idempotency_key": "6f1c2a4e-0d7b-4c39-9a55-3e8f2b71c0d4"}
    first = client.post("/signaler", data=data)
    second = client.post("/signaler", data=data)
    assert first.headers["Location"] == second.headers["Location"]
    assert db.session.scalar(select(func.count(Item.id))) == 1
