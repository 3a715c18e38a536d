"""Walk findings: an item filed through items.submit_item with a walk part around it (the
walk, its stop, strong or weak point, the préconisation), and later changes to that part.

Every capture door (the capture form, the JSON API, a walk's quick form) asks
`capture_service` which service files what it received, so a finding is never filed as a
plain item."""

from dataclasses import dataclass

from flask_babel import gettext as _

from app.extensions import db
from app.items.public_view import prepare_public_view
from app.items.services import Part, submit_item

from .models import SENSITIVE_WALKS, Walk, WalkFinding, WalkStatus, WalkStop
from .services import InvalidWalk, nearest_stop, stop_of

MAX_RECOMMENDATION = 2000


def capture_service(data):
    """The service that files this capture: a walk finding when it names a walk."""
    return submit_finding if data.get("walk") is not None else submit_item


def submit_finding(actor, data, uploads=(), idempotency_key=None):
    """File a walk finding: submit_item (same arguments and answer) with the walk part, whose
    problems are reported with the item's, so the participant fixes them in one go."""
    errors = {}
    pending = finding_from_submission(data, errors)
    return submit_item(actor, data, uploads, idempotency_key,
                       Part(errors, lambda item: attach_finding(item, pending)))


@dataclass(frozen=True)
class PendingFinding:
    """The walk part of a capture, checked before the item exists."""

    walk: Walk
    stop: WalkStop | None
    strong_point: bool
    recommendation: str
    late: bool


def finding_from_submission(data, errors):
    """The walk part of a capture (`walk`, `stop`, `strong_point`, `recommendation`), checked
    and ready to attach; None when the walk cannot take it. Fills `errors`."""
    walk = db.session.get(Walk, data["walk"]) if isinstance(data["walk"], int) else None
    if walk is None:
        errors["walk"] = _("Cette marche n'existe pas : vérifiez le lien de la marche.")
        return None
    if walk.status == WalkStatus.CANCELLED:
        errors["walk"] = _("Cette marche a été annulée : le constat ne peut pas y être "
                           "rattaché. Envoyez-le sans marche.")
        return None
    if data.get("kind") != "dem":
        errors["kind"] = _("Un constat de marche est de type « constat de marche ».")
    stop = None
    if data.get("stop") is not None:
        stop = stop_of(walk, data["stop"])
        if stop is None:
            errors["stop"] = _("Cet arrêt ne fait pas partie de la marche.")
    recommendation = (data.get("recommendation") or "").strip()
    if len(recommendation) > MAX_RECOMMENDATION:
        errors["recommendation"] = _("La préconisation dépasse %(n)d caractères.",
                                     n=MAX_RECOMMENDATION)
    return PendingFinding(walk, stop, bool(data.get("strong_point")), recommendation,
                          late=walk.status == WalkStatus.CLOSED)


def attach_finding(item, pending):
    """Hang the checked walk part off the new `item`; without a chosen stop, the nearest.
    The public is shown a finding at its stop when near it, and every finding of a night
    or women's walk is generalised whatever its category."""
    with db.session.no_autoflush:  # the item is inserted once, with its public view
        stop = pending.stop or nearest_stop(pending.walk, item.lon, item.lat)[0]
        prepare_public_view(item, anchor=(stop.lon, stop.lat),
                            sensitive=pending.walk.type in SENSITIVE_WALKS)
    item.strong_point = pending.strong_point
    finding = WalkFinding(item=item, walk=pending.walk, stop=stop,
                          strong_point=pending.strong_point,
                          recommendation=pending.recommendation, late=pending.late)
    db.session.add(finding)
    return finding


def update_finding(actor, finding, data):
    """Change a finding's stop, strong/weak point or préconisation (only the given keys)."""
    errors = {}
    if "stop" in data:
        stop = stop_of(finding.walk, data["stop"])
        if stop is None:
            errors["stop"] = _("Cet arrêt ne fait pas partie de la marche.")
        else:
            finding.stop = stop
            prepare_public_view(finding.item, anchor=(stop.lon, stop.lat))
    if "strong_point" in data:
        if not isinstance(data["strong_point"], bool):
            errors["strong_point"] = _("Ce champ vaut true ou false.")
        else:
            finding.strong_point = finding.item.strong_point = data["strong_point"]
    if "recommendation" in data:
        text = data["recommendation"]
        if not isinstance(text, str) or len(text) > MAX_RECOMMENDATION:
            errors["recommendation"] = _("La préconisation dépasse %(n)d caractères.",
                                         n=MAX_RECOMMENDATION)
        else:
            finding.recommendation = text.strip()
    if errors:
        raise InvalidWalk(errors)
    db.session.flush()
    return finding


