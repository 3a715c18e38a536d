"""Categories of items (the stable codes of DOMAIN.md), with labels, pictograms and
sub-categories. The routing table that maps them to organisations lives in the database."""

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Category:
    code: str
    label: str
    pictogram: str  # id of the symbol in static/img/categories.svg
    subcategories: dict = field(default_factory=dict)  # code -> label
    kinds: tuple = ("dem", "gusp")


CATEGORIES = {
    c.code: c
    for c in [
        Category("proprete", _l("Propreté"), "proprete",
                 {"dechets-sol": _l("Déchets au sol"), "dejections": _l("Déjections"),
                  "vitres-halls": _l("Halls ou vitres sales")}),
        Category("dechets", _l("Ordures ménagères, tri, encombrants"), "dechets",
                 {"bacs": _l("Bacs ou conteneurs"), "collecte": _l("Collecte non faite"),
                  "tri": _l("Tri sélectif"), "local-poubelles": _l("Local poubelles"),
                  "encombrants": _l("Encombrants sur rendez-vous")}),
        Category("depots-sauvages", _l("Dépôts sauvages, épaves"), "depots-sauvages",
                 {"encombrants": _l("Encombrants abandonnés"), "gravats": _l("Gravats"),
                  "epave": _l("Véhicule épave")}),
        Category("tags", _l("Tags, graffitis"), "tags"),
        Category("eclairage", _l("Éclairage"), "eclairage",
                 {"eteint": _l("Éteint"), "faible": _l("Faible"),
                  "eblouissant": _l("Éblouissant"), "masque": _l("Masqué par les arbres")}),
        Category("voirie", _l("Voirie, trottoirs, signalisation"), "voirie",
                 {"trou": _l("Trou, chaussée abîmée"), "trottoir": _l("Trottoir"),
                  "passage-pieton": _l("Passage piéton"), "signalisation": _l("Signalisation")}),
        Category("mobilier-urbain", _l("Mobilier urbain"), "mobilier-urbain",
                 {"banc": _l("Banc"), "corbeille": _l("Corbeille"), "potelet": _l("Potelet")}),
        Category("espaces-verts", _l("Espaces verts, aires de jeux"), "espaces-verts",
                 {"entretien": _l("Entretien"), "aire-de-jeux": _l("Aire de jeux"),
                  "arbre": _l("Arbre")}),
        Category("parties-communes", _l("Parties communes"), "parties-communes",
                 {"hall": _l("Hall"), "ascenseur": _l("Ascenseur"), "porte": _l("Porte, digicode"),
                  "boites-aux-lettres": _l("Boîtes aux lettres"), "escalier": _l("Escalier"),
                  "cave": _l("Cave")}),
        Category("nuisibles", _l("Nuisibles"), "nuisibles",
                 {"rats": _l("Rats"), "cafards": _l("Cafards"),
                  "punaises": _l("Punaises de lit"), "egouts": _l("Égouts")}),
        Category("assainissement", _l("Assainissement, eau"), "assainissement",
                 {"bouche": _l("Avaloir bouché"), "odeurs": _l("Odeurs"),
                  "fuite": _l("Fuite d'eau")}),
        Category("accessibilite", _l("Accessibilité"), "accessibilite",
                 {"bordure": _l("Bordure trop haute"), "obstacle": _l("Obstacle")}),
        Category("stationnement", _l("Stationnement gênant"), "stationnement"),
        Category("tranquillite", _l("Tranquillité, sentiment d'insécurité"), "tranquillite"),
        Category("transports", _l("Transports"), "transports",
                 {"arret-bus": _l("Arrêt de bus"), "rer": _l("Gare RER B Les Baconnets")}),
        Category("proposition", _l("Proposition"), "proposition", kinds=("proposal",)),
    ]
}

SPOTS = {
    "hall": _l("Hall"),
    "ascenseur": _l("Ascenseur"),
    "cave": _l("Cave"),
    "parking": _l("Parking"),
    "local-poubelles": _l("Local poubelles"),
    "escalier": _l("Escalier"),
    "exterieur": _l("Extérieur"),
}


def categories_for(kind):
    return [c for c in CATEGORIES.values() if kind in c.kinds]
