"""Write the French catalogue from messages.pot: French is the source language, so only
its plural forms need a catalogue. Without one, gettext applies the English rule and prints
"0 soutiens"; with it, French says "0 soutien", "1 soutien", "2 soutiens".

Run by `make translations`: python app/translations/french_plurals.py
"""

from datetime import datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

HERE = Path(__file__).parent
TEMPLATE = HERE / "messages.pot"
CATALOG = HERE / "fr" / "LC_MESSAGES" / "messages.po"
FIXED_DATE = datetime(2026, 1, 1)  # the file only changes when its messages do


def french_catalog(template):
    """Every plural message of `template`, its French forms being its own two source forms
    (form 0 for 0 and 1, the plural for the rest)."""
    catalog = Catalog(locale="fr", project="Arpenteur", domain="messages",
                      creation_date=FIXED_DATE, revision_date=FIXED_DATE, fuzzy=False)
    for message in template:
        if message.id and message.pluralizable:
            singular, plural = message.id
            forms = (singular,) + (plural,) * (catalog.num_plurals - 1)
            catalog.add(message.id, forms, locations=message.locations)
    return catalog


def main():
    with TEMPLATE.open("rb") as handle:
        template = read_po(handle)
    CATALOG.parent.mkdir(parents=True, exist_ok=True)
    with CATALOG.open("wb") as handle:
        write_po(handle, french_catalog(template), omit_header=False, sort_output=True,
                 no_location=True)


if __name__ == "__main__":
    main()
