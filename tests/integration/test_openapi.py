"""The OpenAPI description is the API's: every route is in it, every path in it is a route,
and schemathesis throws generated input at every operation without a server error."""

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.api.openapi import openapi_document
from app.auth import services as accounts
from app.extensions import db
from tests.conftest import PASSWORD, make_item

DESCRIBED_PREFIXES = ("/api/v1/", "/ogcapi/", "/open311/v2/")
IGNORED_METHODS = {"HEAD", "OPTIONS"}


def _documented_path(rule):
    """/api/v1/items/<int:item_id> -> /api/v1/items/{item_id}; any(json, xml) -> {format}."""
    path = re.sub(r"<any\([^)]*\):(\w+)>",
                  lambda name: "{format}" if name[1] == "fmt" else f"{{{name[1]}}}", rule.rule)
    path = re.sub(r"<(?:[a-z]+:)?(\w+)>", r"{\1}", path)
    return path.replace("{request_id}", "{service_request_id}").replace(
        "{code}", "{service_code}")


def routes(app):
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(DESCRIBED_PREFIXES):
            found |= {(_documented_path(rule), method.lower())
                      for method in rule.methods - IGNORED_METHODS}
    return found


def described():
    return {(path, method) for path, operations in openapi_document()["paths"].items()
            for method in operations}


def test_every_api_route_is_described(app):
    missing = sorted(routes(app) - described())
    assert missing == [], f"add these routes to app/api/openapi.yaml: {missing}"


def test_every_described_operation_is_a_route(app):
    assert sorted(described() - routes(app)) == []


def test_the_description_is_served_as_json(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0" and "/api/v1/items" in document["paths"]


def test_every_property_staff_receive_of_an_item_is_described(client, auth):
    item = make_item(publish=True, email="habitante@example.org", residence="Les Baconnets")
    given = client.get(f"/api/v1/items/{item.id}", headers=auth.token("coordinator")).get_json()
    item_schema = openapi_document()["components"]["schemas"]["Item"]["allOf"][1]
    properties = item_schema["properties"]["properties"]["properties"]
    assert sorted(set(given["properties"]) - set(properties)) == []
    assert given["properties"]["email_given"] is True and "author_email" not in properties
    history = properties["history"]["items"]["properties"]
    assert set(given["properties"]["history"][0]) <= set(history)


# Deterministic and bounded, for CI: the same cases every run, a few dozen per operation,
# valid and invalid by the description, anonymously and with a staff bearer token.
EXAMPLES = settings(max_examples=15, derandomize=True, database=None, deadline=None,
                    suppress_health_check=list(HealthCheck), phases=[Phase.generate])

# No server error, and every answer as described: status, media type, body. (Whether
# input valid by the description is accepted depends on rules it cannot state, such as
# a point inside the perimeter, so acceptance is tested by the feature tests.)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


@pytest.fixture
def api_schema(app):
    make_item(publish=True)
    make_item(publish=True, category="tranquillite")
    make_item()
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def _runs():
    """Every operation anonymously; those of the JSON API also with a staff token (the
    other APIs ignore bearer tokens)."""
    return [pytest.param(path, method, as_staff,
                         id=f"{method.upper()} {path} {'staff' if as_staff else 'anonymous'}")
            for path, method in sorted(described())
            for as_staff in (False, True) if not as_staff or path.startswith("/api/v1/")]


# The generator's WSGI client never closes the responses it reads; a server does, which is
# when a streamed export (the GeoPackage's open file) lets go of what it holds.
@pytest.mark.filterwarnings("ignore::ResourceWarning",
                            "ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("path, method, as_staff", _runs())
def test_generated_input_never_causes_a_server_error(api_schema, path, method, as_staff):
    headers = {}
    if as_staff:
        staff, _password = accounts.create_user(
            "staff@example.org", ["coordinator", "moderator", "admin"], password=PASSWORD)
        headers["Authorization"] = f"Bearer {accounts.issue_token(staff)}"
        db.session.commit()
    operation = api_schema[path][method]
    cases = st.one_of(*(operation.as_strategy(mode, headers=headers or None)
                        for mode in GenerationMode))

    @EXAMPLES
    @given(case=cases)
    def call(case):
        # Bodies as described, not brotli: the WSGI client does not decode what it asked for.
        case.call_and_validate(checks=CHECKS, headers={"Accept-Encoding": "identity"})

    call()
