"""The one OpenAPI 3.1 description of Arpenteur's HTTP APIs (app/api/openapi.yaml), read
once per process. A test compares it with the routes, so it cannot drift from them."""

from functools import cache
from pathlib import Path

import yaml

DOCUMENT = Path(__file__).with_name("openapi.yaml")


@cache
def openapi_document():
    with DOCUMENT.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)
