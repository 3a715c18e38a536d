"""Hostile values thrown at every endpoint and every HTML form, as every role: never a 5xx.

Endpoints are read from `app.url_map` and forms from the pages each role is shown, so a new
endpoint or form is covered without touching this test. For each endpoint Hypothesis draws
where hostile values go (path, query string, form fields, JSON body at any depth) and which:
NUL bytes, lone surrogates, text longer than any column, integers past any column, a
number of 400 digits, JSON nested 100,000 levels, values of the wrong JSON type, malformed
e-mails (CRLF included), impossible dates. Forms start from what the page would send, so
one altered field reaches the code behind the others.

The Hypothesis profile (tests/conftest.py) is derandomized and bounded: CI is
deterministic and the suite stays fast; HYPOTHESIS_PROFILE=thorough draws many more.
"""

import io
import json
import re
from datetime import datetime
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from app.auth import services as accounts
from app.auth.services import find_organisation
from app.extensions import db, limiter
from app.items.models import Item
from app.moderation import services as moderation
from app.proposals import services as proposals
from app.triage import services as triage
from tests import images
from tests.conftest import INSIDE, PASSWORD, make_item, make_user
from tests.workflow import landlord_zone, planned_walk

ROLES = [None, "resident", "moderator", "coordinator", "agent", "committee", "admin"]
JSON_METHODS = {"POST", "PATCH", "PUT", "DELETE"}

# --- hostile values ---------------------------------------------------------------------

HUGE_INTEGERS = [2**31, -(2**31) - 1, 2**63, 10**20, int("1" + "0" * 400)]
BAD_EMAILS = ["not-an-email", "voisin@example.org\r\nBcc: tous@example.org",
              "x" * 300 + "@example.org", "a@b", "@example.org"]
BAD_DATES = ["2026-13-45", "0000-00-00", "9999-12-31T99:99", "31/12/2026", "-1"]
DEEP_JSON = "[" * 100_000 + "]" * 100_000


def long_text(length):
    return "x" * length


form_text = st.one_of(
    st.sampled_from(["a\x00b", "\x00", "\r\n", "\u202e", "\ufeff", "<script>x</script>"]),
    st.sampled_from(["", " ", "0", "-1", "1e400", "nan", "inf", "²", "٣", "true",
                     "99999999999999999999", str(HUGE_INTEGERS[-1])]),
    st.sampled_from(BAD_EMAILS + BAD_DATES),
    st.sampled_from([31, 65, 121, 201, 255, 301, 1001, 2001, 4001, 20_001]).map(long_text),
    st.text(max_size=20),
)
json_value = st.one_of(
    form_text,
    st.sampled_from(["\ud800", "a\udfffb"]),  # lone surrogates: JSON can carry them
    st.sampled_from([*HUGE_INTEGERS, -1, 0, 1.5, -0.0, 1e308]),
    st.sampled_from([None, True, False]),
    st.sampled_from([[], {}, ["routed"], {"a": None}, [[[[]]]], [1, 2], {"type": "Point"}]),
)
raw_body = st.sampled_from([DEEP_JSON, "{" * 50_000, "[]", "null", '"x"', "1e400",
                            "[" + "1" * 5000 + "]", "{\"a\": NaN}", "not json", ""])
path_text = st.one_of(st.sampled_from(["a\x00b", "%00", "..", long_text(300), "0", "-1",
                                       "99999999999999999999", str(HUGE_INTEGERS[-1])]),
                      st.text(max_size=20))
path_int = st.sampled_from([0, 1, 2**31 - 1, 2**31, 10**20])

# --- the world every role finds ---------------------------------------------------------


