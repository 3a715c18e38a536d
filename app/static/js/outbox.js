// The outbox of items captured on this phone, shared by the pages that capture (through
// offline.js) and the service worker (importScripts, for Background Sync): one IndexedDB
// queue and one way to send a queued item, so a page and the worker can never disagree.
//
// An entry keeps its Idempotency-Key for every attempt, so a send cut in the middle, two
// tabs or a tab and the worker sending at once still make one item. Sending holds a Web
// Lock where the browser has them: one sender at a time for the whole phone.
//
// Anonymous entries go to the JSON API (no cookie). An entry captured by a signed-in
// person is posted to the capture form (/signaler) with a CSRF token fetched just before
// sending, and only while the same account is signed in: the JSON API never takes
// authority from the session cookie, and nobody else's session ever sends it.
//
// No DOM here (the worker has none); what the person reads is written by offline.js.
(function (root) {
  "use strict";

  var DB = "arpenteur-capture";
  var STORE = "outbox";
  var LOCK = "arpenteur-outbox";
  var CHANNEL = "arpenteur-outbox";
  var KEEP_SENT = 50;  // tracking links kept on the phone, newest first
  var SESSION_TIMEOUT = 10000;
  // A send may take 15 s plus the time to upload at 20 kB/s: a slow link gets through,
  // a link that hangs is given up and retried later under the same key.
  var SEND_TIMEOUT = 15000;
  var BYTES_PER_MS = 20;
  // Outcomes after which the rest of the queue waits for the next attempt.
  var STOPS = { offline: true, timeout: true, limited: true, failed: true };

  function inStore(mode, work) {
    return new Promise(function (resolve, reject) {
      var opening = indexedDB.open(DB, 1);
      opening.onupgradeneeded = function () {
        opening.result.createObjectStore(STORE, { keyPath: "key" });
      };
      opening.onerror = function () { reject(opening.error); };
      opening.onsuccess = function () {
        var db = opening.result;
        var transaction = db.transaction(STORE, mode);
        var request = work(transaction.objectStore(STORE));
        transaction.oncomplete = function () { db.close(); resolve(request.result); };
        transaction.onerror = transaction.onabort = function () {
          db.close();
          reject(transaction.error || request.error);
        };
      };
    });
  }

  // Where a page sends entries kept before they carried their addresses (anonymous ones,
  // waiting or refused when they had errors); the worker leaves those to the pages.
  var earlierUrls = null;

  function normalise(entry) {
    if (!entry.state) { entry.state = entry.errors ? "refused" : "waiting"; }
    entry.urls = entry.urls || earlierUrls;
    entry.attempts = entry.attempts || 0;
    entry.photos = entry.photos || [];
    return entry;
  }

  function all() {
    return inStore("readonly", function (store) { return store.getAll(); }).then(function (entries) {
      return entries.map(normalise).sort(function (a, b) {
        return (a.attempts - b.attempts) || (a.created - b.created);
      });
    });
  }

  function get(key) {
    return inStore("readonly", function (store) { return store.get(key); }).then(function (entry) {
      return entry ? normalise(entry) : null;
    });
  }

  function put(entry) { return inStore("readwrite", function (store) { return store.put(entry); }); }
  function remove(key) { return inStore("readwrite", function (store) { return store.delete(key); }); }

  // Every page and the worker hear that the outbox changed, and show it again.
  function announce() {
    if (root.BroadcastChannel) {
      var channel = new BroadcastChannel(CHANNEL);
      channel.postMessage("changed");
      channel.close();
    }
  }

  function listen(onChange) {
    if (root.BroadcastChannel) { new BroadcastChannel(CHANNEL).onmessage = onChange; }
  }

  // fetch with a deadline: a link that accepts the request and never answers counts as
  // no network instead of leaving the person (or the queue) waiting for ever. The deadline
  // also covers reading the answer (aborting after that changes nothing).
  function fetchWithin(url, options, milliseconds) {
    var controller = new AbortController();
    setTimeout(function () { controller.abort(); }, milliseconds);
    var settings = {};
    Object.keys(options || {}).forEach(function (name) { settings[name] = options[name]; });
    settings.signal = controller.signal;
    return fetch(url, settings);
  }

  // The photos, read now: a photo the phone can no longer read must be told apart from
  // a network failure (fetch would fail the same way for both).
  function readPhotos(entry) {
    return Promise.all(entry.photos.map(function (photo) {
      var blob = photo.blob || photo;
      return blob.arrayBuffer().then(function (bytes) {
        return { name: photo.name || "photo.jpg", blob: new Blob([bytes], { type: photo.type || blob.type }) };
      });
    }));
  }

  function withPhotos(body, photos) {
    photos.forEach(function (photo) { body.append("photo", photo.blob, photo.name); });
    return body;
  }

  function timeoutFor(photos, text) {
    var bytes = text.length + photos.reduce(function (sum, photo) { return sum + photo.blob.size; }, 0);
    return SEND_TIMEOUT + Math.round(bytes / BYTES_PER_MS);
  }

  function postToApi(entry, photos) {
    var body = new FormData();
    var item = JSON.stringify(entry.feature);
    body.append("item", item);
    return fetchWithin(entry.urls.api, {
      method: "POST", body: withPhotos(body, photos), credentials: "omit",
      headers: { "Idempotency-Key": entry.key, Accept: "application/json" }
    }, timeoutFor(photos, item));
  }

  // Signed in: the capture form, as the person's session, with a token asked for now.
  function postToForm(entry, photos) {
    return fetchWithin(entry.urls.session, {
      credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" }
    }, SESSION_TIMEOUT).then(function (response) {
      if (!response.ok) { return { status: response.status }; }
      return response.json().then(function (session) {
        if (String(session.account) !== String(entry.account)) { return { signin: true }; }
        var body = new FormData();
        entry.fields.forEach(function (pair) { body.append(pair[0], pair[1]); });
        body.append("csrf_token", session.csrf_token);
        body.append("idempotency_key", entry.key);
        return fetchWithin(entry.urls.form, {
          method: "POST", body: withPhotos(body, photos), credentials: "same-origin",
          headers: { "Idempotency-Key": entry.key, Accept: "application/json" }
        }, timeoutFor(photos, JSON.stringify(entry.fields)));
      });
    });
  }

  // What an answer means for the entry: sent, refused (kept for correction), or to retry.
  function outcomeOf(response) {
    if (response.signin) { return { state: "signin" }; }
    var status = response.status;
    if (status === 200 || status === 201) {
      return response.json().then(function (item) { return { state: "sent", item: item }; });
    }
    if (status === 422) {
      return response.json().then(function (answer) {
        return { state: "refused", errors: answer.errors || {} };
      }, function () { return { state: "refused", errors: {} }; });
    }
    if (status === 413) { return { state: "refused", problem: "too-large" }; }
    return { state: status === 429 ? "limited" : "failed" };
  }

  function sendOne(entry) {
    return readPhotos(entry).then(function (photos) {
      var sending = entry.account ? postToForm(entry, photos) : postToApi(entry, photos);
      // No answer, or one that is not Arpenteur's (a captive portal's page): try later.
      return sending.then(outcomeOf).catch(function (error) {
        return { state: error && error.name === "AbortError" ? "timeout" : "offline" };
      });
    }, function () { return { state: "refused", problem: "unreadable" }; });
  }

  // What is kept of a sent entry: its tracking link and what the lists show, no photos.
  function sentRecord(entry, item) {
    var props = item.properties || {};
    return { key: entry.key, state: "sent", created: entry.created, attempts: 0,
             account: entry.account || null, walk: entry.walk || null,
             kind: (entry.feature.properties || {}).kind || "",
             sent: { at: Date.now(), reference: props.reference, label: props.category_label || "",
                     tracking_url: item.tracking_url } };
  }

  function pruneSent() {
    return all().then(function (entries) {
      var sent = entries.filter(function (entry) { return entry.state === "sent"; })
        .sort(function (a, b) { return b.sent.at - a.sent.at; });
      return Promise.all(sent.slice(KEEP_SENT).map(function (entry) { return remove(entry.key); }));
    });
  }

  function record(entry, outcome) {
    if (outcome.state === "sent") {
      return put(sentRecord(entry, outcome.item)).then(pruneSent);
    }
    if (outcome.state === "refused") {
      entry.state = "refused";
      entry.errors = outcome.errors || null;
      entry.problem = outcome.problem || null;
    } else {
      entry.attempts += outcome.state === "signin" ? 0 : 1;
      entry.reason = outcome.state;
    }
    return put(entry);
  }

  // One pass over the waiting entries, oldest first; it stops at the first sign that the
  // server cannot be reached, and reports {sent, waiting, stopped}.
  function pass(onOutcome) {
    var result = { sent: 0, waiting: 0, stopped: null };
    return all().then(function (entries) {
      var waiting = entries.filter(function (entry) { return entry.state === "waiting" && entry.urls; });
      return waiting.reduce(function (previous, entry) {
        return previous.then(function () {
          if (result.stopped) { result.waiting += 1; return null; }
          return sendOne(entry).then(function (outcome) {
            return record(entry, outcome).then(function () {
              if (outcome.state === "sent") { result.sent += 1; }
              if (outcome.state === "signin") { result.waiting += 1; }
              if (STOPS[outcome.state]) { result.stopped = outcome.state; result.waiting += 1; }
              if (onOutcome) { onOutcome(entry, outcome); }
            });
          });
        });
      }, Promise.resolve());
    }).then(function () {
      announce();
      return result;
    });
  }

  // Send what waits. `wait`: queue behind a sender already at work (a person pressing
  // "send") rather than leave it to that sender (a timer, an event): {busy: true}.
  function flush(options) {
    options = options || {};
    var locks = root.navigator && root.navigator.locks;
    if (!locks) { return pass(options.onOutcome); }
    return locks.request(LOCK, options.wait ? {} : { ifAvailable: true }, function (lock) {
      return lock ? pass(options.onOutcome) : { busy: true };
    });
  }

  root.ArpenteurOutbox = {
    SYNC_TAG: "arpenteur-outbox",
    all: all, get: get, put: put, remove: remove, flush: flush, sendOne: sendOne,
    announce: announce, listen: listen, fetchWithin: fetchWithin,
    sendEarlierEntriesTo: function (urls) { earlierUrls = urls; }
  };
})(self);
