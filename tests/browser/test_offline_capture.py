"""Capture with no signal, on a phone: what is written offline is kept, shown, and sent
exactly once as soon as the server answers — by anonymous and signed-in residents, staff
entering an item for a resident, and walk participants — through a link that hangs, a
refusal, two tabs and a full phone.

No test here waits on the browser's `online` event or on a fixed delay: each waits, with a
generous deadline, for what a person or the database would see (the counter, the tracking
link, the item through the API). Offline is Playwright's `context.set_offline`; a hanging
link is a real TCP proxy that accepts connections and never answers."""

import re
import socket
import threading
from urllib.parse import urlsplit

import pytest
from PIL import Image
from playwright.sync_api import expect

from app.auth.services import find_user
from app.demo.services import DEMO_DOMAIN, demo_password
from app.items.models import Item
from tests.browser.conftest import (
    api,
    assert_accessible,
    items_described,
    live_database,
    plan_live_walk,
    sign_in,
)
from tests.conftest import OUTSIDE

pytestmark = pytest.mark.browser

SUBMIT = "Envoyer le signalement"
SENT = 90_000  # ms: the queue is retried at 3 s, then doubling up to 30 s
RESIDENT = (f"habitante@{DEMO_DOMAIN}", demo_password("habitante"))


def open_capture(page, path="/signaler"):
    page.goto(path)
    page.wait_for_selector("[data-map][data-ready=true]")
    page.wait_for_selector("html[data-offline-ready=true]")


def photo_file(tmp_path, name, colour=(120, 60, 30)):
    path = tmp_path / name
    Image.new("RGB", (96, 64), colour).save(path, "JPEG")
    return str(path)


def fill_item(page, category, description, photos=()):
    page.get_by_label(category, exact=True).check()
    page.get_by_role("button", name="Placer le point au centre de la carte").click()
    if photos:
        page.get_by_label("Photos (trois au plus)").set_input_files(list(photos))
    page.get_by_label("Description").fill(description)


def write_offline(page, category, description, photos=()):
    """Cut the network, then write and send an item: it can only wait on the phone."""
    page.context.set_offline(True)
    fill_item(page, category, description, photos)
    page.get_by_role("button", name=SUBMIT).click()


def tracking_links(page):
    return page.locator("[data-outbox-list] a", has_text="Suivre le signalement n°")


def waiting(page):
    return page.locator("[data-queue-count]")


class Link:
    """A real TCP link between the phone and the server. `hang()`: it accepts connections and
    reads requests but never answers nor forwards them (one bar of signal); a connection
    that saw a request while hanging stays dead. `release()` lets new requests through."""

    def __init__(self, server_url):
        target = urlsplit(server_url)
        self.target = (target.hostname, target.port)
        self.hanging = False
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.open = []
        threading.Thread(target=self._accept, daemon=True).start()

    def hang(self):
        self.hanging = True

    def release(self):
        self.hanging = False

    def close(self):
        self.listener.close()
        for sock in self.open:
            sock.close()

    def _accept(self):
        while True:
            try:
                client, _address = self.listener.accept()
            except OSError:
                return
            self.open.append(client)
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client):
        upstream, dead = None, self.hanging
        if not dead:
            upstream = socket.create_connection(self.target)
            self.open.append(upstream)
            threading.Thread(target=self._answer, args=(upstream, client), daemon=True).start()
        try:
            while data := client.recv(65536):
                dead = dead or self.hanging
                if not dead:
                    upstream.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (client, upstream):
                if sock is not None:
                    sock.close()

    @staticmethod
    def _answer(upstream, client):
        try:
            while data := upstream.recv(65536):
                client.sendall(data)
        except OSError:
            pass


@pytest.fixture
def link(live_server):
    opened = Link(live_server)
    yield opened
    opened.close()


