"""Exports for spreadsheets and GIS, read back as their users would: the CSV with a `;`
dialect and its byte-order mark, the GeoJSON, the GeoPackage with geopandas. No personal
data, public view for the public, the follow-up's filters and refusals, and streaming."""

import csv
import gzip
import io
import secrets
from datetime import date, datetime

import brotli
import geopandas
import pandas
import pyogrio
import pytest
from sqlalchemy import event, update
from werkzeug.test import EnvironBuilder

from app.clock import paris_wall_clock
from app.committee.filters import read_filters
from app.evaluation.exports import export_blocks
from app.extensions import db
from app.items.models import Item
from app.triage import services as triage
from tests.conftest import INSIDE, make_item, make_user, page_text
from tests.integration.test_meetings import _decide, _generated, make_meeting
from tests.integration.test_walks import offset
from tests.workflow import coordinator, routed_item

DETAILS = {"residence": "Résidence du Parc", "building": "B", "entrance": "3", "floor": "2"}


def _csv(response):
    body = response.get_data()
    assert body.startswith("\ufeff".encode())  # UTF-8 with a byte-order mark
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def staff_headers(auth):
    return auth.token("committee")


def test_the_csv_opens_in_a_french_spreadsheet_without_personal_data(client, auth):
    public = routed_item("ville-antony", category="tags", publish=True,
                         description="=HYPERLINK(\"http://x\") tag sur le mur",
                         email="habitante@example.org", **DETAILS)
    hidden = routed_item("hbh", category="proprete", description="M. Dupont, bât. B")
    response = client.get("/api/v1/exports/items.csv?status=all",
                          headers=staff_headers(auth))
    assert response.status_code == 200
    assert "Content-Length" not in response.headers  # streamed as it is written
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = {row["Référence"]: row for row in _csv(response)}
    assert set(rows) == {public.reference, hidden.reference}
    row = rows[public.reference]
    assert row["Description"].startswith("'=HYPERLINK")  # a formula never runs
    assert row["Organisme"] == "Ville d'Antony" and row["En retard"] == "non"
    # in Paris time, whatever the hour (after midnight in Paris, UTC is still on the eve)
    assert row["Reçu le"] == f"{paris_wall_clock(public.created_at):%d/%m/%Y %H:%M}"
    assert "," in row["Longitude"] and "." not in row["Longitude"]  # French decimals
    assert row["Bâtiment"] == "B" and row["Entrée"] == "3"  # staff: every detail
    text = response.get_data(as_text=True)
    assert "habitante@example.org" not in text and "Dupont" not in text
    assert rows[hidden.reference]["Description"] == ""  # not moderated: not exported


def test_the_public_gets_public_items_in_their_public_view(client):
    ordinary = routed_item("ville-antony", category="tags", publish=True)
    sensitive = routed_item("ville-antony", category="tranquillite", publish=True,
                            where=offset(INSIDE, 12, 40), **DETAILS)
    routed_item("hbh", category="proprete")  # pending moderation: never exported
    answer = client.get("/api/v1/exports/items.geojson?status=all")
    assert answer.status_code == 200 and answer.mimetype == "application/geo+json"
    collection = answer.get_json()
    features = {f["properties"]["reference"]: f for f in collection["features"]}
    assert set(features) == {ordinary.reference, sensitive.reference}
    shown = features[sensitive.reference]
    assert shown["geometry"]["coordinates"] != [round(sensitive.lon, 6),
                                                round(sensitive.lat, 6)]
    assert shown["geometry"]["coordinates"] == [round(sensitive.public_lon, 6),
                                                round(sensitive.public_lat, 6)]
    assert shown["properties"]["generalised"] is True
    assert shown["properties"]["building"] is None and shown["properties"]["floor"] is None
    assert "organisation" not in shown["properties"]  # routing fields are staff material
    exact = features[ordinary.reference]["geometry"]["coordinates"]
    assert exact == [round(ordinary.lon, 6), round(ordinary.lat, 6)]
    rows = _csv(client.get("/api/v1/exports/items.csv?status=all"))
    assert "Organisme" not in rows[0] and len(rows) == 2


