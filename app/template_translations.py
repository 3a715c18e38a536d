"""Templates translate through the catalogue of the language in force, found once per
language and application context. Flask-Babel's own callables find it again at each call
(the request's context, its locale, the locale's name, the catalogue cache): more than the
translating itself, on a page whose fifty rows each ask for a few words."""

from flask import g
from flask_babel import get_locale, get_translations

from app.memo import Memo


def catalogue():
    """The catalogue of the language in force: the reader's, or the one force_locale sets
    (an e-mail written in its recipient's language), hence found by locale, not once."""
    if "catalogues" not in g:
        g.catalogues = Memo(lambda _locale: get_translations())
    return g.catalogues[get_locale()]


def install(app):
    """Templates' `_`, `gettext`, `ngettext`, `pgettext` and `npgettext` through `catalogue`,
    as Flask-Babel installs them otherwise (new style: placeholders filled and escaped)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda text: catalogue().ugettext(text),
        ngettext=lambda singular, plural, n: catalogue().ungettext(singular, plural, n),
        pgettext=lambda context, text: catalogue().upgettext(context, text),
        npgettext=lambda context, singular, plural, n: catalogue().unpgettext(
            context, singular, plural, n),
        newstyle=True)