def test_an_item_written_offline_is_kept_then_sent_exactly_once(phone, live_server, staff_token):
    page = phone()
    open_capture(page)
    page.context.set_offline(True)
    page.reload()  # the page still opens: the service worker has kept it
    page.wait_for_selector("[data-map][data-ready=true]")
    fill_item(page, "Nuisibles", "Rats près du local, hors ligne")
    page.get_by_role("button", name=SUBMIT).click()
    expect(waiting(page)).to_have_text("1 signalement en attente d'envoi")
    expect(page.locator("[data-result]")).to_contain_text("Pas de réseau")
    assert page.get_by_label("Description").input_value() == ""  # ready for the next one
    assert_accessible(page)
    assert items_described(live_server, staff_token, "hors ligne") == []

    page.context.set_offline(False)
    expect(tracking_links(page)).to_have_count(1, timeout=SENT)
    expect(waiting(page)).to_be_hidden()
    expect(page.locator("[data-outbox-news]")).to_have_text(
        "1 signalement gardé sur ce téléphone vient d'être envoyé.")
    page.reload()  # nothing left to resend; the tracking link stays on the phone
    expect(tracking_links(page)).to_have_count(1)
    expect(waiting(page)).to_be_hidden()
    assert len(items_described(live_server, staff_token, "hors ligne")) == 1
    # ... where "Mon compte" will offer to attach it to an account
    link = tracking_links(page).get_attribute("href")
    assert link in page.evaluate("localStorage.getItem('arpenteur-sent')")


def test_a_send_cut_after_the_server_saved_it_is_retried_without_a_second_item(
        phone, live_server, staff_token):
    page = phone()
    open_capture(page)

    def saved_then_cut(route):
        route.fetch()  # the server creates the item, the phone never hears back
        route.abort("internetdisconnected")

    page.route("**/api/v1/items", saved_then_cut, times=1)
    fill_item(page, "Dépôts sauvages, épaves", "Matelas abandonné, envoi coupé")
    page.get_by_role("button", name=SUBMIT).click()
    expect(page.locator("[data-result]")).to_contain_text("Pas de réseau")
    assert len(items_described(live_server, staff_token, "envoi coupé")) == 1

    expect(tracking_links(page)).to_have_count(1, timeout=SENT)
    expect(waiting(page)).to_be_hidden()
    assert len(items_described(live_server, staff_token, "envoi coupé")) == 1


def test_an_unavailable_server_gets_the_item_again_later_under_the_same_key(
        phone, live_server, live_env, staff_token):
    page = phone()
    open_capture(page)
    keys = []

    def restarting(route):  # the reverse proxy answers for the app while it restarts
        keys.append(route.request.headers["idempotency-key"])
        route.fulfill(status=503, body="Service Unavailable")

    page.route("**/api/v1/items", restarting, times=1)
    fill_item(page, "Propreté", "Poubelle renversée, serveur indisponible")
    page.get_by_role("button", name=SUBMIT).click()
    expect(page.locator("[data-result]")).to_contain_text(
        "Le serveur ne répond pas correctement : votre signalement est gardé sur ce téléphone")

    # sent again by the page or the service worker, whichever the browser runs first
    expect(tracking_links(page)).to_have_count(1, timeout=SENT)
    [item] = items_described(live_server, staff_token, "serveur indisponible")
    with live_database(live_env) as session:
        assert session.get(Item, item["id"]).idempotency_key == keys[0]


