"""The input layer answers each class of hostile value of the outside review with a French
message on the field at fault (tests/integration/test_hostile_input.py throws them at
every endpoint; here each class is pinned down once, on both engines)."""

import json

import pytest
from sqlalchemy import func, select

from app.committee import services as committee
from app.errors import DomainError, InvalidInput
from app.extensions import db
from app.inputs import load_json, parse_int
from app.items.models import Item
from app.routing.forms import read_delays
from tests.conftest import INSIDE, csrf_token, make_item, make_user, page_text
from tests.integration.test_meetings import make_meeting


def feature(where=INSIDE, **properties):
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": list(where)},
            "properties": {"kind": "gusp", "category": "proprete", "description": "Sacs",
                           **properties}}


def errors(response, status=422):
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()["errors"]


def count_items():
    return db.session.scalar(select(func.count(Item.id)))


def test_a_nul_byte_in_a_query_parameter_is_refused_not_sent_to_the_database(client):
    refused = errors(client.get("/api/v1/items?category=a%00b"))
    assert "caractère nul" in refused["category"]
    assert "caractère nul" in page_text(client.get("/signalements?kind=%00"))


@pytest.mark.parametrize("properties, field", [
    ({"spot": "x" * 31}, "spot"),
    ({"subcategory": "x" * 33}, "subcategory"),
    ({"email": "a" * 300 + "@example.org"}, "email"),
    ({"email": "not-an-email"}, "email"),
    ({"email": "voisin@example.org\r\nBcc: tous@example.org"}, "email"),
    ({"description": "avant\x00après"}, "description"),
    ({"description": "\ud800"}, "description"),
    ({"place": 2147483648}, "place"),
    ({"walk": 10**20}, "walk"),
])
def test_hostile_item_properties_are_refused_on_their_field(client, properties, field):
    refused = errors(client.post("/api/v1/items", json=feature(**properties)))
    assert list(refused) == [field] and refused[field]
    assert count_items() == 0


def test_a_coordinate_of_401_digits_is_refused(client):
    body = json.dumps(feature()).replace("2.288496", "1" + "0" * 400)
    refused = errors(client.post("/api/v1/items", data=body, content_type="application/json"))
    assert refused == {"coordinates": "Ce nombre est hors des limites admises."}


def test_json_nested_100000_levels_is_refused_without_parsing_it(client):
    deep = "[" * 100_000 + "]" * 100_000
    refused = errors(client.post("/api/v1/items", data=deep, content_type="application/json"))
    assert refused == {"_": "Le JSON envoyé est imbriqué trop profondément."}
    with pytest.raises(InvalidInput):
        load_json('{"a": ' * 40 + "1" + "}" * 40)
    assert load_json('{"a": "[[[[{{{{"}') == {"a": "[[[[{{{{"}  # brackets in text count not


def test_a_multipart_item_part_goes_through_the_same_checks(client):
    refused = errors(client.post("/api/v1/items", content_type="multipart/form-data", data={
        "item": json.dumps(feature(spot="é" * 31))}))
    assert list(refused) == ["spot"]


def test_values_of_the_wrong_json_type_are_refused_field_by_field(client, auth):
    item = make_item()
    headers = auth.token("coordinator")
    refused = errors(client.post(f"/api/v1/items/{item.id}/transitions", headers=headers,
                                 json={"to": ["routed"], "version": item.version}))
    assert refused == {"to": "Ce champ doit être du texte."}
    refused = errors(client.post(f"/api/v1/items/{item.id}/transitions", headers=headers,
                                 json={"to": "duplicate", "duplicate_of": 10**20,
                                       "version": item.version}))
    assert refused == {"duplicate_of": "Ce nombre est hors des limites admises."}
    moderator = auth.token("moderator")
    refused = errors(client.post(f"/api/v1/items/{item.id}/moderation", headers=moderator,
                                 json={"action": "hide", "reason": ["insulte"]}))
    assert refused == {"reason": "Ce champ doit être du texte."}
    assert errors(client.post(f"/api/v1/items/{item.id}/moderation", headers=moderator,
                              json=[1]))["_"]


def test_following_takes_only_a_real_e_mail_address(client):
    item = make_item(publish=True)
    for bad in ("not-an-email", "a@b.org\r\nBcc: x@y.org", 42):
        refused = errors(client.post(f"/api/v1/items/{item.id}/followers", json={"email": bad}))
        assert list(refused) == ["email"]
    assert client.post(f"/api/v1/items/{item.id}/followers",
                       json={"email": "Voisine@Example.ORG"}).status_code == 201
    assert item.followers[0].email == "Voisine@example.org"


