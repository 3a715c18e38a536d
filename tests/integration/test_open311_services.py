"""Open311 discovery, services and service definitions, in JSON and in XML."""

import pytest

from app.items.categories import CATEGORIES
from app.places.queries import all_places
from tests.open311 import BASE, error_descriptions, read

FORMATS = ["json", "xml"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery_names_the_endpoint_its_formats_and_the_specification(client, fmt):
    response = client.get(f"{BASE}/discovery.{fmt}")
    assert response.status_code == 200
    payload = read(response, fmt)
    assert payload["changeset"].endswith(("+01:00", "+02:00")) and payload["contact"]
    (endpoint,) = payload["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://localhost/open311/v2"
    assert endpoint["formats"] == ["application/json", "text/xml"]
    assert endpoint["type"] == "test"


@pytest.mark.parametrize("fmt", FORMATS)
def test_one_service_per_category_grouped_by_kind(client, fmt):
    services = read(client.get(f"{BASE}/services.{fmt}"), fmt)
    assert [s["service_code"] for s in services] == list(CATEGORIES)
    by_code = {s["service_code"]: s for s in services}
    assert by_code["proprete"]["service_name"] == "Propreté"
    assert by_code["proprete"]["group"] == "gusp" and by_code["proposition"]["group"] == "proposal"
    assert all(s["metadata"] == "true" and s["type"] == "realtime" for s in services)
    assert "Rats" in by_code["nuisibles"]["keywords"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_service_definition_asks_for_location_details_and_the_place(client, fmt):
    definition = read(client.get(f"{BASE}/services/parties-communes.{fmt}"), fmt)
    assert definition["service_code"] == "parties-communes"
    attributes = {a["code"]: a for a in definition["attributes"]}
    assert {"residence", "building", "entrance", "floor", "place", "spot", "subcategory",
            "severity", "danger"} <= set(attributes)
    assert [a["order"] for a in definition["attributes"]] == [
        str(n) for n in range(1, len(attributes) + 1)]
    place = attributes["place"]
    assert place["datatype"] == "singlevaluelist" and place["required"] == "false"
    assert {v["name"] for v in place["values"]} == {p.name for p in all_places()}
    assert attributes["building"]["datatype"] == "string"
    assert "values" not in attributes["building"]
    assert {v["key"] for v in attributes["subcategory"]["values"]} >= {"hall", "ascenseur"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_proposal_service_requires_a_title_and_a_theme(client, fmt):
    definition = read(client.get(f"{BASE}/services/proposition.{fmt}"), fmt)
    attributes = {a["code"]: a for a in definition["attributes"]}
    assert attributes["title"]["required"] == "true"
    assert attributes["theme"]["required"] == "true"
    assert "severity" not in attributes and "subcategory" not in attributes


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_service_code_is_a_404_in_the_specification_s_shape(client, fmt):
    (description,) = error_descriptions(client.get(f"{BASE}/services/licornes.{fmt}"), fmt, 404)
    assert "licornes" in description


@pytest.mark.parametrize("fmt", FORMATS)
def test_another_jurisdiction_is_a_404(client, fmt):
    response = client.get(f"{BASE}/services.{fmt}?jurisdiction_id=paris.fr")
    (description,) = error_descriptions(response, fmt, 404)
    assert "noyer-dore.antony.fr" in description
    assert client.get(f"{BASE}/services.{fmt}?jurisdiction_id=noyer-dore.antony.fr"
                      ).status_code == 200


@pytest.mark.parametrize("fmt", FORMATS)
def test_routing_errors_under_open311_take_its_shape_too(client, fmt):
    error_descriptions(client.get(f"{BASE}/nothing-here.{fmt}"), fmt, 404)
    error_descriptions(client.delete(f"{BASE}/services.{fmt}"), fmt, 405)


def test_an_unknown_format_is_a_404(client):
    error_descriptions(client.get(f"{BASE}/services.csv"), "json", 404)
