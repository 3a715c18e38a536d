"""What every HTML form shares."""

import uuid

from flask_babel import gettext as _


def show_refusal(form, refused):
    """Put a service's refusal (a DomainError) on the form: each message on its field, or
    above the form, so the page comes back filled with the reason."""
    for field, message in refused.errors.items():
        target = getattr(form, field, None)
        (target.errors if target is not None and hasattr(target, "errors")
         else form.form_errors).append(message)


def uploaded_files(field):
    """[(filename, bytes)] of a file field's uploads, in the shape services take."""
    return [(upload.filename or "", upload.read()) for upload in field.data or []
            if upload.filename]


def renew_idempotency_key(form):
    """A capture form sent before with other content (the back button, then changes) gets
    a new Idempotency-Key and says so: sent again, it makes a new item."""
    form.idempotency_key.data = str(uuid.uuid4())
    form.form_errors.append(_("Ce formulaire avait déjà été envoyé avec un autre contenu. "
                              "Vérifiez vos saisies et renvoyez-le : il sera enregistré "
                              "comme un nouveau signalement."))