def build_world(role):
    """Real objects for every kind of id in the URL map, made through the services, and
    the accounts that made them and the one of `role` (every account costs a hash)."""
    users = {name: make_user(name, "hbh" if name == "agent" else None)
             for name in {"resident", "moderator", "coordinator", role} - {None}}
    public = make_item(email="auteur@example.org", photos=[("photo.png", images.png())])
    pending = make_item()
    routed = make_item(category="parties-communes")
    triage.route_item(users["coordinator"], routed, find_organisation("hbh"), "Hall")
    proposal, _token, _created = proposals.submit_proposal(
        users["resident"], {"title": "Des bancs", "description": "Pour les anciens",
                            "lon": INSIDE[0], "lat": INSIDE[1]}, "cadre-de-vie")
    for item in (public, routed, proposal):
        moderation.moderate_item(users["moderator"], item, "publish")
    comment = proposals.comment_proposal(users["resident"], proposal, "D'accord")
    moderation.moderate_comment(users["moderator"], comment, "publish")
    meeting = proposals.create_meeting(users["coordinator"], datetime(2026, 12, 3, 18),
                                       "Centre social")
    entry = proposals.add_to_agenda(users["coordinator"], meeting, proposal)
    db.session.commit()
    walk = planned_walk(users["coordinator"])
    finding = make_item(kind="dem", category="eclairage", walk=walk.id)
    zone = landlord_zone()
    ids = {
        "item_id": [public.id, pending.id, routed.id, proposal.id, finding.id],
        "target_id": [public.id, comment.id], "photo_id": [public.photos[0].id],
        "comment_id": [comment.id], "meeting_id": [meeting.id], "entry_id": [entry.id],
        "walk_id": [walk.id], "stop_id": [walk.stops[0].id], "zone_id": [zone.id],
        "user_id": [users["resident"].id],
    }
    texts = {"token": [public.tracking_token], "code": [walk.join_code],
             "to": ["ongoing", "closed", "cancelled"], "kind": ["signalements", "commentaires"],
             "size": ["grande", "vignette"], "filename": ["leaflet.js"]}
    return users, ids, texts


def json_samples(ids):
    """A valid body for each JSON endpoint, read fresh (versions change as requests land);
    an endpoint missing here still gets hostile bodies, only from an empty one."""
    item = db.session.get(Item, ids["item_id"][2], populate_existing=True)
    return {
        "api_v1.create_item": {
            "type": "Feature", "geometry": {"type": "Point", "coordinates": list(INSIDE)},
            "properties": {"kind": "dem", "category": "eclairage", "description": "Noir",
                           "email": "moi@example.org", "walk": ids["walk_id"][0],
                           "stop": ids["stop_id"][0], "place": None, "spot": "hall",
                           "severity": 2, "danger": True, "on_behalf": True}},
        "api_v1.transition_item": {"to": "acknowledged", "note": "Vu", "internal_note": "ok",
                                   "organisation": "hbh", "expected_date": "2030-01-01",
                                   "duplicate_of": ids["item_id"][0],
                                   "version": item.version},
        "api_v1.moderate": {"action": "hide", "reason": "Données personnelles"},
        "api_v1.follow": {"email": "voisin@example.org"},
        "api_v1.update_finding": {"stop": ids["stop_id"][0], "strong_point": True,
                                  "recommendation": "Changer la lampe"},
    }


# --- forms, as each role's pages show them -------------------------------------------------


