// Sending what a person has just written (the capture form, a walk's quick finding): the
// item is kept on the phone first (outbox.js), then sent at once; the form shows the
// tracking link, the server's refusal, or why the item waits on the phone. After 8 s the
// form is free again and the send goes on behind. The panel and the moments the outbox is
// sent are offline.js's. User text reaches the DOM through textContent only.
(function () {
  "use strict";

  var Outbox = window.ArpenteurOutbox;
  var Offline = window.ArpenteurOffline;
  if (!Outbox || !Offline) { return; }

  var LIVE_WAIT = 8000;  // after this, the form is released and the item sent behind
  var SEND_STATES = { sent: true, refused: true };
  var t = Offline.say;
  var make = Offline.make;
  var button = Offline.button;

  function delay(milliseconds) {
    return new Promise(function (resolve) { setTimeout(resolve, milliseconds); });
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    return Array.from(crypto.getRandomValues(new Uint8Array(16)), function (byte) {
      return byte.toString(16).padStart(2, "0");
    }).join("");
  }

  // The item as a GeoJSON Feature for the JSON API, from the capture form's field names.
  function featureOf(form) {
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
    props.on_behalf = data.get("on_behalf") !== null;
    if (data.get("strong_point")) { props.strong_point = data.get("strong_point") === "true"; }
    var lon = data.get("lon");
    var lat = data.get("lat");
    return { type: "Feature", properties: props,
             geometry: lon && lat ? { type: "Point", coordinates: [parseFloat(lon), parseFloat(lat)] } : null };
  }

  // What was typed: posted as the form for signed-in people, put back to correct a refusal.
  function typed(form) {
    return Array.from(new FormData(form)).filter(function (pair) {
      return typeof pair[1] === "string" && pair[0] !== "csrf_token" && pair[0] !== "idempotency_key";
    });
  }

  function categoryLabel(form) {
    var field = form.elements.category;
    if (field && field.tagName === "SELECT") { return field.selectedOptions[0].textContent.trim(); }
    var input = form.querySelector('input[name="category"]:checked');
    var label = input && form.querySelector('label[for="' + input.id + '"]');
    return label ? label.textContent.trim() : "";
  }

  // The photos copied now into the entry: a file the phone can no longer read is named
  // here ({unreadable: name}), before anything is kept or sent.
  function readPhotos(files) {
    return Promise.all(files.map(function (file) {
      return file.arrayBuffer().then(function (bytes) {
        return { name: file.name || "photo.jpg", type: file.type, blob: new Blob([bytes], { type: file.type }) };
      }, function () { throw { unreadable: file.name || "" }; });
    }));
  }

  function entryFrom(form, files) {
    return readPhotos(files).then(function (photos) {
      var walkField = form.elements.walk;
      return {
        key: newKey(), created: Date.now(), state: "waiting", attempts: 0,
        account: Offline.account, urls: Offline.urls,
        walk: walkField && /^\d+$/.test(walkField.value) ? parseInt(walkField.value, 10) : null,
        label: categoryLabel(form), feature: featureOf(form), fields: typed(form), photos: photos
      };
    });
  }

  function keepOnPhone() {
    if (navigator.storage && navigator.storage.persist) {
      navigator.storage.persisted().then(function (kept) {
        return kept || navigator.storage.persist();
      }).catch(function () { return null; });
    }
  }

  function sentOf(item) {
    return { reference: item.properties.reference, tracking_url: item.tracking_url };
  }

  // Sends the entry now, or leaves it in the queue; resolves with what the page shows:
  // {state: "sent", sent}, {state: "refused", errors, problem} (the form still holds it),
  // {state: "unsaved"} (no room to keep it and no network: the form keeps it),
  // or {state: <why it waits>} once it is safe on the phone.
  function submit(entry) {
    return Outbox.put(entry).then(function () {
      keepOnPhone();
      var corrected = Offline.takeCorrected();
      return (corrected ? Outbox.remove(corrected) : Promise.resolve()).then(function () {
        Outbox.announce();
        Offline.render();
        return live(entry);
      });
    }, function () {  // no room on the phone (or no IndexedDB): straight to the server
      Offline.roomShort();
      return Outbox.sendOne(entry).then(function (outcome) {
        if (outcome.state === "sent") { return { state: "sent", sent: sentOf(outcome.item) }; }
        return outcome.state === "refused" ? outcome : { state: "unsaved" };
      });
    });
  }

  function live(entry) {
    var released = false;  // the person was told it goes on behind: its sending is news
    var answered = new Promise(function (resolve) {
      Outbox.flush({ wait: true, onOutcome: function (sent, outcome) {
        if (sent.key !== entry.key) { return; }
        if (!released && outcome.state === "sent") { Offline.toldByTheForm(entry.key); }
        resolve(outcome);
      } }).then(function (result) {
        return Offline.afterPass(result).then(function () { return Outbox.get(entry.key); });
      }).then(function (stored) {  // sent by another tab or the worker in the meantime
        resolve(stored && stored.state === "sent" ? { state: "sent", sent: stored.sent } : { state: "kept" });
      }, function () { resolve({ state: "kept" }); });
    });
    var slow = delay(LIVE_WAIT).then(function () { return { state: "slow" }; });
    return Promise.race([answered, slow]).then(function (outcome) {
      released = true;
      if (outcome.state === "sent") { return { state: "sent", sent: outcome.sent || sentOf(outcome.item) }; }
      if (outcome.state === "refused" && outcome.problem !== "unreadable") {
        return Outbox.remove(entry.key).then(function () {  // the form holds it again
          Outbox.announce();
          Offline.render();
          return outcome;
        });
      }
      if (!SEND_STATES[outcome.state]) { Offline.registerSync(); }
      return outcome;
    });
  }

  /* What the person reads after sending ----------------------------------------------- */

  function showSent(box, sent) {
    var thanks = make("div");
    thanks.appendChild(make("p", t("Thanks", { ref: sent.reference })));
    var link = make("a", t("Track", { ref: sent.reference }));
    link.href = sent.tracking_url;
    var line = make("p");
    line.appendChild(link);
    thanks.appendChild(line);
    if (navigator.clipboard) {
      var copy = button(t("Copy"), "button button-secondary", function () {
        navigator.clipboard.writeText(link.href).then(function () { copy.textContent = t("Copied"); });
      });
      thanks.appendChild(copy);
    }
    box.prepend(thanks);
    box.hidden = false;
    box.focus();
  }

  function notice(box, text) {
    box.prepend(make("p", text));
    box.hidden = false;
    box.focus();
  }

  function fieldLabel(target) {
    var legend = target.querySelector("legend");
    if (legend) { return legend.textContent; }
    var label = document.querySelector('label[for="' + target.id + '"]');
    return label ? label.textContent : "";
  }

  // The error summary above a form: each message links to its field when there is one.
  function showErrors(summary, errors) {
    document.querySelectorAll(".error-summary:not([data-error-summary])").forEach(function (old) {
      old.remove();
    });
    var items = summary.querySelector("ul");
    items.replaceChildren.apply(items, Object.keys(errors).map(function (field) {
      var entry = make("li");
      var target = document.getElementById(field);
      if (target) {
        var link = make("a", (fieldLabel(target).trim() + " : " + errors[field]).replace(/^ : /, ""));
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

  // Shows the outcome of submit() around a form; true when the form may be cleared.
  function settle(outcome, box, summary, photoField) {
    var problems = {
      refused: outcome.errors && Object.keys(outcome.errors).length ? outcome.errors : null,
      unreadable: { photo: t("UnreadablePhoto", { name: outcome.name }) },
      unsaved: { item: t("NoRoom") }
    };
    if (outcome.state === "sent") {
      showSent(box, outcome.sent);
      return true;
    }
    if (problems[outcome.state] !== undefined) {
      var errors = problems[outcome.state] || {};
      if (outcome.problem === "too-large") { errors[photoField] = t("TooLarge"); }
      showErrors(summary, Object.keys(errors).length ? errors : { item: t("Refused") });
      return false;
    }
    notice(box, t({ signin: "KeptSignin", limited: "KeptLimited", failed: "KeptServer",
                    slow: "KeptSlow" }[outcome.state] || "Kept"));
    return true;
  }

  // Takes the form's entry to the phone and the server, with the button showing it.
  function send(form, files, box, summary) {
    var submitButton = form.querySelector("[type=submit]");
    var label = submitButton.textContent;
    submitButton.disabled = true;
    submitButton.textContent = t("Sending");
    summary.hidden = true;
    return entryFrom(form, files).then(submit, function (problem) {
      return { state: "unreadable", name: problem.unreadable };
    }).catch(function () {
      return { state: "unsaved" };
    }).then(function (outcome) {
      return { outcome: outcome, clear: settle(outcome, box, summary, "photo") };
    }).finally(function () {
      submitButton.disabled = false;
      submitButton.textContent = label;
    });
  }

  /* A walk's quick finding: the chosen stop gives the point ---------------------------- */

  function quickFinding(form) {
    var box = form.parentNode.querySelector("[data-result]");
    var summary = form.parentNode.querySelector("[data-error-summary]");
    var stop = form.elements.stop;

    function place() {
      var option = stop.selectedOptions[0];
      form.elements.lon.value = option ? option.dataset.lon : "";
      form.elements.lat.value = option ? option.dataset.lat : "";
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (form.querySelector("[type=submit]").disabled) { return; }
      var files = Array.from(form.elements.photo.files);
      if (files.length > 3) { showErrors(summary, { photo: t("TooMany") }); return; }
      place();
      send(form, files, box, summary).then(function (done) {
        if (!done.clear) { return; }
        var at = stop.value;
        form.reset();
        stop.value = at;
      });
    });
  }

  Offline.send = send;
  Offline.showErrors = showErrors;
  document.querySelectorAll("form[data-outbox-form]").forEach(quickFinding);
})();
