"""Supporters hear about the reasoned answer, through the outbox (same transaction)."""

from app.notifications.services import public_url, queue_email

from .models import ANSWERS


def proposal_answered(item):
    """Queue one e-mail per supporter who still has an account; return the messages."""
    proposal = item.proposal
    return [queue_email(support.user.email, "proposal_answered", item, support.user.locale,
                        proposal=proposal,
                        answer_label=ANSWERS[proposal.answer],
                        link=public_url("proposals.show", item_id=item.id))
            for support in item.supports if support.user is not None]
