"""Every Open311 resource in JSON and in XML, and the specification's error shape."""

import json
import re
from xml.etree.ElementTree import Element, SubElement, tostring

from flask import request

FORMATS = ("json", "xml")
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
# The element of each member of a list, by the list's element (GeoReport v2 names).
MEMBERS = {
    "services": "service", "service_requests": "request", "attributes": "attribute",
    "values": "value", "endpoints": "endpoint", "formats": "format", "errors": "error",
    "service_request_updates": "request_update",
}
# Characters XML 1.0 cannot carry, even escaped.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _fill(element, value):
    if isinstance(value, dict):
        for name, member in value.items():
            _fill(SubElement(element, name), member)
    elif isinstance(value, list):
        for member in value:
            _fill(SubElement(element, MEMBERS[element.tag]), member)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = NOT_XML.sub("", str(value))


def to_xml(root, payload):
    """`payload` (dicts, lists, scalars) under the element `root`, as an XML document."""
    element = Element(root)
    _fill(element, payload)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(element, encoding="unicode")


def respond(fmt, root, payload, status=200):
    """The Flask answer: `payload` as JSON (the list or object itself) or XML under `root`."""
    body = (json.dumps(payload, ensure_ascii=False) if fmt == "json"
            else to_xml(root, payload))
    return body, status, {"Content-Type": CONTENT_TYPES[fmt]}


def errors(status, *descriptions):
    """GeoReport v2 errors: [{code, description}] in JSON, <errors><error> in XML, in the
    format the path asked for (JSON when it named none). Input refused anywhere (422 in
    the rest of Arpenteur) is a 400 here, as the specification says."""
    fmt = "xml" if request.path.endswith(".xml") else "json"
    status = 400 if status == 422 else status
    return respond(fmt, "errors", [{"code": status, "description": description}
                                   for description in descriptions], status)
