import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from config import BASE_DIR
from tests.conftest import page_text

CATALOG = BASE_DIR / "app" / "translations" / "en" / "LC_MESSAGES" / "messages.po"


def test_english_is_chosen_by_the_language_link_and_kept(client):
    response = client.get("/langue/en?next=/connexion")
    assert response.status_code == 302 and response.headers["Location"] == "/connexion"
    page = page_text(client.get("/connexion"))
    assert '<html lang="en">' in page and "Sign in" in page
    assert "Français" in page


def test_french_is_the_default(client):
    page = page_text(client.get("/connexion"))
    assert '<html lang="fr">' in page and "Se connecter" in page


def test_the_language_link_never_redirects_off_site(client):
    response = client.get("/langue/en?next=https://evil.example/")
    assert response.headers["Location"] == "/"


def test_every_shipped_string_has_an_english_translation(tmp_path):
    template = tmp_path / "messages.pot"
    subprocess.run(
        [str(Path(sys.executable).parent / "pybabel"), "extract", "-F",
         str(BASE_DIR / "babel.cfg"), "-k", "_l", "-k", "N_", "--ignore-dirs", ".* __pycache__",
         "-o", str(template),
         str(BASE_DIR / "app")],
        check=True, cwd=BASE_DIR, capture_output=True,
    )
    with template.open("rb") as handle:
        wanted = {message.id for message in read_po(handle) if message.id}
    with CATALOG.open("rb") as handle:
        english = {message.id: message.string for message in read_po(handle) if message.id}
    missing = sorted(str(msgid) for msgid in wanted if not english.get(msgid))
    assert missing == [], "untranslated (run `make translations`): " + "; ".join(missing[:10])


def test_templates_translate_in_the_language_in_force_within_one_request(app):
    """Templates find their catalogue once per language: an e-mail written in English
    under force_locale, in the middle of a French page, is English, and the page French."""
    from flask import render_template_string
    from flask_babel import force_locale

    word = "{{ _('Signaler') }}"
    with app.test_request_context("/"):
        before = render_template_string(word)
        with force_locale("en"):
            english = render_template_string(word)
        after = render_template_string(word)
    assert (before, english, after) == ("Signaler", "Report", "Signaler")
