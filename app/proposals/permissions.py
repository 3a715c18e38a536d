"""Questions about proposals, comments and tables de quartier."""

from app.auth.roles import Role


def _signed_in(user):
    return user is not None and user.is_authenticated


def can_support_proposal(user, item=None):
    """Signed-in residents support proposals (one support each, see Support)."""
    return _signed_in(user) and user.has_role(Role.RESIDENT)


def can_comment_proposal(user, item=None):
    return _signed_in(user) and user.has_role(Role.RESIDENT)


def can_edit_comment(user, comment):
    """Only its author rewrites a comment; moderators edit its public text instead."""
    return _signed_in(user) and comment.author_id == user.id


def can_run_tables(user):
    """Coordinators record tables de quartier, their agendas and outcomes."""
    return _signed_in(user) and user.has_role(Role.COORDINATOR, Role.ADMIN)


def can_answer_proposals(user):
    return _signed_in(user) and user.has_role(Role.AGENT, Role.ADMIN)


def can_answer_proposal(user, item):
    """The organisation a proposal was submitted to answers it (administrators may record
    an answer received on paper)."""
    if not can_answer_proposals(user):
        return False
    return user.has_role(Role.ADMIN) or (
        item.organisation_id is not None and item.organisation_id == user.organisation_id)