def test_the_geopackage_reads_back_in_geopandas(client, auth, tmp_path):
    late = routed_item("vsgp", category="dechets")
    other = routed_item("ville-antony", category="tags", where=offset(INSIDE, 30, 90))
    triage.resolve_item(make_user("agent", "ville-antony"), other, "Effacé")
    db.session.commit()
    headers = staff_headers(auth)
    response = client.get("/api/v1/exports/items.gpkg?status=all", headers=headers)
    assert response.status_code == 200
    assert response.mimetype == "application/geopackage+sqlite3"
    path = tmp_path / "export.gpkg"
    path.write_bytes(response.get_data())
    frame = geopandas.read_file(path, layer="items")
    assert frame.crs.to_epsg() == 4326 and len(frame) == 2
    by_reference = frame.set_index("reference")
    assert by_reference.loc[late.reference, "organisation"] == "Vallée Sud – Grand Paris"
    assert by_reference.loc[other.reference, "status"] == "resolved"
    assert by_reference.loc[other.reference, "resolve_days"] == 0
    point = by_reference.loc[late.reference, "geometry"]
    assert abs(point.x - late.lon) < 1e-6 and abs(point.y - late.lat) < 1e-6
    empty = client.get("/api/v1/exports/items.gpkg?category=transports", headers=headers)
    path.write_bytes(empty.get_data())
    assert len(geopandas.read_file(path, layer="items")) == 0


def test_the_geojson_writes_dates_and_moments_as_python_writes_them(client, auth):
    """The database writes them (export_sql.IsoMoment): a moment on a whole second
    without microseconds, any other with all six digits; a date as a day; the reference
    from the year of creation."""
    whole, fine = routed_item("hbh"), routed_item("vsgp", category="dechets")
    moments = {whole.id: {"created_at": datetime(2025, 3, 1, 9, 0),
                          "routed_at": datetime(2025, 3, 1, 9, 0, 5),
                          "acknowledge_due": date(2025, 3, 4)},
               fine.id: {"created_at": datetime(2026, 12, 31, 23, 59, 59, 120000),
                         "routed_at": datetime(2027, 1, 1, 0, 0, 0, 7),
                         "acknowledge_due": date(2027, 1, 5)}}
    for item_id, values in moments.items():
        db.session.execute(update(Item).where(Item.id == item_id).values(**values))
    db.session.commit()
    answer = client.get("/api/v1/exports/items.geojson?status=all", headers=staff_headers(auth))
    written = {feature["id"]: feature["properties"] for feature in answer.get_json()["features"]}
    for item_id, values in moments.items():
        assert {key: written[item_id][key] for key in values} == {
            key: value.isoformat() for key, value in values.items()}
        assert written[item_id]["reference"] == db.session.get(Item, item_id).reference


def test_a_code_the_app_no_longer_knows_exports_with_an_empty_label(client, auth, tmp_path):
    """A category removed from the code while items still carry it: every format exports
    the item, its code as it is and no label, never a failed download."""
    item = routed_item("hbh", category="proprete")
    db.session.execute(update(Item).where(Item.id == item.id).values(category="disparue"))
    db.session.commit()
    headers = staff_headers(auth)
    [row] = _csv(client.get("/api/v1/exports/items.csv?status=all", headers=headers))
    assert (row["Code catégorie"], row["Catégorie"]) == ("disparue", "")
    [feature] = client.get("/api/v1/exports/items.geojson?status=all",
                           headers=headers).get_json()["features"]
    assert feature["properties"]["category"] == "disparue"
    assert feature["properties"]["category_label"] is None
    path = tmp_path / "export.gpkg"
    path.write_bytes(client.get("/api/v1/exports/items.gpkg?status=all",
                                headers=headers).get_data())
    frame = geopandas.read_file(path, layer="items")
    assert frame.loc[0, "category"] == "disparue" and frame.loc[0, "category_label"] is None


@pytest.mark.parametrize("extension", ["csv", "geojson", "gpkg"])
@pytest.mark.parametrize(("accepted", "encoding", "decompress"), [
    ("gzip", "gzip", gzip.decompress), ("gzip, deflate, br", "br", brotli.decompress)])
