"""Demo accounts: one per role, so a newcomer can try every side of Arpenteur."""

from app.auth import services as accounts
from app.auth.roles import Role

DEMO_DOMAIN = "demo.arpenteur.example"  # .example: reserved, never delivered

# (local part, roles, organisation); the password is "demo-" + local part.
DEMO_ACCOUNTS = [
    ("habitante", [Role.RESIDENT], None),
    ("moderation", [Role.MODERATOR], None),
    ("coordination", [Role.COORDINATOR], None),
    ("agent-hbh", [Role.AGENT], "hbh"),
    ("agent-ville", [Role.AGENT], "ville-antony"),
    ("agent-vsgp", [Role.AGENT], "vsgp"),
    ("comite", [Role.COMMITTEE], None),
    ("admin", [Role.ADMIN], None),
]


def demo_password(local):
    return f"demo-{local}-2026"


def seed_demo_accounts():
    """Create the missing demo accounts; return [(user, password, created)] for all of them."""
    seeded = []
    for local, roles, organisation in DEMO_ACCOUNTS:
        email = f"{local}@{DEMO_DOMAIN}"
        user = accounts.find_user(email)
        created = user is None
        if created:
            user, _password = accounts.create_user(
                email, roles, organisation, demo_password(local), display_name=f"Démo {local}"
            )
        seeded.append((user, demo_password(local), created))
    return seeded
