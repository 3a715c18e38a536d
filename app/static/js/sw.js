// Offline capture. The service worker keeps what the capture pages hand it (Signaler, a
// walk's join page and its stops, their files, the perimeter and the walk's route: see
// app/items/offline.py), so they open with no signal once visited; and when the browser
// has Background Sync it sends the phone's outbox after the page is closed, with the
// pages' own code (outbox.js, named by the `outbox` parameter of this script's address).
"use strict";

var CACHE = "arpenteur-capture-v2";
var CAPTURE = "/signaler";
var NETWORK_WAIT = 8000;  // then the kept copy: a link that hangs counts as no network
// A file with a content-hashed name (app/static_files.py): a new version has a new name.
var HASHED = /^\/(static|vendor)\/.+\.[0-9a-f]{12}\.[^./]+$/;

function pathOf(url) { return new URL(url, self.location.href).pathname; }
function hashedName(url) { return HASHED.test(pathOf(url)); }

// A download for the phone's copy that has not arrived whole after this long is given up
// (the file is asked for again at the next visit): a weak link can hold one for minutes,
// and while it waits the browser holds the activation of a new version of this worker.
// For the same reason no read of a page or its data holds the worker longer (extendAtMost).
// The worker's address may name a shorter wait in milliseconds (`wait`, for the tests).
var DOWNLOAD_WAIT = 60000;
var addressed = new URL(self.location.href).searchParams;
var shorterWait = parseInt(addressed.get("wait"), 10);
if (shorterWait > 0 && shorterWait < DOWNLOAD_WAIT) { DOWNLOAD_WAIT = shorterWait; }

var outboxScript = addressed.get("outbox") || "";
if (/^\/static\/[\w./-]+\.js$/.test(outboxScript) && outboxScript.indexOf("..") < 0) {
  importScripts(outboxScript);
}

// A new version skips waiting as it installs, yet Chromium may leave it waiting for good:
// when it finishes installing while a navigation is handed from the version it replaces,
// that version stops, starts again for the new page, and the activation is not tried
// again; while it waits, every navigation of the site waits with it. Skipping waiting once
// more activates it, but only once it is stuck (a request made while the first is still
// pending is dropped): the version asks again SKIP_AGAIN after its installing began. Once
// it is active, that does nothing.
var SKIP_AGAIN = 3000;

// Installing keeps nothing yet: every page that registers the worker then hands it its
// list, the capture page included (app/items/offline.py). Keeping the page here too would
// make a phone's first visit download it once more.
self.addEventListener("install", function (event) {
  event.waitUntil(self.skipWaiting());
  setTimeout(function () { self.skipWaiting(); }, SKIP_AGAIN);
});

// Drops the kept files with hashed names that neither a kept page or data nor `named`
// (addresses the page asking now uses) names any more: an older version's files, which
// nothing will ask for again. A file a kept page still names (a walk's page kept before
// the change, say) stays, so everything kept still opens with no signal.
function pruneUnnamed(named) {
  return caches.open(CACHE).then(function (cache) {
    return cache.keys().then(function (requests) {
      var paths = requests.map(function (request) { return pathOf(request.url); });
      var pages = requests.filter(function (request, i) { return !HASHED.test(paths[i]); });
      return Promise.all(pages.map(function (request) {
        return cache.match(request).then(function (kept) { return kept ? kept.text() : ""; });
      })).then(function (texts) {
        var naming = texts.concat(named).join("\n");
        return Promise.all(requests.filter(function (request, i) {
          return HASHED.test(paths[i]) && naming.indexOf(paths[i]) < 0;
        }).map(function (request) { return cache.delete(request); }));
      });
    });
  });
}

// Writing a page's files and pruning run one after the other, never interleaved: a pruning
// that read the kept files while a page's files were being written, the page itself not
// yet among them, would drop the files just kept. A page hands its list as soon as a new
// version controls it, which is while that version activates (and prunes), and two tabs
// may hand theirs at once.
var turn = Promise.resolve();
function inTurn(work) {
  turn = turn.then(work, work);
  return turn;
}

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name !== CACHE; })
      .map(function (name) { return caches.delete(name); }));
  }).then(function () { return inTurn(function () { return pruneUnnamed([]); }); })
    .then(function () { return self.clients.claim(); }));
});

// The response for `url` with its body already read (so writing it takes no network), or
// null when it fails or has not arrived whole within DOWNLOAD_WAIT.
function downloadWhole(url) {
  var stop = new AbortController();
  var timer = setTimeout(function () { stop.abort(); }, DOWNLOAD_WAIT);
  return fetch(url, { signal: stop.signal }).then(function (response) {
    if (!response.ok) { return null; }
    return response.clone().arrayBuffer().then(function () { return response; });
  }).catch(function () { return null; })
    .then(function (response) { clearTimeout(timer); return response; });
}

// The page that hands its list, as the browser received it (`page`: its address and the
// stamp written in it when it was made), taken from the browser's own cache without asking
// the network; null when that copy is not there (evicted, or the page came from a form's
// answer or from this worker's copy). The stamp tells that very copy from an older one.
function asReceived(url, page) {
  if (!page || !page.stamp || new URL(url, self.location.href).href !== page.address) {
    return Promise.resolve(null);
  }
  return fetch(url, { cache: "only-if-cached", mode: "same-origin" }).then(function (response) {
    return response.ok ? response.clone().text().then(function (text) {
      return text.indexOf(page.stamp) >= 0 ? response : null;
    }) : null;
  }).catch(function () { return null; });
}

