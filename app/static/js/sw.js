// Offline capture: keeps /signaler and the files it names (sent by capture.js) so the page
// opens with no signal. The page is fetched network-first, so a fresh form is used whenever
// there is a connection; the files are answered from the cache and refreshed behind.
"use strict";

var CACHE = "arpenteur-capture-v1";
var PAGE = "/signaler";

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.add(PAGE); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name !== CACHE; })
      .map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

// {precache: [url, ...]} from the capture page; one file that fails must not stop the rest.
self.addEventListener("message", function (event) {
  var urls = (event.data && event.data.precache) || [];
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(urls.map(function (url) {
      return cache.add(url).catch(function () { return null; });
    }));
  }).then(function () {
    if (event.ports[0]) { event.ports[0].postMessage("cached"); }
  }));
});

function pageNetworkFirst(request) {
  return fetch(request).then(function (response) {
    if (response.ok && !response.redirected) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { return cache.put(PAGE, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(PAGE).then(function (page) { return page || Response.error(); });
  });
}

function fileFromCache(event) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(event.request).then(function (cached) {
      var fresh = fetch(event.request).then(function (response) {
        if (cached && response.ok) { cache.put(event.request, response.clone()); }
        return response;
      });
      if (!cached) { return fresh; }
      event.waitUntil(fresh.catch(function () { return null; }));
      return cached;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  var own = url.origin === self.location.origin;
  if (request.mode === "navigate") {
    if (own && url.pathname === PAGE) { event.respondWith(pageNetworkFirst(request)); }
    return;
  }
  // Only the kinds of files the page caches; the API and everything else go to the network.
  var file = own ? /^\/(static|vendor)\//.test(url.pathname) || url.pathname === "/api/v1/perimeters"
    : request.destination === "script" || request.destination === "style";
  if (file) { event.respondWith(fileFromCache(event)); }
});
