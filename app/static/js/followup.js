// The follow-up's maps, on top of map.js (loaded first, it leaves the Leaflet map on the
// element): [data-clusters] asks the server for grouped markers of the view at each move;
// [data-hotspots] draws 30 m circles around recurring hotspots. Labels come from the server
// and reach the DOM through textContent only.
(function () {
  "use strict";

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      });
  }

  function withParams(url, params) {
    return url + (url.indexOf("?") < 0 ? "?" : "&") + params;
  }

  function marker(latlng, label, count, className) {
    var badge = document.createElement("span");
    badge.textContent = String(count);
    var icon = L.divIcon({ className: className, html: badge, iconSize: [40, 40] });
    var result = L.marker(latlng, { icon: icon, title: label, keyboard: true });
    result.on("add", function () { result.getElement().setAttribute("aria-label", label); });
    return result;
  }

  function clusters(element, map) {
    var layer = L.layerGroup().addTo(map);
    function refresh() {
      var b = map.getBounds();
      var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]
        .map(function (n) { return n.toFixed(6); }).join(",");
      getJSON(withParams(element.dataset.clusters, "bbox=" + bbox + "&zoom=" + map.getZoom()))
        .then(function (data) {
          layer.clearLayers();
          data.clusters.forEach(function (c) {
            var latlng = [c.lat, c.lon];
            var m = marker(latlng, c.label, c.count,
                           "cluster-marker" + (c.overdue ? " cluster-overdue" : ""));
            m.on("click", function () {
              if (c.url) { window.location.href = c.url; } else { map.setView(latlng, map.getZoom() + 2); }
            });
            layer.addLayer(m);
          });
          element.dataset.clustersReady = "true";
        })
        .catch(function () { element.dataset.clustersReady = "error"; });
    }
    map.on("moveend", refresh);
    refresh();
  }

  function hotspots(element, map) {
    getJSON(element.dataset.hotspots).then(function (collection) {
      collection.features.forEach(function (feature) {
        var c = feature.geometry.coordinates, p = feature.properties;
        L.circle([c[1], c[0]], { radius: p.radius, color: "#a4262c", weight: 2 }).addTo(map);
        marker([c[1], c[0]], p.label, p.number, "cluster-marker cluster-overdue").addTo(map);
      });
      element.dataset.hotspotsReady = "true";
    }).catch(function () { element.dataset.hotspotsReady = "error"; });
  }

  document.querySelectorAll("[data-clusters]").forEach(function (element) {
    if (element.arpenteurMap) { clusters(element, element.arpenteurMap); }
  });
  document.querySelectorAll("[data-hotspots]").forEach(function (element) {
    if (element.arpenteurMap) { hotspots(element, element.arpenteurMap); }
  });
})();
