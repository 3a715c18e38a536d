// Draws every <div data-map data-src="…perimeters GeoJSON…"> with Leaflet, plus, when
// present, the items of data-items (GeoJSON) in view as keyboard-focusable pins, or as
// counts per area (server clusters) when too many fall in view, and the single point of
// data-point ("lon,lat"). The view frames the perimeter together with the point, so a
// person sees where in the neighbourhood it is. Works without tiles (data-tiles empty or
// unreachable). User text only ever reaches the DOM through textContent.
(function () {
  "use strict";

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/geo+json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      });
  }

  function pin(latlng, title, className) {
    return L.marker(latlng, {
      title: title,
      alt: title,
      keyboard: true,
      icon: L.divIcon({ className: className, iconSize: [22, 22], iconAnchor: [11, 22] })
    });
  }

  function itemPopup(properties, openLabel) {
    var box = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = properties.title || properties.category_label;
    var state = document.createElement("p");
    state.textContent = properties.status_label + " · n° " + properties.reference;
    var link = document.createElement("a");
    link.href = properties.url;
    link.textContent = openLabel;
    box.appendChild(title);
    box.appendChild(state);
    box.appendChild(link);
    return box;
  }

  // Above this many items in view, the server answers counts per area (clusters), which
  // a phone draws at once; zooming in brings the items themselves.
  var CLUSTER_OVER = 300;

  function clusterMarker(latlng, count, element, map) {
    var label = count + " " + (count === 1 ? element.dataset.clusterOne : element.dataset.clusterMany);
    var marker = L.marker(latlng, {
      title: label,
      alt: label,
      keyboard: true,
      icon: L.divIcon({ className: "map-cluster", iconSize: [44, 44], iconAnchor: [22, 22] })
    });
    marker.on("add", function () { marker.getElement().textContent = String(count); });
    marker.on("click", function () { map.setView(latlng, Math.min(map.getZoom() + 2, 19)); });
    return marker;
  }

  function clamp(value, limit) { return Math.max(-limit, Math.min(limit, value)).toFixed(6); }

  // The box asked for is the view widened to a grid of its zoom level, a quarter of a map
  // tile (about 100 m by 150 m at zoom 16): every phone framing the same part of the
  // neighbourhood asks the same question, which the server keeps answered until an item
  // changes (app/items/kept_answers.py), and a pan within the grid asks nothing new.
  function gridBox(map) {
    var b = map.getBounds(), step = 90 / Math.pow(2, map.getZoom());
    function down(value) { return Math.floor(value / step) * step; }
    function up(value) { return Math.ceil(value / step) * step; }
    return [clamp(down(b.getWest()), 180), clamp(down(b.getSouth()), 90),
            clamp(up(b.getEast()), 180), clamp(up(b.getNorth()), 90)].join(",");
  }

  // The items (or clusters) in view, read again whenever the view leaves the box last
  // asked for; an answer that arrives after a newer one was asked for is dropped.
  function drawItems(map, element) {
    var layer = L.layerGroup().addTo(map);
    var base = element.dataset.items;
    var asked = 0, lastBox = null;
    function refresh() {
      var bbox = gridBox(map);
      if (bbox === lastBox) { return Promise.resolve(); }
      var ticket = ++asked;
      lastBox = bbox;
      var url = base + (base.indexOf("?") < 0 ? "?" : "&") + "bbox=" + bbox +
        "&clusters=" + CLUSTER_OVER + "&fields=map";
      return getJSON(url).then(function (collection) {
        if (ticket !== asked) { return; }
        layer.clearLayers();
        element.dataset.drawn = ticket;  // observable: the view in place answers this move
        element.dataset.view = collection.clustered ? "clusters" : "items";
        collection.features.forEach(function (feature) {
          var c = feature.geometry.coordinates, p = feature.properties;
          if (p.cluster) {
            clusterMarker([c[1], c[0]], p.count, element, map).addTo(layer);
            return;
          }
          // The lean features carry codes; their labels and page address come once.
          p.category_label = collection.labels.category[p.category];
          p.status_label = collection.labels.status[p.status];
          p.url = collection.item_url + feature.id;
          pin([c[1], c[0]], (p.title || p.category_label) + " — " + p.status_label, "map-pin")
            .bindPopup(itemPopup(p, element.dataset.openLabel))
            .addTo(layer);
        });
      }, function (error) {
        if (ticket === asked) { lastBox = null; }  // the next move asks again
        throw error;
      });
    }
    map.on("moveend", refresh);
    return refresh();
  }

  function draw(element) {
    var map = L.map(element, { zoomControl: false, scrollWheelZoom: false });
    element.arpenteurMap = map;  // page modules loaded after this one add their layers
    L.control.zoom({
      zoomInTitle: element.dataset.zoomIn,
      zoomOutTitle: element.dataset.zoomOut
    }).addTo(map);
    var point = null;
    if (element.dataset.point) {
      var lonLat = element.dataset.point.split(",").map(Number);
      point = L.latLng(lonLat[1], lonLat[0]);
      pin(point, element.getAttribute("aria-label"), "map-pin map-pin-current").addTo(map);
    }
    map.setView(point || [48.7372, 2.2885], 16);
    if (element.dataset.tiles) {
      L.tileLayer(element.dataset.tiles, {
        maxZoom: 19,
        attribution: element.dataset.attribution
      }).addTo(map);
    }
    var framed = getJSON(element.dataset.src).then(function (collection) {
      var perimeter = L.geoJSON(collection, {
        style: { color: "#005a70", weight: 3, fillOpacity: 0.12 },
        onEachFeature: function (feature, featureLayer) {
          var label = document.createElement("span");
          label.textContent = feature.properties.name + " (" + feature.properties.code + ")";
          featureLayer.bindTooltip(label);
        }
      }).addTo(map);
      var frame = perimeter.getBounds();
      if (frame.isValid()) {
        if (point) { frame.extend(point); }
        map.fitBounds(frame, { padding: [16, 16], animate: false });
      }
    });
    var layers = [framed];
    // The items are read for the framed view, once it is in place (not for the first one).
    if (element.dataset.items) {
      layers.push(framed.catch(function () { return null; }).then(function () {
        return drawItems(map, element);
      }));
    }
    Promise.all(layers)
      .then(function () { element.dataset.ready = "true"; })
      .catch(function () { element.dataset.ready = "error"; });
  }

  document.querySelectorAll("[data-map]").forEach(draw);
})();
