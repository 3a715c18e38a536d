// Walk maps: <div data-walk-map="plan"> draws a walk by tapping (it writes the same text
// fields a keyboard user fills), <div data-walk-map="live"> shows a walk's route, stops and
// findings and refreshes the list beside it. User text reaches the DOM via textContent only.
(function () {
  "use strict";

  var LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  var READ_TIMEOUT = 8000;

  // The map with the perimeter dashed; `framePerimeter` fits the view to it (planning).
  function baseMap(element, framePerimeter) {
    var map = L.map(element, { zoomControl: false, scrollWheelZoom: false });
    L.control.zoom({
      zoomInTitle: element.dataset.zoomIn,
      zoomOutTitle: element.dataset.zoomOut
    }).addTo(map);
    map.setView([48.7372, 2.2885], 16);
    if (element.dataset.tiles) {
      L.tileLayer(element.dataset.tiles, {
        maxZoom: 19, attribution: element.dataset.attribution
      }).addTo(map);
    }
    fetchJSON(element.dataset.perimeter).then(function (collection) {
      var perimeter = L.geoJSON(collection, {
        style: { color: "#005a70", weight: 2, dashArray: "6 4", fillOpacity: 0.08 },
        interactive: false
      }).addTo(map);
      if (framePerimeter && perimeter.getBounds().isValid()) {
        map.fitBounds(perimeter.getBounds(), { padding: [16, 16] });
      }
    }).catch(function () { /* the walk still draws without the perimeter */ });
    return map;
  }

  // Every reading has a deadline (reading the body included): on one bar of signal a
  // request that never answers is given up instead of holding the page.
  function fetchJSON(url) {
    var controller = new AbortController();
    var deadline = window.setTimeout(function () { controller.abort(); }, READ_TIMEOUT);
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin",
                        signal: controller.signal })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .finally(function () { window.clearTimeout(deadline); });
  }

  function label(text, className) {
    var span = document.createElement("span");
    span.textContent = text;
    return L.divIcon({ className: className, html: span.outerHTML, iconSize: [24, 24] });
  }

  function stopLetter(position) {
    return position <= LETTERS.length ? LETTERS.charAt(position - 1) : String(position);
  }

  // --- planning -----------------------------------------------------------------------
  function plan(element) {
    var form = element.closest("form");
    var stops = form.querySelector("textarea[name=stops]");
    var route = form.querySelector("textarea[name=route]");
    var nameInput = form.querySelector("[data-stop-name]");
    var tools = form.querySelector("[data-plan-tools]");
    var map = baseMap(element, true);
    var layer = L.layerGroup().addTo(map);
    tools.hidden = false;

    function lines(textarea) {
      return textarea.value.split("\n").filter(function (l) { return l.trim(); });
    }

    function redraw() {
      layer.clearLayers();
      var path = [];
      lines(route).forEach(function (line) {
        var parts = line.replace(/,/g, " ").trim().split(/\s+/).map(Number);
        if (parts.length === 2 && !isNaN(parts[0]) && !isNaN(parts[1])) {
          path.push([parts[1], parts[0]]);
        }
      });
      var stopPoints = [];
      lines(stops).forEach(function (line) {
        var parts = line.split(";");
        if (parts.length === 3) {
          stopPoints.push({ name: parts[0].trim(), at: [Number(parts[2]), Number(parts[1])] });
        }
      });
      var drawn = path.length > 1 ? path : stopPoints.map(function (s) { return s.at; });
      if (drawn.length > 1) { L.polyline(drawn, { color: "#6a1b9a", weight: 4 }).addTo(layer); }
      stopPoints.forEach(function (stop, index) {
        L.marker(stop.at, { icon: label(stopLetter(index + 1), "marker-stop"), title: stop.name,
          keyboard: false }).addTo(layer);
      });
    }

    map.on("click", function (event) {
      var lon = event.latlng.lng.toFixed(6);
      var lat = event.latlng.lat.toFixed(6);
      var mode = form.querySelector("[data-plan-mode]:checked").value;
      if (mode === "stop") {
        var name = nameInput.value.trim() ||
          element.dataset.defaultStop + " " + (lines(stops).length + 1);
        stops.value = lines(stops).concat([name + " ; " + lon + " ; " + lat]).join("\n");
        nameInput.value = "";
      } else {
        route.value = lines(route).concat([lon + " " + lat]).join("\n");
      }
      redraw();
    });
    stops.addEventListener("input", redraw);
    route.addEventListener("input", redraw);
    redraw();
  }

  // --- live walk ----------------------------------------------------------------------
  function live(element) {
    var map = baseMap(element, false);
    var layer = L.layerGroup().addTo(map);
    var list = document.querySelector(element.dataset.list);
    var fitted = false;

    function render(collection) {
      layer.clearLayers();
      var bounds = [];
      var findings = [];
      var letters = {};
      collection.features.forEach(function (feature) {
        var p = feature.properties;
        var c = feature.geometry.coordinates;
        if (p.role === "route") {
          var path = c.map(function (v) { return [v[1], v[0]]; });
          L.polyline(path, { color: "#6a1b9a", weight: 4 }).addTo(layer);
          bounds = bounds.concat(path);
        } else if (p.role === "stop") {
          letters[p.id] = stopLetter(p.position);
          L.marker([c[1], c[0]], { icon: label(stopLetter(p.position), "marker-stop"),
            title: stopLetter(p.position) + ". " + p.name, keyboard: false }).addTo(layer);
        } else if (p.role === "finding") {
          findings.push(feature);
          L.marker([c[1], c[0]], {
            icon: label(String(p.number), "marker-number" + (p.strong_point ? " strong" : "")),
            title: p.number + ". " + p.category_label, keyboard: false
          }).addTo(layer);
        }
      });
      if (!fitted && bounds.length) { map.fitBounds(bounds, { padding: [24, 24] }); fitted = true; }
      renderList(findings, letters);
      element.dataset.ready = "true";
    }

    function make(tag, className, text) {
      var node = document.createElement(tag);
      if (className) { node.className = className; }
      if (text) { node.textContent = text; }
      return node;
    }

    // The same card as the server renders (walks/show.html): number, category, strong or
    // weak point as a badge, stop, late flag, description.
    function renderList(findings, letters) {
      while (list.firstChild) { list.removeChild(list.firstChild); }
      findings.forEach(function (feature) {
        var p = feature.properties;
        var item = make("li", "card");
        item.value = p.number;
        var title = make("p", "card-title", p.number + ". ");
        var link = make("a", null, p.category_label);
        link.href = p.url;
        title.appendChild(link);
        item.appendChild(title);
        var meta = make("p", "item-meta");
        meta.appendChild(p.strong_point ? make("span", "badge badge-strong", element.dataset.strong)
          : make("span", "badge", element.dataset.weak));
        var words = [];
        if (p.stop_name) {
          words.push(element.dataset.stopWord + " " + letters[p.stop] + ". " + p.stop_name);
        }
        if (p.late) { words.push(element.dataset.late); }
        if (words.length) { meta.appendChild(document.createTextNode(" · " + words.join(" · "))); }
        item.appendChild(meta);
        if (p.description) { item.appendChild(make("p", "item-excerpt", p.description)); }
        list.appendChild(item);
      });
      var empty = document.querySelector("[data-empty]");
      if (empty) { empty.hidden = findings.length > 0; }
    }

    // One reading at a time, the next one `data-poll` seconds after the last one ended, and
    // none while the page is out of sight: readings never pile up behind one that hangs.
    var seconds = Number(element.dataset.poll);
    function refresh() {
      var reading = document.hidden ? Promise.resolve()
        : fetchJSON(element.dataset.src).then(render).catch(function () {
          element.dataset.ready = "error";
        });
      reading.then(function () {
        if (seconds > 0) { window.setTimeout(refresh, seconds * 1000); }
      });
    }

    refresh();
  }

  document.querySelectorAll("[data-walk-map]").forEach(function (element) {
    if (element.dataset.walkMap === "plan") { plan(element); } else { live(element); }
  });
})();