class FormReader(HTMLParser):
    """The forms of a page, each with what a browser would send without any change."""

    def __init__(self):
        super().__init__()
        self.forms, self._form, self._select, self._textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {"action": attrs.get("action") or "",
                          "method": (attrs.get("method") or "get").upper(),
                          "fields": {}, "files": []}
            self.forms.append(self._form)
            return
        name = attrs.get("name")
        if self._form is None or not name and tag != "option":
            return
        fields = self._form["fields"]
        kind = (attrs.get("type") or "text").lower()
        if tag == "input" and kind == "file":
            self._form["files"].append(name)
        elif tag == "input" and kind in ("radio", "checkbox"):
            if "checked" in attrs or (kind == "radio" and name not in fields):
                fields[name] = attrs.get("value") or "on"
        elif tag == "input" and kind not in ("submit", "button", "reset", "image"):
            fields[name] = attrs.get("value") or ""
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select:
            if "selected" in attrs or self._select not in fields:
                fields[self._select] = attrs.get("value") or ""
        elif tag == "textarea":
            self._textarea = name
            fields[name] = ""

    def handle_data(self, data):
        if self._textarea:
            self._form["fields"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def harvest_forms(app, client, pages):
    """{(endpoint, method): [(path, fields, files)]} of the forms found on `pages`."""
    adapter = app.url_map.bind("localhost")
    found = {}
    for page in pages:
        with client.get(page) as response:
            if response.mimetype != "text/html":
                continue
            reader = FormReader()
            reader.feed(response.get_data(as_text=True))
        for form in reader.forms:
            parts = urlsplit(form["action"] or page)
            try:
                endpoint, _args = adapter.match(parts.path, method=form["method"])
            except (NotFound, MethodNotAllowed, RequestRedirect):
                continue
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            found.setdefault((endpoint, form["method"]), []).append(
                (path, form["fields"], form["files"]))
    return found


# --- requests -------------------------------------------------------------------------------


RULE_PART = re.compile(r"<(?:(?P<converter>\w+)(?:\((?P<args>[^)]*)\))?:)?(?P<name>\w+)>")


def build_path(data, rule, ids, texts):
    """The rule's URL with real ids (mostly) or hostile path values."""
    values = {}
    for part in RULE_PART.finditer(rule.rule):
        name, converter = part["name"], part["converter"]
        hostile = data.draw(st.booleans())
        if converter == "any":
            values[name] = data.draw(st.sampled_from(
                [choice.strip().strip("'\"") for choice in part["args"].split(",")]))
        elif converter == "int":
            values[name] = data.draw(path_int) if hostile or name not in ids else data.draw(
                st.sampled_from(ids[name]))
        else:
            values[name] = data.draw(path_text) if hostile or name not in texts else \
                data.draw(st.sampled_from(texts[name]))
    return rule.build(values, append_unknown=False)[1]


def mutate_form(data, fields):
    """The form's fields, each kept, replaced or left out, and maybe an extra one."""
    mutated = {}
    for name, value in fields.items():
        choice = data.draw(st.integers(0, 9))
        if choice < 4:
            mutated[name] = value
        elif choice < 9:
            mutated[name] = data.draw(form_text)
    if data.draw(st.booleans()):
        mutated[data.draw(st.sampled_from(["note", "reason", "email", "item", "x"]))] = \
            data.draw(form_text)
    return mutated


def mutate_json(data, body):
    """The sample body with each value kept or replaced, at any depth (or the whole body)."""
    if data.draw(st.integers(0, 9)) == 0:
        return data.draw(json_value)
    if isinstance(body, dict):
        mutated = {key: mutate_json(data, value) for key, value in body.items()
                   if data.draw(st.integers(0, 9))}
        if data.draw(st.booleans()):
            mutated[data.draw(st.sampled_from(["email", "to", "note", "x"]))] = \
                data.draw(json_value)
        return mutated
    if isinstance(body, list):
        return [mutate_json(data, value) for value in body]
    return body if data.draw(st.integers(0, 9)) < 4 else data.draw(json_value)


def photo_file(data):
    content = data.draw(st.sampled_from([images.png(), images.jpeg(), b"\x00" * 10, b""]))
    return FileStorage(io.BytesIO(content), filename=data.draw(
        st.sampled_from(["p.png", "a\x00b.jpg", long_text(300), ""])))


def send(data, client, rule, method, path, role_headers, forms, samples):
    """One hostile request to `rule` by `method`; returns the response."""
    query = {name: data.draw(form_text) for name in data.draw(st.lists(st.sampled_from(
        ["kind", "category", "status", "bbox", "lon", "lat", "page", "suivi", "next", "walk",
         "stop", "overdue", "suggested", "organisation", "from", "to"]), max_size=3))}
    if method in ("GET", "HEAD"):
        known = forms.get((rule.endpoint, "GET"))
        if known and data.draw(st.booleans()):
            query.update(mutate_form(data, data.draw(st.sampled_from(known))[1]))
        return client.open(path, method=method, query_string=query, headers=role_headers)
    if rule.rule.startswith("/api/"):
        shape = data.draw(st.sampled_from(["json", "json", "json", "raw", "multipart"]))
        body = mutate_json(data, samples.get(rule.endpoint, {}))
        if shape == "raw":
            return client.open(path, method=method, data=data.draw(raw_body),
                               content_type="application/json", headers=role_headers)
        if shape == "multipart":
            part = json.dumps(body) if data.draw(st.booleans()) else data.draw(raw_body)
            return client.open(path, method=method, headers=role_headers, data={
                "item": part, "photo": [photo_file(data) for _ in range(data.draw(
                    st.integers(0, 4)))]}, content_type="multipart/form-data")
        return client.open(path, method=method, json=body, headers=role_headers)
    known = forms.get((rule.endpoint, method))
    if known:
        form_path, fields, files = data.draw(st.sampled_from(known))
        path = form_path if data.draw(st.booleans()) else path
    else:
        fields, files = {}, ["photo"]
    body = mutate_form(data, fields)
    for name in files:
        if data.draw(st.booleans()):
            body[name] = photo_file(data)
    return client.open(path, method=method, data=body, query_string=query,
                       content_type="multipart/form-data")


@pytest.fixture
def anything_goes(app):
    """CSRF and rate limits off: the values, not the tokens or counters, are under test."""
    app.config["WTF_CSRF_ENABLED"] = False
    limiter.enabled = False
    yield
    app.config["WTF_CSRF_ENABLED"] = True
    limiter.enabled = True


class Probe:
    """One endpoint and method, as one role: called by Hypothesis with its data."""

    def __init__(self, client, rule, method, role, headers, forms, ids, texts):
        self.client, self.rule, self.method, self.role = client, rule, method, role
        self.headers, self.forms, self.ids, self.texts = headers, forms, ids, texts
        self.turned_away = False

    def __call__(self, data):
        path = build_path(data, self.rule, self.ids, self.texts)
        with send(data, self.client, self.rule, self.method, path, self.headers, self.forms,
                  json_samples(self.ids)) as response:
            status = response.status_code
            self.turned_away = status in (401, 403) or (
                status in (301, 302, 303) and "/connexion" in response.location)
            assert status < 500, (
                f"{self.method} {path} ({self.rule.endpoint}) as {self.role or 'anonymous'}: "
                f"{status} {response.get_data(as_text=True)[:300]}")


def run(probe, **changes):
    """Run `probe(data)` under Hypothesis with the profile's settings, and `changes`."""
    def hostile_request(data):
        probe(data)

    settings(suppress_health_check=list(HealthCheck), **changes)(
        given(st.data())(hostile_request))()


def sign_in(client, user):
    """Sign in through the page (the CSRF token is off, see anything_goes)."""
    with client.post("/connexion", data={"email": user.email, "password": PASSWORD}) as done:
        assert done.status_code == 302


def signed_in(client):
    with client.session_transaction() as session:
        return "_user_id" in session


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role or "anonymous")
def test_no_hostile_value_gets_a_server_error(app, client, anything_goes, role):
    users, ids, texts = build_world(role)
    user = users.get(role)
    headers = {}
    if user is not None:
        sign_in(client, user)
        headers = {"Authorization": f"Bearer {accounts.issue_token(user)}"}
        db.session.commit()
    rules = sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint))
    pages = {build_path_plain(rule, ids, texts) for rule in rules
             if "GET" in rule.methods and rule.endpoint != "static"}
    forms = harvest_forms(app, client, sorted(p for p in pages if p))

    for rule in rules:
        for method in sorted(rule.methods - {"OPTIONS", "HEAD"}):
            probe = Probe(client, rule, method, role, headers, forms, ids, texts)
            # One example first: where the role is turned away, more would test nothing new.
            run(probe, max_examples=1)
            if not probe.turned_away:
                run(probe)
            if user is not None and not signed_in(client):  # it signed itself out
                sign_in(client, user)


def build_path_plain(rule, ids, texts):
    """The rule's URL with the first real value of each part, or None if one is unknown."""
    values = {}
    for name in rule.arguments:
        known = ids.get(name) or texts.get(name)
        if not known:
            return None
        values[name] = known[0]
    return rule.build(values, append_unknown=False)[1]
