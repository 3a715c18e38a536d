"""Helpers for Open311 tests: a key, and answers read the same way in JSON and in XML."""

import json
import xml.etree.ElementTree as ET

from app.apikeys import services as keys
from app.extensions import db

BASE = "/open311/v2"
# GeoReport v2: the elements that hold a list, and (implicitly) their members.
LISTS = {"services", "service_requests", "attributes", "values", "endpoints", "formats",
         "errors", "service_request_updates"}


def api_key(name="Application test"):
    _key, raw = keys.create_key(None, name)
    db.session.commit()
    return raw


def _from_xml(element):
    if element.tag in LISTS:
        return [_from_xml(child) for child in element]
    if len(element):
        return {child.tag: _from_xml(child) for child in element}
    return element.text


def _as_text(value):
    """JSON values written as XML writes them, so one assertion fits both formats."""
    if isinstance(value, dict):
        return {k: _as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_text(v) for v in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None or value == "":
        return None
    return str(value)


def read(response, fmt):
    """The answer's payload (list or dict of text), checking the format's headers."""
    body = response.get_data(as_text=True)
    if fmt == "json":
        assert response.mimetype == "application/json"
        return _as_text(json.loads(body))
    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
    assert body.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    return _from_xml(ET.fromstring(body.encode()))  # noqa: S314 (our own answer)


def error_descriptions(response, fmt, status):
    """The descriptions of a GeoReport v2 error answer with `status`."""
    assert response.status_code == status, response.get_data(as_text=True)
    payload = read(response, fmt)
    assert all(error["code"] == str(status) for error in payload)
    return [error["description"] for error in payload]