def test_an_export_arrives_compressed_when_the_client_accepts_it(client, auth, tmp_path,
                                                                 extension, accepted,
                                                                 encoding, decompress):
    """A committee member's download of every item is tens of MB as text: the app
    compresses it as it streams, and it unpacks to the very file sent uncompressed."""
    for n in range(30):
        routed_item("hbh", where=offset(INSIDE, 3 * n, 45))
    path = f"/api/v1/exports/items.{extension}?status=all"
    headers = staff_headers(auth)
    plain = client.get(path, headers={**headers, "Accept-Encoding": "identity"})
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    if extension == "gpkg":  # written whole before it is sent: its size is known
        assert int(plain.headers["Content-Length"]) == len(plain.get_data())
    packed = client.get(path, headers={**headers, "Accept-Encoding": accepted})
    assert packed.headers["Content-Encoding"] == encoding
    unpacked = decompress(packed.get_data())
    if extension == "gpkg":  # GDAL writes each file anew: the same rows, read back
        (tmp_path / "packed.gpkg").write_bytes(unpacked)
        (tmp_path / "plain.gpkg").write_bytes(plain.get_data())
        read = [geopandas.read_file(tmp_path / name, layer="items").sort_values("id")
                .reset_index(drop=True) for name in ("packed.gpkg", "plain.gpkg")]
        assert len(read[0]) == 30 and read[0].equals(read[1])
    else:
        assert unpacked == plain.get_data()
    assert len(packed.get_data()) < len(plain.get_data()) / 3


def test_a_compressed_export_starts_arriving_before_it_is_all_written(app, client, auth):
    """Brotli keeps what it is given until its window is full: with its default 4 MB
    window, an export of 1.5 MB arrived in one piece at the very end. With the app's window
    it arrives as it is written, and unpacks to the file sent uncompressed."""
    db.session.execute(db.insert(Item), [
        {"kind": "gusp", "category": "proprete",
         "description": f"Sacs déposés au pied de l'entrée {n}, encore. " * 20,
         "lon": INSIDE[0], "lat": INSIDE[1], "public_lon": INSIDE[0], "public_lat": INSIDE[1],
         "position": "inside", "status": "new", "visibility": "public", "version": 1,
         "tracking_digest": secrets.token_hex(32)} for n in range(1500)])
    db.session.commit()
    path, headers = "/api/v1/exports/items.csv?status=all", staff_headers(auth)
    plain = client.get(path, headers={**headers, "Accept-Encoding": "identity"}).get_data()
    # The pieces as the server hands them to the network, one by one.
    environ = EnvironBuilder(path=path, headers={**headers, "Accept-Encoding": "br"})
    sent = app(environ.get_environ(), lambda status, _headers: None)
    try:
        pieces = [piece for piece in sent if piece]
    finally:
        sent.close()
    assert len(plain) > 1_500_000 and len(pieces) > 1
    assert brotli.decompress(b"".join(pieces)) == plain


