import base64
import hashlib
from pathlib import Path

from xstatic.pkg import leaflet as xstatic_leaflet

from app.leaflet import INTEGRITY
from app.security import content_security_policy


def test_the_local_leaflet_is_byte_identical_to_the_cdn_one():
    for name, integrity in INTEGRITY.items():
        digest = hashlib.sha256((Path(xstatic_leaflet.BASE_DIR) / name).read_bytes()).digest()
        assert f"sha256-{base64.b64encode(digest).decode()}" == integrity


def test_the_policy_never_allows_inline_script_and_names_the_tile_server():
    policy = content_security_policy(
        {"TILE_URL": "https://{s}.tile.example.org/{z}/{x}/{y}.png", "LEAFLET_SOURCE": "cdn"}
    )
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "script-src 'self' https://unpkg.com;" in policy
    assert "https://*.tile.example.org" in policy


def test_a_local_leaflet_without_tiles_needs_nothing_outside():
    policy = content_security_policy({"TILE_URL": "", "LEAFLET_SOURCE": "local"})
    assert "https:" not in policy