def test_a_refused_item_stays_on_the_phone_until_it_is_corrected(phone, live_server,
                                                                 staff_token, tmp_path):
    page = phone(permissions=["geolocation"],
                 geolocation={"longitude": OUTSIDE[0], "latitude": OUTSIDE[1], "accuracy": 30})
    open_capture(page)
    page.context.set_offline(True)
    page.get_by_label("Accessibilité", exact=True).check()
    page.get_by_role("button", name="Utiliser ma position").click()  # outside the perimeter
    expect(page.locator("[data-location-status]")).to_contain_text("environ 30 m")
    page.get_by_label("Photos (trois au plus)").set_input_files(photo_file(tmp_path, "bordure.jpg"))
    page.get_by_label("Description").fill("Bordure trop haute, refusée plus tard")
    page.get_by_role("button", name=SUBMIT).click()
    expect(waiting(page)).to_have_text("1 signalement en attente d'envoi, dont 1 photo")
    expect(page.locator("[data-result]")).to_contain_text("Pas de réseau")  # tried, kept

    page.context.set_offline(False)  # the server refuses it: the point is too far away
    refused = page.locator("[data-outbox-refused]")
    expect(refused).to_contain_text("Un signalement gardé sur ce téléphone a été refusé",
                                    timeout=SENT)
    expect(refused).to_contain_text("hors du quartier du Noyer Doré")
    expect(refused).to_contain_text("Bordure trop haute")
    expect(waiting(page)).to_be_hidden()
    page.reload()  # never dropped: still there for correction
    expect(refused).to_contain_text("hors du quartier du Noyer Doré")
    assert_accessible(page)

    page.get_by_role("button", name="Le reprendre dans le formulaire").click()
    expect(page.get_by_role("alert")).to_contain_text("hors du quartier du Noyer Doré")
    assert page.get_by_label("Description").input_value() == "Bordure trop haute, refusée plus tard"
    assert page.get_by_label("Accessibilité", exact=True).is_checked()
    expect(page.get_by_role("img", name="Aperçu de la photo bordure.jpg")).to_be_visible()
    expect(refused).to_be_empty()

    page.get_by_role("button", name="Placer le point au centre de la carte").click()
    page.get_by_label("Description").fill("Bordure trop haute, corrigée")
    page.get_by_role("button", name=SUBMIT).click()
    expect(page.locator("[data-result]")).to_contain_text("Merci ! Votre signalement n°")
    page.reload()  # the corrected item replaced the refused one on the phone
    expect(refused).to_be_empty()
    expect(tracking_links(page)).to_have_count(1)
    [item] = items_described(live_server, staff_token, "Bordure trop haute")
    assert item["properties"]["description"] == "Bordure trop haute, corrigée"
    detail = api(live_server, f"/api/v1/items/{item['id']}", staff_token)
    assert len(detail["properties"]["photos"]) == 1


def test_a_signed_in_resident_offline_files_the_item_under_their_account(
        phone, live_server, staff_token, tmp_path):
    page = phone()
    sign_in(page, *RESIDENT)
    open_capture(page)
    write_offline(page, "Tags, graffitis", "Tag dans le hall, saisi connectée hors ligne",
                  [photo_file(tmp_path, "hall.jpg")])
    expect(waiting(page)).to_have_text("1 signalement en attente d'envoi, dont 1 photo")
    expect(page.locator("[data-result]")).to_contain_text("Pas de réseau")
    assert_accessible(page)

    page.context.set_offline(False)
    expect(tracking_links(page)).to_have_count(1, timeout=SENT)
    [item] = items_described(live_server, staff_token, "saisi connectée hors ligne")
    detail = api(live_server, f"/api/v1/items/{item['id']}", staff_token)
    assert len(detail["properties"]["photos"]) == 1
    page.goto("/mon-compte")  # it is hers: listed among her contributions
    expect(page.get_by_role("link", name=re.compile("saisi connectée hors ligne"))).to_be_visible()


def test_staff_entering_an_item_for_a_resident_offline_is_recorded_as_such(
        phone, live_server, live_env, staff_token):
    page = phone()
    sign_in(page, f"coordination@{DEMO_DOMAIN}", demo_password("coordination"))
    open_capture(page)
    page.get_by_label("Saisie pour le compte d'un·e habitant·e").check()
    write_offline(page, "Parties communes", "Ascenseur en panne, saisi pour une habitante")
    expect(waiting(page)).to_have_text("1 signalement en attente d'envoi")
    expect(page.locator("[data-result]")).to_contain_text("Pas de réseau")

    page.context.set_offline(False)
    expect(tracking_links(page)).to_have_count(1, timeout=SENT)
    [item] = items_described(live_server, staff_token, "saisi pour une habitante")
    with live_database(live_env) as session:
        kept = session.get(Item, item["id"])
        staff = find_user(f"coordination@{DEMO_DOMAIN}")
        assert kept.author_id is None and kept.entered_by_id == staff.id


