"""Passwords: what is accepted, how they are hashed, and checking them with the same work
whether the account exists or not.

Strength is judged by zxcvbn (Dropbox's estimator: common passwords, dictionary words,
keyboard walks, dates, repeats), fed with the words people here would reach for and with
the person's own address. No composition rules: length and unguessability are what count.
"""

import secrets

from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

MIN_LENGTH = 10
MAX_LENGTH = 200
# zxcvbn's scale: 3 means about 10^8 guesses or more, beyond an online attack.
MIN_SCORE = 3
ZXCVBN_MAX_LENGTH = 72  # zxcvbn refuses longer input; the first 72 characters decide
LOCAL_WORDS = [
    "arpenteur", "noyer", "doré", "noyerdore", "noyer-doré", "antony", "baconnets", "bièvre",
    "hauts-de-seine", "azerty", "azertyuiop", "motdepasse", "mot-de-passe", "bonjour",
    "soleil", "jetaime", "doudou", "loulou", "chouchou", "coucou", "marseille", "paris",
    "france", "habitant", "habitante", "quartier",
]
# Hashed once per process so that checking against it costs what a real check costs.
_DUMMY_HASH = generate_password_hash(secrets.token_urlsafe(16))


def hash_password(password):
    return generate_password_hash(password)


def verify_password(password_hash, password):
    """Whether `password` matches `password_hash`. Without a hash (no such account, or an
    account without password) the check runs against a dummy: the same work either way,
    so the time of the answer tells nothing."""
    matches = check_password_hash(password_hash or _DUMMY_HASH, password or "")
    return matches and password_hash is not None


def password_problem(password, email=""):
    """Why `password` is refused, as a message for the person; None when it is fine."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        return _("Le mot de passe doit compter au moins %(n)d caractères.", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Le mot de passe dépasse %(n)d caractères.", n=MAX_LENGTH)
    local, _at, domain = (email or "").lower().partition("@")
    hints = [*LOCAL_WORDS, *(word for word in (email, local, domain) if word)]
    if zxcvbn(password[:ZXCVBN_MAX_LENGTH], user_inputs=hints)["score"] < MIN_SCORE:
        return _("Ce mot de passe est trop courant ou trop facile à deviner. Choisissez-en un "
                 "plus long, par exemple trois ou quatre mots sans lien entre eux.")
    return None
