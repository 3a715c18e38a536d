// Capture without network, on the pages that capture (Signaler, a walk's join page) and the
// walk page: what this phone keeps (waiting, sent with tracking links, refused and why),
// sending it as soon as the server answers, and keeping those pages for offline use.
//
// The browser's `online` event is only one of the moments the queue is sent: also when
// the page opens or comes back into view, after any request of the page that got an
// answer, and on a timer (3 s, then doubling up to 30 s) while something waits. The
// service worker sends it too when the page is closed (Background Sync, sw.js).
// Messages come translated from data-msg-* attributes; user text goes in by textContent.
(function () {
  "use strict";

  var Outbox = window.ArpenteurOutbox;
  var panel = document.querySelector("[data-outbox]");
  if (!panel || !Outbox) { return; }

  var FIRST_RETRY = 3000;
  var LAST_RETRY = 30000;
  var LIVE_WAIT = 8000;  // after this, the form is released and the item sent behind
  var LOW_STORAGE = 30 * 1024 * 1024;  // three photos of 10 MB
  var SEND_STATES = { sent: true, refused: true };
  var SENT_LINKS = "arpenteur-sent";

  var walk = panel.dataset.walk || "";
  var plurals = window.Intl && Intl.PluralRules ? new Intl.PluralRules(document.documentElement.lang) : null;
  var storageNote = panel.querySelector("[data-outbox-storage]");
  var counter = panel.querySelector("[data-queue-count]");
  var reason = panel.querySelector("[data-outbox-reason]");
  var news = panel.querySelector("[data-outbox-news]");
  var refusedBox = panel.querySelector("[data-outbox-refused]");
  var details = panel.querySelector("[data-outbox-details]");
  var list = panel.querySelector("[data-outbox-list]");
  var worker = null;
  var timer = null;
  var failures = 0;
  var flushing = null;
  var resumeHere = null;
  var editing = null;  // the key of a refused entry taken back into the form
  var shownWaiting = {};  // keys shown as waiting by the last drawing of the panel
  var toldByTheForm = {};  // keys whose outcome the form showed itself: no news of them
  var drawings = 0;

  // A function reading the data-msg-* messages of `element`, with {name} placeholders.
  function messages(element) {
    return function (name, values) {
      var text = element.dataset["msg" + name] || "";
      Object.keys(values || {}).forEach(function (key) {
        text = text.split("{" + key + "}").join(String(values[key]));
      });
      return text;
    };
  }

  var t = messages(panel);

  // data-msg-<name>-one / -other, chosen by the page language's plural rules.
  function plural(name, n) {
    var one = plurals ? plurals.select(n) === "one" : n === 1;
    return t(name + (one ? "One" : "Other"), { n: n });
  }

  // An element with its text (never parsed as HTML) and class.
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

  function delay(milliseconds) {
    return new Promise(function (resolve) { setTimeout(resolve, milliseconds); });
  }

  /* What this phone keeps ------------------------------------------------------------ */

  function ofThisPage(entry) {
    return entry.key !== editing && (!walk || String(entry.walk || "") === walk);
  }

  function excerpt(entry) {
    var props = (entry.feature && entry.feature.properties) || {};
    var text = (props.description || "").trim();
    return [entry.label, text.length > 80 ? text.slice(0, 79) + "…" : text]
      .filter(Boolean).join(" — ");
  }

  function waitingLine(waiting) {
    var photos = waiting.reduce(function (sum, entry) { return sum + entry.photos.length; }, 0);
    var findings = waiting.every(function (entry) {
      return entry.feature && entry.feature.properties.kind === "dem";
    });
    var line = plural(findings ? "FindingsWaiting" : "ItemsWaiting", waiting.length);
    return photos ? line + plural("Photos", photos) : line;
  }

  // The form takes the entry back; the entry stays on the phone until the corrected one is.
  function resume(entry) {
    editing = entry.key;
    render();
    resumeHere(entry);
  }

  function resumeControl(entry) {
    if (resumeHere) {
      return button(t("Resume"), "button button-secondary", function () { resume(entry); });
    }
    var link = make("a", t("Resume"), "button button-secondary");
    var query = new URLSearchParams({ reprendre: entry.key });
    link.href = panel.dataset.form + "?" + query;
    return link;
  }

  function refusedEntry(entry) {
    var box = make("div", null, "refused");
    var problem = { unreadable: "Unreadable", "too-large": "TooLarge" }[entry.problem];
    box.appendChild(make("p", t(problem || "Refused")));
    var what = excerpt(entry);
    if (what) { box.appendChild(make("p", what, "item-excerpt")); }
    var reasons = make("ul");
    Object.keys(entry.errors || {}).forEach(function (field) {
      reasons.appendChild(make("li", entry.errors[field]));
    });
    if (reasons.firstChild) { box.appendChild(reasons); }
    box.appendChild(resumeControl(entry));
    return box;
  }

  function listEntry(entry) {
    var line = make("li");
    if (entry.state === "sent") {
      var link = make("a", t("Track", { ref: entry.sent.reference }));
      link.href = entry.sent.tracking_url;
      line.appendChild(link);
      if (entry.sent.label) { line.appendChild(document.createTextNode(" — " + entry.sent.label)); }
    } else {
      line.textContent = excerpt(entry) + " — " + t(entry.state === "refused" ? "StateRefused" : "StateWaiting");
    }
    return line;
  }

  function show(node, text) {
    node.textContent = text || "";
    node.hidden = !text;
  }

  // "Mon compte" offers to attach to an account what this phone sent anonymously: it reads
  // their tracking links from localStorage (account.js), where they are added once.
  function rememberForAccount(entries) {
    var fresh = entries.filter(function (entry) {
      return entry.state === "sent" && !entry.account && !entry.remembered;
    });
    if (!fresh.length) { return; }
    try {
      var sent = JSON.parse(localStorage.getItem(SENT_LINKS) || "[]").concat(fresh.map(function (entry) {
        return { url: entry.sent.tracking_url, reference: entry.sent.reference };
      }));
      localStorage.setItem(SENT_LINKS, JSON.stringify(sent.slice(-50)));
    } catch (unavailable) { return; }  // the links stay listed here and were e-mailed if asked
    fresh.forEach(function (entry) { entry.remembered = true; Outbox.put(entry); });
  }

  // Draw the panel from IndexedDB; resolves with the number of entries waiting (all pages).
  // What this page showed as waiting and is now sent is news, whoever sent it (this page,
  // another tab or the service worker); a drawing overtaken by a later one is dropped.
  function render() {
    var drawing = ++drawings;
    return Outbox.all().then(function (entries) {
      var count = entries.filter(function (entry) { return entry.state === "waiting"; }).length;
      if (drawing !== drawings) { return count; }
      rememberForAccount(entries);
      var mine = entries.filter(ofThisPage);
      var waiting = mine.filter(function (entry) { return entry.state === "waiting"; });
      var refused = mine.filter(function (entry) { return entry.state === "refused"; });
      var justSent = mine.filter(function (entry) {
        return entry.state === "sent" && shownWaiting[entry.key] && !toldByTheForm[entry.key];
      }).length;
      if (justSent) { show(news, plural("JustSent", justSent)); }
      shownWaiting = {};
      waiting.forEach(function (entry) { shownWaiting[entry.key] = true; });
      show(counter, waiting.length ? waitingLine(waiting) : "");
      var why = waiting.length && waiting[0].reason;
      show(reason, why ? t({ signin: "WhySignin", limited: "WhyLimited", failed: "WhyServer" }[why] || "WhyOffline") : "");
      refusedBox.replaceChildren.apply(refusedBox, refused.map(refusedEntry));
      var listed = mine.slice().sort(function (a, b) { return b.created - a.created; });
      list.replaceChildren.apply(list, listed.map(listEntry));
      details.hidden = listed.length === 0;
      panel.hidden = !listed.length && storageNote.hidden && news.hidden;
      return count;
    }).catch(function () { return 0; });
  }

  /* Sending: on every sign of a connection, and on a growing timer --------------------- */

  function registerSync() {
    if (worker && worker.sync) { worker.sync.register(Outbox.SYNC_TAG).catch(function () { return null; }); }
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(flushNow, Math.min(FIRST_RETRY * Math.pow(2, failures - 1), LAST_RETRY));
  }

  function after(result) {
    return render().then(function (waiting) {
      clearTimeout(timer);
      timer = null;
      if (waiting) {
        failures = result && result.sent ? 1 : failures + 1;
        schedule();
        registerSync();
      } else {
        failures = 0;
      }
    });
  }

  function flushNow() {
    if (!flushing) {
      flushing = Outbox.flush().then(after, function () { return after(null); })
        .then(function () { flushing = null; });
    }
    return flushing;
  }

  // Every request of the page goes through here: it has a deadline, and an answer from the
  // server is a sign that what waits can be sent now.
  function request(url, options, milliseconds) {
    return Outbox.fetchWithin(url, options, milliseconds).then(function (response) {
      if (response.status < 500 && timer) { flushNow(); }
      return response;
    });
  }

  /* The person sends what they have just written --------------------------------------- */

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

  var urls = { api: panel.dataset.api, form: panel.dataset.form, session: panel.dataset.session };

  function entryFrom(form, files) {
    return readPhotos(files).then(function (photos) {
      var walkField = form.elements.walk;
      return {
        key: newKey(), created: Date.now(), state: "waiting", attempts: 0,
        account: panel.dataset.account || null, urls: urls,
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
      var corrected = editing;
      editing = null;
      return (corrected ? Outbox.remove(corrected) : Promise.resolve()).then(function () {
        Outbox.announce();
        render();
        return live(entry);
      });
    }, function () {  // no room on the phone (or no IndexedDB): straight to the server
      show(storageNote, t("StorageLow"));
      panel.hidden = false;
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
        if (!released && outcome.state === "sent") { toldByTheForm[entry.key] = true; }
        resolve(outcome);
      } }).then(function (result) {
        return after(result).then(function () { return Outbox.get(entry.key); });
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
          render();
          return outcome;
        });
      }
      if (!SEND_STATES[outcome.state]) { registerSync(); }
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

  /* Room on the phone, and the offline copy of the pages ------------------------------- */

  function checkStorage() {
    if (!navigator.storage || !navigator.storage.estimate) { return; }
    navigator.storage.estimate().then(function (estimate) {
      if (estimate.quota - estimate.usage < LOW_STORAGE) {
        show(storageNote, t("StorageLow"));
        panel.hidden = false;
      }
    }).catch(function () { return null; });
  }

  function registerServiceWorker() {
    if (!("serviceWorker" in navigator)) { return; }
    navigator.serviceWorker.register(panel.dataset.sw, { scope: "/" })
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function (registration) {
        worker = registration;
        var kept = (panel.dataset.precache || "").split(" ").filter(Boolean);
        if (!kept.length) { return; }
        var channel = new MessageChannel();
        channel.port1.onmessage = function () { document.documentElement.dataset.offlineReady = "true"; };
        registration.active.postMessage({ precache: kept }, [channel.port2]);
      })
      .catch(function () { return null; });  // no offline copy; sending still works
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

  document.querySelectorAll("form[data-outbox-form]").forEach(quickFinding);
  Outbox.sendEarlierEntriesTo(urls);
  Outbox.listen(render);
  window.addEventListener("online", flushNow);
  window.addEventListener("pageshow", function (event) { if (event.persisted) { flushNow(); } });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { flushNow(); }
  });

  window.ArpenteurOffline = {
    messages: messages, say: t, send: send, showErrors: showErrors, request: request,
    make: make, button: button,
    // The capture page takes refused items back into its form (other pages link to it),
    // and `key` (?reprendre=<key>, from those links) is taken back at once.
    resumeWith: function (handler, key) {
      resumeHere = handler;
      (key ? Outbox.get(key) : Promise.resolve(null)).then(function (entry) {
        if (entry && entry.state === "refused") { resume(entry); } else { render(); }
      }).catch(render);
    }
  };

  checkStorage();
  registerServiceWorker();
  flushNow();
})();