def test_an_item_kept_for_an_account_waits_for_that_account_to_be_signed_in_again(
        phone, live_server, staff_token):
    page = phone()
    sign_in(page, *RESIDENT)
    open_capture(page)
    write_offline(page, "Parties communes", "Porte du hall cassée, session expirée")
    expect(waiting(page)).to_have_text("1 signalement en attente d'envoi")
    expect(page.locator("[data-result]")).to_contain_text("Pas de réseau")
    page.context.clear_cookies()  # the session ends (expired, or signed out elsewhere)
    page.context.set_offline(False)
    expect(page.locator("[data-outbox-reason]")).to_have_text(
        "Saisi avec un compte : reconnectez-vous avec ce compte pour l'envoyer.", timeout=SENT)
    assert items_described(live_server, staff_token, "session expirée") == []

    sign_in(page, *RESIDENT)
    page.goto("/signaler")
    expect(tracking_links(page)).to_have_count(1, timeout=SENT)
    page.goto("/mon-compte")
    expect(page.get_by_role("link", name=re.compile("session expirée"))).to_be_visible()


def test_a_walk_participant_logs_two_findings_offline_closes_the_tab_and_both_arrive_once(
        phone, live_server, live_env, staff_token, tmp_path):
    walk = plan_live_walk(live_env, "Marche hors connexion")
    page = phone()
    page.goto(walk["join"])  # joined by the short link (or its QR code)
    page.wait_for_selector("html[data-offline-ready=true]")
    context = page.context
    context.set_offline(True)

    # The first finding through a stop's full capture page, kept for offline use.
    page.get_by_role("link", name=f"A. {walk['stops'][0][1]}").click()
    page.wait_for_selector("[data-map][data-ready=true]")
    expect(page.get_by_role("group", name="Pendant la marche")).to_be_visible()
    fill_item(page, "Éclairage", "Lampadaire éteint, premier constat hors connexion",
              [photo_file(tmp_path, "lampadaire.jpg")])
    page.get_by_role("button", name=SUBMIT).click()
    expect(waiting(page)).to_have_text("1 constat en attente d'envoi, dont 1 photo")

    # The second through the join page's quick form, at the second stop.
    page.goto(walk["join"])
    quick = page.locator("form[data-outbox-form]")
    quick.get_by_label("Arrêt").select_option(str(walk["stops"][1][0]))
    quick.get_by_label("Catégorie").select_option("proprete")
    quick.get_by_label("Ce que vous constatez").fill(
        "Sacs au pied de l'arrêt, second constat hors connexion")
    quick.get_by_label("Photos (trois au plus)").set_input_files(
        photo_file(tmp_path, "sacs.jpg", (30, 90, 30)))
    quick.get_by_role("button", name="Envoyer le constat").click()
    expect(waiting(page)).to_have_text("2 constats en attente d'envoi, dont 2 photos")
    expect(page.locator("[data-outbox-list] li")).to_have_count(2)
    assert_accessible(page)
    assert items_described(live_server, staff_token, "constat hors connexion") == []

    page.close()
    context.set_offline(False)
    again = phone(context=context)
    again.goto(walk["join"])
    expect(tracking_links(again)).to_have_count(2, timeout=SENT)
    expect(waiting(again)).to_be_hidden()

    sent = items_described(live_server, staff_token, "constat hors connexion")
    assert len(sent) == 2
    findings = {f["properties"]["id"]: f["properties"] for f in api(
        live_server, f"/api/v1/walks/{walk['id']}", staff_token)["features"]
        if f["properties"]["role"] == "finding"}
    assert {findings[item["id"]]["stop"] for item in sent} == {s[0] for s in walk["stops"]}
    for item in sent:
        assert len(api(live_server, f"/api/v1/items/{item['id']}",
                       staff_token)["properties"]["photos"]) == 1
    again.goto(f"/marches/{walk['id']}")  # the walk page gathers them with their links
    expect(tracking_links(again)).to_have_count(2)
    assert_accessible(again)


def test_a_hanging_server_never_freezes_the_form(phone, link, live_server, staff_token):
    page = phone(base_url=link.url)
    open_capture(page)
    link.hang()
    fill_item(page, "Mobilier urbain", "Banc cassé, réseau qui pend")
    page.get_by_role("button", name=SUBMIT).click()
    expect(page.locator("[data-result]")).to_contain_text("gardé sur ce téléphone", timeout=30_000)
    expect(page.get_by_role("button", name=SUBMIT)).to_be_enabled()
    assert page.get_by_label("Description").input_value() == ""
    page.get_by_label("Description").fill("La page répond pendant que le réseau pend")
    expect(waiting(page)).to_have_text("1 signalement en attente d'envoi")
    assert items_described(live_server, staff_token, "réseau qui pend") == []

    link.release()
    expect(tracking_links(page)).to_have_count(1, timeout=SENT)
    assert len(items_described(live_server, staff_token, "réseau qui pend")) == 1


