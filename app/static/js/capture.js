// The capture page (Signaler): kinds and categories, the point (map, position or list),
// similar items nearby ("moi aussi"), photo previews, and the walk's route during a walk.
// Sending goes through the phone's outbox (sending.js, outbox.js): the item is kept on the
// phone first, under its own Idempotency-Key, so no signal, a link that hangs or a closed
// page never loses it and never creates it twice. User text only reaches the DOM through
// textContent.
(function () {
  "use strict";

  var form = document.querySelector("[data-capture]");
  var Offline = window.ArpenteurOffline;
  if (!form || !Offline) { return; }

  var t = Offline.messages(form);
  var params = new URLSearchParams(location.search);
  var lonInput = form.querySelector("[data-lon]");
  var latInput = form.querySelector("[data-lat]");
  var locationStatus = form.querySelector("[data-location-status]");
  var mapElement = form.querySelector("[data-map]");
  var nearby = form.querySelector("[data-nearby]");
  var nearbyList = form.querySelector("[data-nearby-list]");
  var photoInput = form.elements.photo;
  var previews = form.querySelector("[data-photo-previews]");
  var description = form.elements.description;
  var counter = form.querySelector("[data-counter]");
  var result = document.querySelector("[data-result]");
  var summary = document.querySelector("[data-error-summary]");
  var walkFields = form.querySelector("[data-walk-fields]");
  var submit = form.querySelector("[data-submit]");
  var map = null;
  var pin = null;
  var photos = [];
  var pointMessage = "";
  var nearbyTimer = null;
  var LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  var make = Offline.make;
  var button = Offline.button;

  function checked(name) {
    var input = form.querySelector('input[name="' + name + '"]:checked');
    return input ? input.value : "";
  }

  function getJSON(url, milliseconds) {
    return Offline.request(url, { headers: { Accept: "application/geo+json" } }, milliseconds)
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      });
  }

  function showErrors(errors) { Offline.showErrors(summary, errors); }

  /* Kind, category tiles, sub-categories, the walk ----------------------------------- */

  function syncChoices() {
    var kind = checked("kind");
    form.querySelectorAll(".tile").forEach(function (tile) {
      var fits = tile.dataset.kinds.split(" ").indexOf(kind) >= 0;
      var input = tile.querySelector("input");
      tile.hidden = !fits;
      if (!fits) { input.checked = false; }
    });
    var category = checked("category");
    form.querySelectorAll("[data-for-category]").forEach(function (group) {
      group.hidden = group.dataset.forCategory !== category;
      if (group.hidden) {
        group.querySelectorAll("input").forEach(function (input) { input.checked = false; });
      }
    });
    form.querySelectorAll("[data-kind-only]").forEach(function (node) {
      node.hidden = node.dataset.kindOnly !== kind;
    });
    walkFields.hidden = !form.elements.walk.value;
  }

  // /signaler?walk=<id>&stop=<id>: the server fills the walk in; a copy of /signaler kept
  // for offline use may be shown for such an address, so the address is read here too.
  function applyWalk() {
    var walk = params.get("walk");
    if (!/^\d+$/.test(walk || "") || form.elements.walk.value) { return; }
    form.elements.walk.value = walk;
    if (/^\d+$/.test(params.get("stop") || "")) { form.elements.stop.value = params.get("stop"); }
    var dem = form.querySelector('input[name="kind"][value="dem"]');
    if (dem) { dem.checked = true; }
  }

  /* The point: map, position, list --------------------------------------------------- */

  function setPoint(lon, lat, message) {
    lonInput.value = lon.toFixed(6);
    latInput.value = lat.toFixed(6);
    if (map) {
      if (pin) {
        pin.setLatLng([lat, lon]);
      } else {
        pin = L.marker([lat, lon], {
          draggable: true, title: t("PinTitle"), alt: t("PinTitle"),
          icon: L.divIcon({ className: "capture-pin", iconSize: [28, 28] })
        }).addTo(map);
        pin.on("dragend", function () {
          var at = pin.getLatLng();
          setPoint(at.lng, at.lat, t("Pin"));
        });
      }
    }
    pointMessage = message;
    locationStatus.textContent = message;
    lookNearby();
  }

  // The walk's route and lettered stops under the pin, so a participant sees where they are.
  function drawWalk(collection) {
    collection.features.forEach(function (feature) {
      var c = feature.geometry.coordinates;
      var p = feature.properties;
      if (p.role === "route") {
        L.polyline(c.map(function (v) { return [v[1], v[0]]; }),
                   { color: "#6a1b9a", weight: 4, interactive: false }).addTo(map);
      } else if (p.role === "stop") {
        var letter = make("span", p.position <= LETTERS.length ? LETTERS.charAt(p.position - 1) : String(p.position));
        L.marker([c[1], c[0]], {
          icon: L.divIcon({ className: "marker-stop", html: letter.outerHTML, iconSize: [24, 24] }),
          title: p.name, keyboard: false, interactive: false
        }).addTo(map);
      }
    });
  }

  function drawMap() {
    if (!window.L) { return; }  // Leaflet not loaded (offline, not kept): the list remains
    mapElement.hidden = false;
    form.querySelector("[data-pin-centre]").hidden = false;
    map = L.map(mapElement, { zoomControl: false, scrollWheelZoom: false });
    L.control.zoom({
      zoomInTitle: mapElement.dataset.zoomIn, zoomOutTitle: mapElement.dataset.zoomOut
    }).addTo(map);
    map.setView([48.7372, 2.2885], 16);
    if (mapElement.dataset.tiles) {
      L.tileLayer(mapElement.dataset.tiles, {
        maxZoom: 19, attribution: mapElement.dataset.attribution
      }).addTo(map);
    }
    map.on("click", function (event) { setPoint(event.latlng.lng, event.latlng.lat, t("Pin")); });
    getJSON(mapElement.dataset.src, 10000).then(function (collection) {
      var layer = L.geoJSON(collection, {
        interactive: false, style: { color: "#005a70", weight: 3, fillOpacity: 0.08 }
      }).addTo(map);
      if (layer.getBounds().isValid()) { map.fitBounds(layer.getBounds(), { padding: [12, 12] }); }
      mapElement.dataset.ready = "true";
    }).catch(function () { mapElement.dataset.ready = "error"; });
    if (mapElement.dataset.walk) {
      getJSON(mapElement.dataset.walk, 10000).then(drawWalk).catch(function () { return null; });
    }
    if (lonInput.value && latInput.value) {
      setPoint(parseFloat(lonInput.value), parseFloat(latInput.value), "");
    }
  }

  function useMyPosition() {
    locationStatus.textContent = t("GeoSearching");
    navigator.geolocation.getCurrentPosition(function (position) {
      var coords = position.coords;
      setPoint(coords.longitude, coords.latitude,
               t("GeoFound", { m: Math.max(1, Math.round(coords.accuracy)) }));
      if (map) { map.setView([coords.latitude, coords.longitude], 18); }
    }, function (error) {
      locationStatus.textContent = t(error.code === error.PERMISSION_DENIED
        ? "GeoDenied" : "GeoUnavailable");
    }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
  }

  function choosePlace() {
    var option = form.elements.place.selectedOptions[0];
    if (!option || !option.dataset.lon) { return; }
    var lon = parseFloat(option.dataset.lon);
    var lat = parseFloat(option.dataset.lat);
    setPoint(lon, lat, t("Place", { name: option.textContent }));
    if (map) { map.setView([lat, lon], 18); }
  }

  /* Similar items nearby: "moi aussi" instead of a duplicate -------------------------- */

  function lookNearby() {
    clearTimeout(nearbyTimer);
    nearbyTimer = setTimeout(function () {
      var category = checked("category");
      if (!category || !lonInput.value) { nearby.hidden = true; return; }
      var query = new URLSearchParams({ lon: lonInput.value, lat: latInput.value, category: category });
      getJSON(form.dataset.nearby + "?" + query, 8000).then(function (collection) {
        nearbyList.replaceChildren.apply(nearbyList, collection.features.map(nearbyEntry));
        nearby.hidden = collection.features.length === 0;
        if (!nearby.hidden) { locationStatus.textContent = (pointMessage + " " + t("Nearby")).trim(); }
      }).catch(function () { nearby.hidden = true; });
    }, 300);
  }

  function nearbyEntry(feature) {
    var item = feature.properties;
    var entry = make("li");
    var link = make("a", "n° " + item.reference + " · " + item.category_label + " · "
                    + t("Distance", { d: item.distance_m }));
    link.href = item.url;
    link.id = "nearby-" + item.id;
    entry.appendChild(link);
    if (item.description) { entry.appendChild(make("p", item.description.slice(0, 160))); }
    entry.appendChild(make("p", item.status_label));
    var meToo = button(t("MeToo"), "button button-secondary", function () {
      meToo.disabled = true;
      var email = form.elements.email.value.trim();
      Offline.request(form.dataset.api + "/" + item.id + "/followers", {
        method: "POST", body: JSON.stringify(email ? { email: email } : {}),
        headers: { "Content-Type": "application/json", Accept: "application/json" }
      }, 10000).then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      }).then(function (body) {
        var done = make("p", t("Followed", { n: body.followers }));
        done.setAttribute("role", "status");
        entry.replaceChild(done, meToo);
      }).catch(function () { meToo.disabled = false; });
    });
    meToo.setAttribute("aria-describedby", link.id);
    entry.appendChild(meToo);
    return entry;
  }

  /* Photos: up to three, previewed and removable, kept across refusals ---------------- */

  function renderPhotos() {
    try {  // mirror the list into the input, for the form without JavaScript's path
      var transfer = new DataTransfer();
      photos.forEach(function (photo) { transfer.items.add(photo); });
      photoInput.files = transfer.files;
    } catch (unsupported) { /* the outbox sends `photos` itself */ }
    previews.replaceChildren.apply(previews, photos.map(function (photo, index) {
      var entry = make("li");
      var image = make("img");
      image.src = URL.createObjectURL(photo);
      image.alt = t("PhotoAlt", { name: photo.name || index + 1 });
      image.addEventListener("load", function () { URL.revokeObjectURL(image.src); });
      entry.appendChild(image);
      entry.appendChild(button(t("RemovePhoto", { name: photo.name || index + 1 }), "link-button",
        function () {
          photos.splice(index, 1);
          renderPhotos();
          photoInput.focus();
        }));
      return entry;
    }));
  }

  function addPhotos() {
    var added = Array.from(photoInput.files).filter(function (file) { return photos.indexOf(file) < 0; });
    photos = photos.concat(added);
    if (photos.length > 3) {
      photos = photos.slice(0, 3);
      showErrors({ photo: Offline.say("TooMany") });
    }
    renderPhotos();
  }

  function countCharacters() {
    var left = 4000 - description.value.length;
    counter.textContent = left >= 0 ? t("Counter", { n: left }) : t("TooLong", { n: -left });
  }

  /* Sending, and taking back an item the server refused ------------------------------- */

  function missing() {
    var errors = {};
    if (!checked("category")) { errors.category = t("Category"); }
    if (!lonInput.value && !form.elements.place.value) { errors.location = t("Location"); }
    return Object.keys(errors).length ? errors : null;
  }

  function clearForm() {
    form.reset();
    lonInput.value = "";
    latInput.value = "";
    if (pin) { pin.remove(); pin = null; }
    nearby.hidden = true;
    locationStatus.textContent = "";
    photos = [];
    renderPhotos();
    applyWalk();
    syncChoices();
    countCharacters();
  }

  function submitted(event) {
    event.preventDefault();
    if (submit.disabled) { return; }
    var errors = missing();
    if (errors) { showErrors(errors); return; }
    Offline.send(form, photos, result, summary).then(function (done) {
      if (done.clear) {
        clearForm();
      } else if (done.outcome.state === "unreadable") {  // keep the others, ask for it again
        photos = photos.filter(function (photo) { return photo.name !== done.outcome.name; });
        renderPhotos();
      }
    });
  }

  // A refused item comes back into the form with the server's reasons (it stays on the
  // phone until its corrected version is); a photo the phone can no longer read is left
  // out, and the person is told to choose it again.
  function resume(entry) {
    clearForm();
    form.querySelectorAll("[data-lon], [data-lat], [data-walk], [data-stop]").forEach(function (input) {
      input.value = "";
    });
    entry.fields.forEach(function (pair) {
      form.querySelectorAll('[name="' + pair[0] + '"]').forEach(function (input) {
        if (input.type === "radio" || input.type === "checkbox") {
          input.checked = input.checked || input.value === pair[1];
        } else if (input.type !== "file") {
          input.value = pair[1];
        }
      });
    });
    syncChoices();
    var point = entry.feature.geometry;
    if (point) { setPoint(point.coordinates[0], point.coordinates[1], ""); }
    countCharacters();
    var errors = Object.assign({}, entry.errors || {});
    if (entry.problem === "too-large") { errors.photo = Offline.say("TooLarge"); }
    Promise.all(entry.photos.map(function (photo) {
      var blob = photo.blob || photo;
      return blob.arrayBuffer().then(function (bytes) {
        return new File([bytes], photo.name || "photo.jpg", { type: photo.type || blob.type });
      }, function () {
        errors.photo = Offline.say("UnreadablePhoto", { name: photo.name || "" });
        return null;
      });
    })).then(function (files) {
      photos = files.filter(Boolean);
      renderPhotos();
      if (Object.keys(errors).length) { showErrors(errors); }
    });
  }

  form.querySelectorAll('input[name="kind"], input[name="category"]').forEach(function (input) {
    input.addEventListener("change", function () { syncChoices(); lookNearby(); });
  });
  form.querySelector("[data-js-only]").hidden = false;
  var locate = form.querySelector("[data-locate]");
  if ("geolocation" in navigator) {
    locate.addEventListener("click", useMyPosition);
  } else {
    locate.hidden = true;
  }
  form.querySelector("[data-pin-centre]").hidden = true;
  form.querySelector("[data-pin-centre]").addEventListener("click", function () {
    var centre = map.getCenter();
    setPoint(centre.lng, centre.lat, t("Pin"));
  });
  form.elements.place.addEventListener("change", choosePlace);
  photoInput.addEventListener("change", addPhotos);
  counter.id = "description-count";
  description.setAttribute("aria-describedby",
    ((description.getAttribute("aria-describedby") || "") + " description-count").trim());
  description.addEventListener("input", countCharacters);
  form.addEventListener("submit", submitted);
  Offline.resumeWith(resume, params.get("reprendre"));

  applyWalk();
  syncChoices();
  countCharacters();
  drawMap();
})();
