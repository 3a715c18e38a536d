"""Domain errors raised by services, and how each caller's language answers them."""

from flask import jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException


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


class InvalidInput(DomainError):
    """Bad input, field by field: {"field": "French message"} (422)."""

    status = 422

    def __init__(self, errors):
        super().__init__(next(iter(errors.values())), next(iter(errors)))
        self.errors = errors


def wants_json_response():
    """API paths and clients that prefer JSON get JSON errors; browsers get pages."""
    if request.path.startswith(("/api/", "/healthz", "/open311/")):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes[
        "text/html"
    ]


def error_response(status, message, field="_"):
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
    def database_down(exc):
        app.logger.error("database unavailable: %s", exc)
        return error_response(503, _messages()[503])

    @app.errorhandler(DomainError)
    def domain_error(exc):
        if wants_json_response():  # every field at fault, not only the first
            return jsonify({"errors": exc.errors}), exc.status
        return error_response(exc.status, exc.message, exc.field)