def test_ids_no_column_can_hold_are_simply_not_found(client):
    assert client.get("/api/v1/items/99999999999999999999").status_code == 404
    assert client.get("/signalements/2147483648").status_code == 404
    assert client.get("/signalements/2147483647").status_code == 404


def test_numbers_typed_in_forms_are_bounded(client, auth):
    item = make_item()
    auth.login("coordinator")
    response = client.post(f"/gestion/signalements/{item.id}", data={
        "csrf_token": csrf_token(client, f"/gestion/signalements/{item.id}"),
        "move": "duplicate", "duplicate-version": str(item.version),
        "duplicate-duplicate_of": "9" * 30})
    assert response.status_code == 422
    assert "Ce nombre est hors des limites admises." in page_text(response)
    assert parse_int("²") is None and parse_int("٣") is None and parse_int("12") == 12
    assert client.get("/gestion/triage?page=99999999999999999999").status_code == 200


# Digits that str.isdigit() takes and int() refuses, and more digits than any column holds.
NOT_NUMBERS = ["²", "9" * 20]


@pytest.mark.parametrize("value", NOT_NUMBERS)
def test_numbers_in_query_strings_are_read_as_numbers_or_refused(client, auth, value):
    """Each place a number is read from an address answers a superscript digit or a
    20-digit number with its own refusal (or ignores it), never a server error."""
    coordinator = make_user("coordinator")
    token = auth.token(user=coordinator)
    assert "Cette marche n'existe pas." in errors(
        client.get(f"/api/v1/exports/items.csv?walk={value}", headers=token))["walk"]
    assert errors(client.get(f"/api/v1/items?limit={value}", headers=token))
    assert client.get(f"/open311/v2/requests.json?service_request_id={value}"
                      ).status_code == 400
    assert client.get(f"/ogcapi/collections/public-items/items?limit={value}"
                      ).status_code == 400
    assert client.get(f"/ogcapi/collections/public-items/items/{value}").status_code == 404
    assert client.get(f"/signaler?walk={value}&stop={value}").status_code == 200
    auth.login(user=coordinator)
    followup = client.get(f"/comite/suivi?walk={value}")
    assert followup.status_code == 422 and "Cette marche n'existe pas." in page_text(followup)
    review = client.get(f"/evaluation/tfpb?annee={value}")
    assert review.status_code == 422 and "Choisissez une année" in page_text(review)


@pytest.mark.parametrize("value", NOT_NUMBERS)
def test_numbers_typed_in_committee_and_routing_forms_are_refused_in_french(value):
    """An item put on a meeting's agenda by its number, a target delay in days."""
    coordinator = make_user("coordinator")
    meeting = make_meeting(actor=coordinator)
    with pytest.raises(DomainError) as refused:
        committee.add_item_point(coordinator, meeting, f"2026-{value}")
    assert refused.value.errors == {"reference": "Aucun signalement ne porte ce numéro."}
    _wanted, problems = read_delays({"acknowledge-proprete": value, "resolve-proprete": "3"},
                                    ["proprete"])
    assert str(problems["proprete"]) == "Un délai s'écrit en nombre entier de jours ouvrés."


def test_a_form_with_a_nul_byte_is_refused_in_french(client):
    token = csrf_token(client, "/signaler")
    response = client.post("/signaler", data={
        "csrf_token": token, "kind": "gusp", "category": "proprete",
        "description": "a\x00b", "lon": str(INSIDE[0]), "lat": str(INSIDE[1])})
    assert response.status_code == 422
    assert "caractère non autorisé (caractère nul)" in page_text(response)
    assert count_items() == 0


def test_a_value_longer_than_its_column_comes_back_on_the_form_with_what_was_typed(client):
    token = csrf_token(client, "/signaler")
    response = client.post("/signaler", data={
        "csrf_token": token, "kind": "gusp", "category": "proprete", "spot": "x" * 31,
        "description": "Sacs au pied du hall", "lon": str(INSIDE[0]), "lat": str(INSIDE[1])})
    assert response.status_code == 422
    text = page_text(response)
    assert "Ce texte dépasse 30 caractères." in text and "Sacs au pied du hall" in text
    assert count_items() == 0


def test_every_write_is_checked_against_its_column_on_both_engines():
    with pytest.raises(InvalidInput) as refused:
        make_item(spot="x" * 31)
    assert refused.value.errors == {"spot": "Ce texte dépasse 30 caractères."}
    db.session.rollback()
    item = make_item()
    item.return_count = 2**31
    with pytest.raises(InvalidInput) as refused:
        db.session.flush()
    assert refused.value.errors == {"return_count": "Ce nombre est hors des limites admises."}
    db.session.rollback()
    user = make_user()
    user.display_name = "nul\x00"
    with pytest.raises(InvalidInput):
        db.session.commit()