// What to write for `url`: {response} (see downloadWhole and asReceived), {kept} for a file
// with a hashed name already kept (that very file: a page hands its list on every visit
// and to each new version, and it is not downloaded again), or null when the download
// fails. The page that hands the list is not downloaded again either.
function download(cache, url, page) {
  var kept = hashedName(url) ? cache.match(url) : Promise.resolve(undefined);
  return kept.then(function (hit) {
    if (hit) { return { kept: true }; }
    return asReceived(url, page).then(function (received) {
      return received || downloadWhole(url);
    }).then(function (response) {
      return response && { response: response };
    });
  }).catch(function () { return null; });
}

// {precache: [url, ...], stamp} from a capture page (the stamp: see asReceived); one file
// that fails must not stop the rest. The downloads wait outside the turn: one that hangs
// on a weak link must not hold what other pages hand over meanwhile. In turn, the files
// are written (a file seen kept is looked for again, in case a pruning dropped it since:
// only then is it fetched in turn), then an older version's files go. Resolves to whether
// every file of the list is kept now: the page tells the person it will open with no
// signal only then.
function keep(urls, page) {
  return caches.open(CACHE).then(function (cache) {
    return Promise.all(urls.map(function (url) { return download(cache, url, page); }))
      .then(function (downloads) {
        return inTurn(function () {
          return Promise.all(downloads.map(function (got, i) {
            if (!got) { return null; }
            var written = got.response ? cache.put(urls[i], got.response)
              : cache.match(urls[i]).then(function (hit) {
                return hit || downloadWhole(urls[i]).then(function (response) {
                  return response && cache.put(urls[i], response);
                });
              });
            return written.catch(function () { return null; });
          })).then(function () { return pruneUnnamed(urls.map(pathOf)); })
            .then(function () {
              return Promise.all(urls.map(function (url) { return cache.match(url); }));
            })
            .then(function (kept) { return kept.every(Boolean); });
        });
      });
  });
}

self.addEventListener("message", function (event) {
  var urls = (event.data && event.data.precache) || [];
  var page = event.source && event.data && event.data.stamp
    ? { address: event.source.url, stamp: String(event.data.stamp) } : null;
  event.waitUntil(keep(urls, page).then(function (whole) {
    if (event.source) { event.source.postMessage(whole ? "kept" : "incomplete"); }
  }));
});

self.addEventListener("sync", function (event) {
  if (!self.ArpenteurOutbox || event.tag !== self.ArpenteurOutbox.SYNC_TAG) { return; }
  event.waitUntil(self.ArpenteurOutbox.flush().then(function (result) {
    // Still waiting: failing the sync makes the browser try again later.
    if (result.busy || result.stopped) { throw new Error("the outbox still waits"); }
  }));
});

// Keeps the worker alive for `work` (a read from the network, a copy being written), for
// DOWNLOAD_WAIT at most: a read that hangs on a weak link must not keep the worker busy,
// since the browser holds a new version's activation while it is (and, while a new
// version waits, the pages' navigations). The read itself goes on, and so does work
// begun once the event's time is over (the browser then refuses to extend it).
function extendAtMost(event, work) {
  var limit = new Promise(function (resolve) { setTimeout(resolve, DOWNLOAD_WAIT); });
  try {
    event.waitUntil(Promise.race([work.catch(function () { return null; }), limit]));
  } catch (over) {
    work.catch(function () { return null; });
  }
}

function refreshKept(request, response) {
  if (!response.ok || response.redirected) { return Promise.resolve(); }
  var copy = response.clone();
  return caches.open(CACHE).then(function (cache) {
    return cache.match(request).then(function (kept) { return kept && cache.put(request, copy); });
  });
}

// Pages and data: the network when it answers within NETWORK_WAIT, else the kept copy
// (for Signaler with other parameters, the plain page, which reads its address).
function networkFirst(event, fallback) {
  var request = event.request;
  var fresh = fetch(request).then(function (response) {
    extendAtMost(event, refreshKept(request, response));
    return response;
  });
  extendAtMost(event, fresh);
  function kept() {
    return caches.match(request).then(function (hit) {
      return hit || (fallback ? caches.match(fallback) : undefined);
    });
  }
  var answer = fresh.then(function (response) {
    return response.status >= 500 ? kept().then(function (hit) { return hit || response; }) : response;
  }, function () {
    return kept().then(function (hit) { return hit || Response.error(); });
  });
  var late = new Promise(function (resolve) { setTimeout(resolve, NETWORK_WAIT); })
    .then(kept).then(function (hit) { return hit || answer; });
  return Promise.race([answer, late]);
}

// Files: the kept copy at once, refreshed behind (unless its hashed name says it cannot
// have changed); the network for files not kept.
function fileFromCache(event) {
  return caches.match(event.request).then(function (cached) {
    if (cached && hashedName(event.request.url)) { return cached; }
    var fresh = fetch(event.request).then(function (response) {
      return refreshKept(event.request, response).then(function () { return response; });
    });
    if (!cached) { return fresh; }
    extendAtMost(event, fresh);
    return cached;
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  var own = url.origin === self.location.origin;
  if (request.mode === "navigate") {
    if (own && (url.pathname === CAPTURE || /^\/m\/[^/]+$/.test(url.pathname))) {
      event.respondWith(networkFirst(event, url.pathname === CAPTURE ? CAPTURE : null));
    }
    return;
  }
  if (own && /^\/api\/v1\/(perimeters|walks\/\d+)$/.test(url.pathname)) {
    event.respondWith(networkFirst(event, null));
    return;
  }
  // Only the kinds of files the pages keep; the rest of the API goes to the network.
  var file = own ? /^\/(static|vendor)\//.test(url.pathname)
    : request.destination === "script" || request.destination === "style";
  if (file) { event.respondWith(fileFromCache(event)); }
});
