"""A keyset list as a person reaches it: its page starts at the address's `apres`, and a
link that no page gave (forged, cut short, or from another list) shows the list's beginning
and says so, rather than an error or some other position."""

from flask import flash, request, url_for
from flask_babel import gettext as _

from app.items.pagination import BadCursor


def read_from_address(read, *args):
    """read(*args, start=the page's cursor), or its first page after a bad cursor."""
    try:
        return read(*args, start=request.args.get("apres") or None)
    except BadCursor:
        flash(_("Ce lien de page n'est pas valide ou ne correspond plus à cette liste : voici "
                "le début de la liste."), "info")
        return read(*args, start=None)


def page_links(endpoint, next_cursor):
    """(the next page's URL or None, the first page's URL when this is a later page) of the
    list at `endpoint`, keeping the address's filters."""
    args = {k: v for k, v in request.args.items() if k != "apres"}
    return (next_cursor and url_for(endpoint, **args, apres=next_cursor),
            url_for(endpoint, **args) if request.args.get("apres") else None)
