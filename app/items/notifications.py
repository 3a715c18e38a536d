"""Side effects of a status change: the e-mails, through the transactional outbox."""


def status_changed(item, event):
    """Called by status.transition inside the same transaction as the move."""
    from app.notifications.services import notify_status_change

    notify_status_change(item, event)
