// The capture page (Signaler): kinds and categories, the point (map, position or list),
// similar items nearby ("moi aussi"), photo previews and, for anonymous residents, sending
// through the JSON API from an IndexedDB queue. A queued item keeps its Idempotency-Key for
// every retry, so no signal, a closed page or a send cut in the middle never loses it and
// never creates it twice. Signed-in people submit the normal form (the API ignores sessions).
// User text only ever reaches the DOM through textContent.
(function () {
  "use strict";

  var form = document.querySelector("[data-capture]");
  if (!form) { return; }

  var api = form.dataset.api;
  var anonymous = form.dataset.anonymous === "true";
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
  var queueCount = document.querySelector("[data-queue-count]");
  var result = document.querySelector("[data-result]");
  var summary = document.querySelector("[data-error-summary]");
  var submit = form.querySelector("[data-submit]");
  var map = null;
  var pin = null;
  var photos = [];
  var pointMessage = "";
  var nearbyTimer = null;
  var inFlight = {};
  var flushing = null;

  // A message from the template's data-msg-* attributes, with {name} placeholders filled.
  function t(name, values) {
    var text = form.dataset["msg" + name] || "";
    Object.keys(values || {}).forEach(function (key) {
      text = text.split("{" + key + "}").join(String(values[key]));
    });
    return text;
  }

  function make(tag, text, className) {
    var node = document.createElement(tag);
    if (text) { node.textContent = text; }
    if (className) { node.className = className; }
    return node;
  }

  function button(text, className, onClick) {
    var node = make("button", text, className);
    node.type = "button";
    node.addEventListener("click", onClick);
    return node;
  }

  function checked(name) {
    var input = form.querySelector('input[name="' + name + '"]:checked');
    return input ? input.value : "";
  }

  /* Kind, category tiles, sub-categories ------------------------------------------- */

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
  }

  // /signaler?walk=<id>&stop=<id>: a finding during a walk.
  function applyWalk() {
    var walk = params.get("walk");
    if (!/^\d+$/.test(walk || "")) { return; }
    form.querySelector("[data-walk-fields]").hidden = false;
    form.querySelector("[data-walk]").value = walk;
    if (/^\d+$/.test(params.get("stop") || "")) {
      form.querySelector("[data-stop]").value = params.get("stop");
    }
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

  function drawMap() {
    if (!window.L) { return; }  // Leaflet not loaded (offline, not cached): the list remains
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
    fetch(mapElement.dataset.src, { headers: { Accept: "application/geo+json" } })
      .then(function (response) { return response.json(); })
      .then(function (collection) {
        var layer = L.geoJSON(collection, {
          interactive: false, style: { color: "#005a70", weight: 3, fillOpacity: 0.08 }
        }).addTo(map);
        if (layer.getBounds().isValid()) { map.fitBounds(layer.getBounds(), { padding: [12, 12] }); }
        mapElement.dataset.ready = "true";
      })
      .catch(function () { mapElement.dataset.ready = "error"; });
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
      fetch(form.dataset.nearby + "?" + query, { headers: { Accept: "application/geo+json" } })
        .then(function (response) { return response.ok ? response.json() : { features: [] }; })
        .then(function (collection) {
          nearbyList.replaceChildren.apply(nearbyList, collection.features.map(nearbyEntry));
          nearby.hidden = collection.features.length === 0;
          if (!nearby.hidden) { locationStatus.textContent = (pointMessage + " " + t("Nearby")).trim(); }
        })
        .catch(function () { nearby.hidden = true; });
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
      fetch(api + "/" + item.id + "/followers", {
        method: "POST", body: JSON.stringify(email ? { email: email } : {}),
        headers: { "Content-Type": "application/json", Accept: "application/json" }
      }).then(function (response) {
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
    try {  // mirror the list into the input, for the normal form of signed-in people
      var transfer = new DataTransfer();
      photos.forEach(function (photo) { transfer.items.add(photo); });
      photoInput.files = transfer.files;
    } catch (unsupported) { /* the API path sends `photos` itself */ }
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
      showErrors({ photo: t("TooMany") });
    }
    renderPhotos();
  }

  function countCharacters() {
    var left = 4000 - description.value.length;
    counter.textContent = left >= 0 ? t("Counter", { n: left }) : t("TooLong", { n: -left });
  }

  /* Errors ------------------------------------------------------------------------------ */

  function labelOf(target) {
    var legend = target.querySelector("legend");
    if (legend) { return legend.textContent; }
    var label = document.querySelector('label[for="' + target.id + '"]');
    return label ? label.textContent : "";
  }

  function showErrors(errors) {
    document.querySelectorAll(".error-summary:not([data-error-summary])").forEach(function (old) {
      old.remove();
    });
    var list = summary.querySelector("ul");
    list.replaceChildren.apply(list, Object.keys(errors).map(function (field) {
      var entry = make("li");
      var target = document.getElementById(field);
      if (target) {
        var link = make("a", (labelOf(target) + " : " + errors[field]).replace(/^ : /, ""));
        link.href = "#" + field;
        entry.appendChild(link);
      } else {
        entry.textContent = errors[field];
      }
      return entry;
    }));
    summary.hidden = false;
    summary.focus();
  }

  function missing() {
    var errors = {};
    if (!checked("category")) { errors.category = t("Category"); }
    if (!lonInput.value && !form.elements.place.value) { errors.location = t("Location"); }
    return Object.keys(errors).length ? errors : null;
  }

  /* The submission: a GeoJSON Feature and its photos ---------------------------------- */

  function feature() {
    var data = new FormData(form);
    var props = {};
    ["kind", "category", "subcategory", "title", "description", "residence", "building",
     "entrance", "floor", "spot", "email", "recommendation"].forEach(function (name) {
      var value = (data.get(name) || "").trim();
      if (value) { props[name] = value; }
    });
    if (props.kind !== "proposal") { delete props.title; }
    ["severity", "place", "walk", "stop"].forEach(function (name) {
      var value = data.get(name) || "";
      if (/^\d+$/.test(value)) { props[name] = parseInt(value, 10); }
    });
    props.danger = data.get("danger") !== null;
    if (data.get("strong_point")) { props.strong_point = data.get("strong_point") === "true"; }
    var point = lonInput.value && latInput.value
      ? { type: "Point", coordinates: [parseFloat(lonInput.value), parseFloat(latInput.value)] }
      : null;
    return { type: "Feature", geometry: point, properties: props };
  }

  // What was typed, to put back in the form if a queued item is refused later.
  function typed() {
    return Array.from(new FormData(form)).filter(function (pair) {
      return typeof pair[1] === "string" && pair[0] !== "csrf_token";
    });
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    return Array.from(crypto.getRandomValues(new Uint8Array(16)), function (byte) {
      return byte.toString(16).padStart(2, "0");
    }).join("");
  }

  function send(entry) {
    var body = new FormData();
    body.append("item", JSON.stringify(entry.feature));
    entry.photos.forEach(function (photo) { body.append("photo", photo, photo.name || "photo.jpg"); });
    return fetch(api, {
      method: "POST", body: body, credentials: "omit",
      headers: { "Idempotency-Key": entry.key, Accept: "application/json" }
    }).then(function (response) {
      if (response.status === 200 || response.status === 201) {
        return response.json().then(function (item) { return { state: "sent", item: item }; });
      }
      if (response.status === 422) {
        return response.json().then(function (answer) { return { state: "refused", errors: answer.errors || {} }; });
      }
      return { state: response.status === 429 ? "limited" : "failed" };
    }, function () { return { state: "offline" }; });
  }

  /* The queue (IndexedDB) ---------------------------------------------------------------- */

  function inStore(mode, work) {
    return new Promise(function (resolve, reject) {
      var opening = indexedDB.open("arpenteur-capture", 1);
      opening.onupgradeneeded = function () {
        opening.result.createObjectStore("outbox", { keyPath: "key" });
      };
      opening.onerror = function () { reject(opening.error); };
      opening.onsuccess = function () {
        var db = opening.result;
        var transaction = db.transaction("outbox", mode);
        var request = work(transaction.objectStore("outbox"));
        transaction.oncomplete = function () { db.close(); resolve(request.result); };
        transaction.onerror = transaction.onabort = function () { db.close(); reject(transaction.error); };
      };
    });
  }

  var queue = {
    put: function (entry) { return inStore("readwrite", function (store) { return store.put(entry); }); },
    remove: function (key) { return inStore("readwrite", function (store) { return store.delete(key); }); },
    all: function () {
      return inStore("readonly", function (store) { return store.getAll(); }).then(function (entries) {
        return entries.sort(function (a, b) { return a.created - b.created; });
      });
    }
  };

  function showSent(item, live) {
    var box = make("div");
    var reference = item.properties.reference;
    box.appendChild(make("p", t("Thanks", { ref: reference })));
    var link = make("a", t("Track", { ref: reference }));
    link.href = item.tracking_url;
    var line = make("p");
    line.appendChild(link);
    box.appendChild(line);
    if (navigator.clipboard) {
      var copy = button(t("Copy"), "button button-secondary", function () {
        navigator.clipboard.writeText(item.tracking_url).then(function () { copy.textContent = t("Copied"); });
      });
      box.appendChild(copy);
    }
    result.prepend(box);
    result.hidden = false;
    if (live) { result.focus(); }
  }

  function notice(text) {
    result.prepend(make("p", text));
    result.hidden = false;
    result.focus();
  }

  // The tracking links of what this phone sent, so that "Mon compte" can offer to attach
  // them to an account later (the last 50).
  function rememberSent(item) {
    try {
      var sent = JSON.parse(localStorage.getItem("arpenteur-sent") || "[]");
      sent = sent.filter(function (entry) { return entry.url !== item.tracking_url; });
      sent.push({ url: item.tracking_url, reference: item.properties.reference });
      localStorage.setItem("arpenteur-sent", JSON.stringify(sent.slice(-50)));
    } catch (error) { /* storage full or disabled: the link is still shown and e-mailed */ }
  }

  // What to do with an answer. `live`: the person is sending now, the form holds the item.
  function settle(entry, outcome, live) {
    delete inFlight[entry.key];
    if (outcome.state === "sent") {
      rememberSent(outcome.item);
      showSent(outcome.item, live);
      if (live) { clearForm(); }
      return queue.remove(entry.key);
    }
    if (outcome.state === "refused") {
      if (live) {
        showErrors(outcome.errors);
        return queue.remove(entry.key);
      }
      entry.errors = outcome.errors;
      return queue.put(entry);
    }
    if (live) {
      if (!entry.stored) {  // no IndexedDB (private mode): the form keeps everything
        showErrors({ item: t("Server") });
        return Promise.resolve();
      }
      notice(t(outcome.state === "offline" ? "Queued" : outcome.state === "limited" ? "RateLimited" : "Server"));
      clearForm();
    }
    return Promise.resolve();
  }

  function refreshQueue() {
    return queue.all().then(function (entries) {
      var waiting = entries.filter(function (entry) { return !entry.errors; }).length;
      queueCount.hidden = waiting === 0;
      queueCount.textContent = waiting === 1 ? t("QueueOne") : t("QueueMany", { n: waiting });
      result.querySelectorAll(".refused").forEach(function (old) { old.remove(); });
      entries.filter(function (entry) { return entry.errors; }).forEach(showRefused);
    }).catch(function () { queueCount.hidden = true; });
  }

  function showRefused(entry) {
    var box = make("div", null, "refused");
    box.appendChild(make("p", t("Refused")));
    var reasons = make("ul");
    Object.keys(entry.errors).forEach(function (field) { reasons.appendChild(make("li", entry.errors[field])); });
    box.appendChild(reasons);
    box.appendChild(button(t("Resume"), "button button-secondary", function () { resume(entry); }));
    result.appendChild(box);
    result.hidden = false;
  }

  function resume(entry) {
    clearForm();
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
    photos = entry.photos.slice();
    renderPhotos();
    countCharacters();
    queue.remove(entry.key).then(refreshQueue).then(function () { showErrors(entry.errors); });
  }

  // Send everything waiting, oldest first; stop at the first sign of no network.
  function flush() {
    if (flushing) { return flushing; }
    flushing = queue.all().then(function (entries) {
      return entries.filter(function (entry) { return !entry.errors && !inFlight[entry.key]; })
        .reduce(function (previous, entry) {
          return previous.then(function (stop) {
            if (stop) { return true; }
            inFlight[entry.key] = true;
            return send(entry).then(function (outcome) {
              return settle(entry, outcome, false).then(function () {
                return outcome.state === "offline" || outcome.state === "limited";
              });
            });
          });
        }, Promise.resolve(false));
    }).catch(function () { return null; }).then(function () {
      flushing = null;
      return refreshQueue();
    });
    return flushing;
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
    if (!anonymous) {  // signed in: the normal form, with its CSRF token...
      if (!navigator.onLine) {  // ...which would fail to an error page without network
        event.preventDefault();
        showErrors({ item: t("OfflineSignedIn") });
      }
      return;
    }
    event.preventDefault();
    if (submit.disabled) { return; }
    summary.hidden = true;
    var errors = missing();
    if (errors) { showErrors(errors); return; }
    var entry = { key: newKey(), created: Date.now(), feature: feature(), photos: photos.slice(),
                  fields: typed(), errors: null };
    inFlight[entry.key] = true;
    var label = submit.textContent;
    submit.disabled = true;
    submit.textContent = t("Sending");
    queue.put(entry)
      .then(function () { entry.stored = true; }, function () { entry.stored = false; })
      .then(function () { return send(entry); })
      .then(function (outcome) { return settle(entry, outcome, true); })
      .then(refreshQueue)
      .finally(function () {
        submit.disabled = false;
        submit.textContent = label;
      });
  }

  /* Offline page: the service worker keeps this page and its assets -------------------- */

  function registerServiceWorker() {
    if (!("serviceWorker" in navigator)) { return; }
    navigator.serviceWorker.register(form.dataset.sw, { scope: "/" })
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function (registration) {
        var assets = [location.pathname, form.dataset.sprite, mapElement.dataset.src];
        document.querySelectorAll("link[rel=stylesheet], script[src]").forEach(function (node) {
          assets.push(node.href || node.src);
        });
        var channel = new MessageChannel();
        channel.port1.onmessage = function () { document.documentElement.dataset.offlineReady = "true"; };
        registration.active.postMessage({ precache: assets }, [channel.port2]);
      })
      .catch(function () { /* no offline page; sending still works */ });
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
  window.addEventListener("online", flush);
  setInterval(function () { if (navigator.onLine) { flush(); } }, 30000);

  applyWalk();
  syncChoices();
  countCharacters();
  drawMap();
  flush();  // items queued earlier, even by this phone before its owner signed in
  registerServiceWorker();
})();
