// Capture without network, on the pages that capture (Signaler, a walk's join page) and the
// walk page: what this phone keeps (waiting, sent with tracking links, refused and why),
// sending it as soon as the server answers, and keeping those pages for offline use.
// What a person has just written is taken to the outbox by sending.js.
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
  var LOW_STORAGE = 30 * 1024 * 1024;  // three photos of 10 MB
  var SENT_LINKS = "arpenteur-sent";

  var walk = panel.dataset.walk || "";
  var urls = { api: panel.dataset.api, form: panel.dataset.form, session: panel.dataset.session };
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

  /* Room on the phone, and the offline copy of the pages ------------------------------- */

  function roomShort() {
    show(storageNote, t("StorageLow"));
    panel.hidden = false;
  }

  // Said before the person writes: the phone may not be able to keep what they write.
  function checkStorage() {
    if (!navigator.storage || !navigator.storage.estimate) { return; }
    navigator.storage.estimate().then(function (estimate) {
      if (estimate.quota - estimate.usage < LOW_STORAGE) { roomShort(); }
    }).catch(function () { return null; });
  }

  // The worker answers "kept" to the page itself once all the page's files are kept (else
  // "incomplete"), in a cache all its versions share: whichever version keeps them, they
  // are kept. Only then does the page say it will open with no signal (the note under its
  // form). The page hands its list at once to the worker that controls it, even if
  // registering fails: when registering brings a new version, the browser holds its
  // activation while the version it replaces is busy (up to its DOWNLOAD_WAIT, sw.js), and
  // the page does not wait on that. It hands it again to each worker that becomes its
  // controller: a new version controls the open pages from the start of its activation,
  // and takes the page of a first visit through clients.claim (sw.js). A page no worker
  // controls while one is active (a forced reload) hands it to that one.
  function registerServiceWorker() {
    if (!("serviceWorker" in navigator)) { return; }
    var container = navigator.serviceWorker;
    var kept = (panel.dataset.precache || "").split(" ").filter(Boolean);
    var handed = null;  // each worker gets the list once: every copy is a download
    function handTo(active) {
      if (!kept.length || !active || active === handed) { return; }
      handed = active;
      active.postMessage({ precache: kept, stamp: panel.dataset.stamp });
    }
    container.addEventListener("message", function (event) {
      if (event.data !== "kept" && event.data !== "incomplete") { return; }
      var whole = event.data === "kept";
      document.documentElement.dataset.offlineReady = String(whole);
      var notes = document.querySelectorAll("[data-offline-note]");
      for (var i = 0; i < notes.length; i++) { notes[i].hidden = !whole; }
    });
    container.addEventListener("controllerchange", function () { handTo(container.controller); });
    handTo(container.controller);
    container.register(panel.dataset.sw, { scope: "/" })
      .then(function (registration) {
        worker = registration;
        handTo(container.controller || registration.active);
      })
      .catch(function () { return null; });  // no offline copy; sending still works
  }

  Outbox.sendEarlierEntriesTo(urls);
  Outbox.listen(render);
  window.addEventListener("online", flushNow);
  window.addEventListener("pageshow", function (event) { if (event.persisted) { flushNow(); } });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { flushNow(); }
  });

  window.ArpenteurOffline = {
    messages: messages, say: t, make: make, button: button, request: request,
    render: render, afterPass: after, registerSync: registerSync,
    // Who captures here (an account id, or null) and where their items go.
    account: panel.dataset.account || null, urls: urls,
    // The refused entry the form took back, replaced by what the person sends now.
    takeCorrected: function () {
      var key = editing;
      editing = null;
      return key;
    },
    toldByTheForm: function (key) { toldByTheForm[key] = true; },
    roomShort: roomShort,
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
