"""Name who took a committee decision without their e-mail address: decisions recorded
before the minutes stopped falling back to the address (an account with no display name)
are named as they are now: the display name, else the organisation, else the role, as
app/items/status.actor_label names an actor. A decision whose account has since been
deleted, and whose label is an address, is named "Compte supprimé": the address must not
outlive the account.

The labels are written in French, as the minutes were when the address was recorded.
A downgrade leaves them: the addresses are not kept anywhere to be put back.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-05 19:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None

# As they stand at this revision (app/items/status.actor_label, app/auth/roles.ROLE_LABELS):
# the roles named, first found first.
ROLE_LABELS = (
    ('coordinator', 'Coordination GUSP'),
    ('moderator', 'Modérateur·rice du conseil citoyen'),
    ('admin', 'Administrateur·rice'),
    ('committee', 'Membre du comité technique GUSP'),
)
RESIDENT = 'Habitant·e'
DELETED = 'Compte supprimé'


def _role_label():
    """SQL: the label of the decider's first role of ROLE_LABELS, else RESIDENT."""
    whens = " ".join(
        f"WHEN EXISTS (SELECT 1 FROM user_role WHERE user_role.user_id = app_user.id"
        f" AND user_role.role = :role_{index}) THEN :label_{index}"
        for index in range(len(ROLE_LABELS)))
    return f"CASE {whens} ELSE :resident END"


RENAME = sa.text(
    "UPDATE committee_decision SET decided_by_label = ("
    " SELECT COALESCE(NULLIF(app_user.display_name, ''), organisation.name, "
    + _role_label() + ")"
    " FROM app_user LEFT JOIN organisation ON organisation.id = app_user.organisation_id"
    " WHERE app_user.id = committee_decision.decided_by_id)"
    " WHERE decided_by_label = (SELECT email FROM app_user"
    " WHERE app_user.id = committee_decision.decided_by_id)"
).bindparams(resident=RESIDENT, **{
    f"{name}_{index}": value for index, pair in enumerate(ROLE_LABELS)
    for name, value in zip(("role", "label"), pair)})
FORGET = sa.text(
    "UPDATE committee_decision SET decided_by_label = :deleted"
    " WHERE decided_by_id IS NULL AND decided_by_label LIKE '%@%'"
).bindparams(deleted=DELETED)


def upgrade():
    op.execute(RENAME)
    op.execute(FORGET)


def downgrade():
    pass
