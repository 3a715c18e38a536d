"""What every HTML form shares."""


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
