"""Domain errors raised by services, and how each caller's language answers them."""

import contextlib

from flask import current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InternalError, OperationalError, SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from .database import cannot_write, is_busy
from .extensions import db


class DomainError(Exception):
    """A rule of Arpenteur said no. `message` is already translated for the person."""

    status = 409

    def __init__(self, message, field="_"):
        super().__init__(message)
        self.message = message
        self.field = field
        self.errors = {field: message}  # the shape forms and the API show refusals in


class NotAllowed(DomainError):
    status = 403


class InvalidInput(DomainError, ValueError):
    """Bad input, field by field: {"field": "French message"} (422), from a service's rule
    or from the input layer (app/inputs.py) before any rule looked at it. A ValueError too,
    so that a parser's caller refuses it like any value Python cannot read."""

    status = 422

    def __init__(self, errors):
        errors = {field: str(message) for field, message in errors.items()}
        first = next(iter(errors))
        super().__init__(errors[first], first)
        self.errors = errors


def wants_json_response():
    """API paths and clients that prefer JSON get JSON errors; browsers get pages."""
    if request.path.startswith(("/api/", "/healthz", "/open311/", "/ogcapi/")):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes[
        "text/html"
    ]


def register_error_format(app, prefix, render):
    """Clients of a standard served under `prefix` (Open311, OGC API) expect its own error
    shape: `render(status, message)` answers every error there, routing errors included."""
    app.extensions.setdefault("error_formats", {})[prefix] = render


def _standard_format():
    """The error renderer of the standard served at this path (Open311, OGC API), if any."""
    for prefix, render in current_app.extensions.get("error_formats", {}).items():
        if request.path.startswith(prefix):
            return render
    return None


def error_response(status, message, field="_"):
    if render := _standard_format():
        return render(status, message)
    if wants_json_response():
        return jsonify({"errors": {field: message}}), status
    return render_template("errors/error.html", status=status, message=message), status


def _messages():
    return {
        400: _("La demande n'a pas pu être comprise."),
        401: _("Vous devez vous identifier pour accéder à cette page."),
        403: _("Vous n'avez pas le droit d'accéder à cette page."),
        404: _("Cette page n'existe pas ou n'est plus disponible."),
        405: _("Cette action n'est pas possible ici."),
        413: _("L'envoi est trop volumineux."),
        429: _("Trop de tentatives en peu de temps. Patientez une minute puis réessayez."),
        500: _("Une erreur inattendue s'est produite. Elle a été enregistrée ; "
               "réessayez plus tard."),
        503: _("Le service est momentanément indisponible. Réessayez dans quelques minutes."),
    }


def _read_only_message():
    return _("Arpenteur est en lecture seule pour le moment (maintenance) : rien n'a été "
             "enregistré. Vous pouvez consulter le site ; réessayez d'envoyer dans quelques "
             "minutes.")


def _busy_message():
    return _("La base de données est occupée : rien n'a été enregistré. Réessayez dans un "
             "instant.")


def register_errors(app):
    @app.errorhandler(HTTPException)
    def http_error(exc):
        return error_response(exc.code, _messages().get(exc.code, exc.description))

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        app.logger.warning("CSRF refused: %s", exc.description)
        return error_response(
            400,
            _("Le formulaire a expiré ou n'a pas été envoyé depuis Arpenteur. "
              "Rechargez la page et recommencez : rien n'a été enregistré."),
        )

    @app.errorhandler(OperationalError)
    @app.errorhandler(InternalError)
    def database_cannot_serve(exc):
        """A database that cannot write, is busy or does not answer: 503, nothing saved."""
        with contextlib.suppress(SQLAlchemyError):
            db.session.rollback()  # the page may need the database (the signed-in user)
        if cannot_write(exc):
            app.logger.warning("database read-only: %s", exc)
            return error_response(503, _read_only_message())
        if is_busy(exc):
            app.logger.warning("database busy: %s", exc)
            response, status = error_response(503, _busy_message())
            return response, status, {"Retry-After": "5"}
        if isinstance(exc, InternalError):
            raise exc
        app.logger.error("database unavailable: %s", exc)
        return error_response(503, _messages()[503])

    @app.errorhandler(StaleDataError)
    def changed_meanwhile(exc):
        """A row changed by someone else between this request's read and its write (a
        version check): 409, nothing saved. The forms that expect it say more themselves."""
        db.session.rollback()
        return error_response(409, _("Quelqu'un d'autre vient de modifier ces données : rien "
                                     "n'a été enregistré. Rechargez la page pour voir leur "
                                     "état actuel et recommencez."))

    @app.errorhandler(DomainError)
    def domain_error(exc):
        if render := _standard_format():  # one description naming every field at fault
            return render(exc.status, " ; ".join(
                message if field == "_" else f"{field} : {message}"
                for field, message in exc.errors.items()))
        if wants_json_response():  # every field at fault, not only the first
            return jsonify({"errors": exc.errors}), exc.status
        return error_response(exc.status, exc.message, exc.field)
