// Tenure zones on a map: draws the stored zones of <div data-zone-map data-src="…">, and
// lets an administrator draw a polygon by tapping its vertices. The polygon is written as
// GeoJSON into the textarea named by data-draw-target, which stays the keyboard path:
// whatever is typed there is drawn back on the map. User text reaches the DOM only
// through textContent.
(function () {
  "use strict";

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/geo+json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      });
  }

  function ringOf(textarea) {
    try {
      var geometry = JSON.parse(textarea.value);
      if (geometry && geometry.type === "Feature") { geometry = geometry.geometry; }
      if (geometry && geometry.type === "Polygon") {
        return geometry.coordinates[0].slice(0, -1).map(function (c) { return [c[1], c[0]]; });
      }
    } catch (ignored) {
      // Not (yet) valid GeoJSON while someone types: keep the drawing as it is.
    }
    return null;
  }

  function setUp(element) {
    var map = L.map(element, { scrollWheelZoom: false });
    map.setView([48.7372, 2.2885], 16);
    if (element.dataset.tiles) {
      L.tileLayer(element.dataset.tiles, { maxZoom: 19, attribution: element.dataset.attribution })
        .addTo(map);
    }
    getJSON(element.dataset.perimeters).then(function (collection) {
      var perimeter = L.geoJSON(collection, { style: { color: "#005a70", weight: 2, fillOpacity: 0 } })
        .addTo(map);
      if (perimeter.getBounds().isValid()) { map.fitBounds(perimeter.getBounds()); }
    });
    getJSON(element.dataset.src).then(function (collection) {
      L.geoJSON(collection, {
        style: { color: "#5c2d91", weight: 2, fillOpacity: 0.2 },
        onEachFeature: function (feature, layer) {
          var label = document.createElement("span");
          label.textContent = feature.properties.name;
          layer.bindTooltip(label);
        }
      }).addTo(map);
    });

    var textarea = document.getElementById(element.dataset.drawTarget);
    var undo = document.querySelector("[data-draw-undo]");
    var clear = document.querySelector("[data-draw-clear]");
    var vertices = ringOf(textarea) || [];
    var shape = L.polygon([], { color: "#a4262c", weight: 3 }).addTo(map);

    function show() {
      shape.setLatLngs(vertices);
      undo.hidden = clear.hidden = vertices.length === 0;
    }

    function write() {
      if (vertices.length < 3) { textarea.value = ""; return; }
      var ring = vertices.map(function (v) { return [+v[1].toFixed(7), +v[0].toFixed(7)]; });
      ring.push(ring[0]);
      textarea.value = JSON.stringify({ type: "Polygon", coordinates: [ring] });
    }

    map.on("click", function (event) {
      vertices.push([event.latlng.lat, event.latlng.lng]);
      show();
      write();
    });
    undo.addEventListener("click", function () { vertices.pop(); show(); write(); });
    clear.addEventListener("click", function () { vertices = []; show(); write(); });
    textarea.addEventListener("input", function () {
      var ring = ringOf(textarea);
      if (ring) { vertices = ring; show(); }
    });
    show();
  }

  document.querySelectorAll("[data-zone-map]").forEach(setUp);
}());
