// Draws every <div data-map data-src="…GeoJSON…"> with Leaflet.
// Works without tiles (data-tiles empty or unreachable): the perimeter is still drawn.
// User text only ever reaches the DOM through textContent.
(function () {
  "use strict";

  function draw(element) {
    var map = L.map(element, { zoomControl: false, scrollWheelZoom: false });
    L.control.zoom({
      zoomInTitle: element.dataset.zoomIn,
      zoomOutTitle: element.dataset.zoomOut
    }).addTo(map);
    map.setView([48.7372, 2.2885], 16);
    if (element.dataset.tiles) {
      L.tileLayer(element.dataset.tiles, {
        maxZoom: 19,
        attribution: element.dataset.attribution
      }).addTo(map);
    }
    fetch(element.dataset.src, { headers: { Accept: "application/geo+json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (collection) {
        var layer = L.geoJSON(collection, {
          style: { color: "#005a70", weight: 3, fillOpacity: 0.12 },
          onEachFeature: function (feature, featureLayer) {
            var label = document.createElement("span");
            label.textContent = feature.properties.name + " (" + feature.properties.code + ")";
            featureLayer.bindTooltip(label);
          }
        }).addTo(map);
        if (layer.getBounds().isValid()) { map.fitBounds(layer.getBounds(), { padding: [12, 12] }); }
        element.dataset.ready = "true";
      })
      .catch(function () {
        element.dataset.ready = "error";
      });
  }

  document.querySelectorAll("[data-map]").forEach(draw);
})();