def test_two_tabs_sending_the_same_queue_make_each_item_once(phone, live_server, staff_token):
    first = phone()
    open_capture(first)
    context = first.context
    context.set_offline(True)
    for number in (1, 2):
        fill_item(first, "Espaces verts, aires de jeux", f"Jeu cassé n° {number}, deux onglets")
        first.get_by_role("button", name=SUBMIT).click()
        expect(waiting(first)).to_have_text(f"{number} signalement" + ("s" if number > 1 else "")
                                            + " en attente d'envoi")
    second = phone(context=context)
    second.goto("/signaler")
    expect(waiting(second)).to_have_text("2 signalements en attente d'envoi")

    context.set_offline(False)  # both tabs now try to send the same two items
    for tab in (first, second):
        expect(tracking_links(tab)).to_have_count(2, timeout=SENT)
    sent = items_described(live_server, staff_token, "deux onglets")
    assert sorted(item["properties"]["description"] for item in sent) == [
        "Jeu cassé n° 1, deux onglets", "Jeu cassé n° 2, deux onglets"]


def test_a_full_phone_says_so_before_writing_and_loses_nothing(
        phone, live_server, staff_token, tmp_path):
    page = phone()
    # A phone almost out of space. Chromium shows pages its disk's figures whatever the
    # quota, so the estimate is the only thing replaced; the full storage below is real.
    page.add_init_script("navigator.storage.estimate = () => Promise.resolve("
                         "{quota: 64 * 1024 * 1024, usage: 60 * 1024 * 1024});")
    open_capture(page)
    expect(page.locator("[data-outbox-storage]")).to_contain_text("presque plus de place")
    assert_accessible(page)

    devtools = page.context.new_cdp_session(page)
    used = devtools.send("Storage.getUsageAndQuota", {"origin": live_server})["usage"]
    devtools.send("Storage.overrideQuotaForOrigin", {"origin": live_server, "quotaSize": used})
    write_offline(page, "Propreté", "Papiers partout, téléphone plein",
                  [photo_file(tmp_path, "papiers.jpg")])
    expect(page.get_by_role("alert")).to_contain_text(
        "n'a plus de place pour garder ce signalement")
    assert page.get_by_label("Description").input_value() == "Papiers partout, téléphone plein"
    expect(page.get_by_role("img", name="Aperçu de la photo papiers.jpg")).to_be_visible()

    page.context.set_offline(False)  # with network, it goes straight to the server
    page.get_by_role("button", name=SUBMIT).click()
    expect(page.locator("[data-result]")).to_contain_text("Merci ! Votre signalement n°")
    assert len(items_described(live_server, staff_token, "téléphone plein")) == 1


def test_a_photo_the_phone_can_no_longer_read_is_named_and_the_rest_is_kept(
        phone, tmp_path):
    page = phone()
    open_capture(page)
    kept, lost = photo_file(tmp_path, "garde.jpg"), photo_file(tmp_path, "perdue.jpg")
    fill_item(page, "Voirie, trottoirs, signalisation", "Nid-de-poule, une photo perdue",
              [kept, lost])
    expect(page.get_by_role("img", name="Aperçu de la photo perdue.jpg")).to_be_visible()
    with open(lost, "ab") as changed:  # edited or deleted since it was chosen
        changed.write(b"\0")
    page.get_by_role("button", name=SUBMIT).click()
    expect(page.get_by_role("alert")).to_contain_text(
        "La photo perdue.jpg ne peut plus être lue sur ce téléphone")
    assert page.get_by_label("Description").input_value() == "Nid-de-poule, une photo perdue"
    expect(page.get_by_role("img", name="Aperçu de la photo garde.jpg")).to_be_visible()
    expect(page.get_by_role("img", name="Aperçu de la photo perdue.jpg")).to_have_count(0)