def test_the_geopackage_keeps_each_fields_type_and_its_empty_values(client, auth, tmp_path):
    """Numbers, yes/no and moments stay typed (empty where the item has none), dates stay
    ISO text, moments are UTC: what QGIS filters and sorts on."""
    waiting = routed_item("hbh", category="proprete")
    done = routed_item("vsgp", category="tags", where=offset(INSIDE, 20, 40))
    triage.resolve_item(make_user("agent", "vsgp"), done, "Nettoyé")
    unrouted = make_item(category="eclairage", where=offset(INSIDE, -30, 10))
    db.session.commit()
    response = client.get("/api/v1/exports/items.gpkg?status=all", headers=staff_headers(auth))
    path = tmp_path / "export.gpkg"
    path.write_bytes(response.get_data())
    info = pyogrio.read_info(path, layer="items")
    types = dict(zip(info["fields"], info["dtypes"], strict=True))
    assert info["geometry_type"] == "Point" and info["crs"] == "EPSG:4326"
    assert {key: types[key] for key in ("id", "answer_days", "danger", "overdue",
                                        "created_at", "routed_at", "acknowledge_due")} == {
        "id": "int64", "answer_days": "int64", "danger": "bool", "overdue": "bool",
        "created_at": "datetime64[ms]", "routed_at": "datetime64[ms]",
        "acknowledge_due": "object"}
    frame = geopandas.read_file(path, layer="items").set_index("reference")
    assert frame.loc[done.reference, "resolve_days"] == done.resolve_days
    assert pandas.isna(frame.loc[waiting.reference, "resolve_days"])
    assert frame.loc[waiting.reference, "acknowledge_due"] == \
        waiting.acknowledge_due.isoformat()
    assert pandas.isna(frame.loc[unrouted.reference, "acknowledge_due"])
    assert pandas.isna(frame.loc[unrouted.reference, "routed_at"])
    point = frame.loc[unrouted.reference, "geometry"]
    assert (point.x, point.y) == (round(unrouted.lon, 6), round(unrouted.lat, 6))
    routed = frame.loc[waiting.reference, "routed_at"]
    assert routed.tz_convert("UTC").replace(tzinfo=None).to_pydatetime() == \
        waiting.routed_at.replace(microsecond=waiting.routed_at.microsecond // 1000 * 1000)


def test_exports_take_the_follow_ups_filters_and_refusals(client, auth):
    hbh = routed_item("hbh", category="proprete")
    city = routed_item("ville-antony", category="tags")
    headers = staff_headers(auth)
    rows = _csv(client.get("/api/v1/exports/items.csv?organisation=hbh", headers=headers))
    assert [row["Référence"] for row in rows] == [hbh.reference]
    refused = client.get("/api/v1/exports/items.csv?category=graffiti", headers=headers)
    assert refused.status_code == 422
    assert refused.get_json()["errors"]["category"] == "Catégorie inconnue : graffiti."
    agent = auth.token("agent", "ville-antony")
    mine = _csv(client.get("/api/v1/exports/items.csv", headers=agent))
    assert [row["Référence"] for row in mine] == [city.reference]
    assert client.get("/api/v1/exports/items.geojson?organisation=hbh",
                      headers=agent).status_code == 403
    assert client.get("/api/v1/exports/items.xlsx").status_code == 404


def test_the_follow_up_page_exports_with_its_filters(client, auth):
    routed_item("hbh", category="proprete")
    tags = routed_item("ville-antony", category="tags")
    auth.login("committee")
    page = page_text(client.get("/comite/suivi?category=tags"))
    assert "/evaluation/signalements.csv?category=tags" in page
    rows = _csv(client.get("/evaluation/signalements.csv?category=tags"))
    assert [row["Référence"] for row in rows] == [tags.reference]
    refused = client.get("/evaluation/signalements.gpkg?from=2020-01-01&to=2020-02-01")
    assert refused.status_code == 422 and refused.mimetype == "text/html"
    assert "1er janvier 2024" in page_text(refused)
    auth.login("resident")
    assert client.get("/evaluation/signalements.csv").status_code == 403


def test_exports_read_the_items_in_one_query_a_chunk_at_a_time(app):
    """One query (no re-reading from the start for each chunk), whose rows the driver
    hands over `chunk` at a time (a server-side cursor on PostgreSQL): never every item in
    memory at once."""
    for _n in range(5):
        routed_item("hbh", category="proprete")
    viewer = make_user("committee")
    reads = []

    def listener(_connection, _cursor, statement, _parameters, context, _many):
        if "FROM item" in statement:
            reads.append(context.execution_options.get("yield_per"))

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        with app.test_request_context():
            blocks = export_blocks(read_filters({"status": "all"}, viewer), viewer, chunk=2)
            assert reads == []  # nothing read before the first row is asked for
            first = next(blocks)
            rest = list(blocks)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    ids = [item_id for block in [first, *rest] for item_id in block["id"]]
    assert [len(block["id"]) for block in [first, *rest]] == [2, 2, 1]
    assert ids == sorted(ids) and len(ids) == 5 and reads == [2]


def test_the_minutes_decisions_as_a_french_csv(app, client, auth):
    disputed = routed_item("hbh")
    agent = make_user("agent", "hbh", email="a-hbh@x.org")
    triage.return_item(agent, disputed, "Pas nous")
    triage.route_item(coordinator(), disputed, disputed.organisation, "Si")
    triage.return_item(agent, disputed, "Toujours pas")
    db.session.commit()
    meeting = make_meeting()
    points = _generated(app, meeting)
    auth.login(user=coordinator())
    _decide(client, meeting, points[disputed.id], organisation="ville-antony",
            due_on="2030-01-15", note="=1+1 la Ville agit")
    rows = _csv(client.get(f"/comite/reunions/{meeting.id}/decisions.csv"))
    assert len(rows) == 1
    row = rows[0]
    assert row["Qui agit"] == "Ville d'Antony" and row["D'ici le"] == "15/01/2030"
    assert row["Décision"] == "'=1+1 la Ville agit"
    assert row["État changé depuis la préparation"] == "non"
