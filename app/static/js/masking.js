// Moderation: rectangles to blur on a photo, drawn with a finger, a mouse or the keyboard.
// Each rectangle is a button over the photo bound to its entry of the form (the coordinate
// fields and the Flouter / Écarter choice that also work without this script); the form
// posts them all. A masked rectangle blurs the photo beneath it at once (preview); the
// server's blurred photo is shown below after saving. Text reaches the DOM by textContent.
(function () {
  "use strict";

  var MIN_SIDE = 4; // pixels of the photo: a tap without a drag draws nothing

  function editor(form) {
    var stage = form.querySelector("[data-stage]");
    var image = stage.querySelector("img");
    var list = form.querySelector("[data-zone-list]");
    var live = form.querySelector("[data-live]");
    var tools = form.querySelector("[data-tools]");
    var help = tools.querySelector(".hint");
    var width = Number(form.dataset.width);
    var height = Number(form.dataset.height);
    var step = Math.max(1, Math.round(Math.max(width, height) / 100));
    var entries = Array.prototype.slice.call(list.querySelectorAll("[data-zone]"));
    var prototype = entries.pop(); // the blank entry: cloned for each new rectangle
    var nextIndex = entries.length + 1;
    var zones = [];
    var gesture = null;

    prototype.remove();
    tools.hidden = false;
    var overlay = stage.querySelector("[data-static-overlay]");
    if (overlay) { overlay.remove(); }

    function field(entry, name) {
      return entry.querySelector("input[name$='-" + name + "']:not([type=radio])");
    }
    function radio(entry, value) {
      return entry.querySelector("input[type=radio][value='" + value + "']");
    }
    function box(zone) {
      return ["x", "y", "width", "height"].map(function (name) {
        return Number(field(zone.entry, name).value) || 0;
      });
    }
    function setBox(zone, values) {
      ["x", "y", "width", "height"].forEach(function (name, i) {
        field(zone.entry, name).value = String(Math.round(values[i]));
      });
      draw(zone);
    }
    function state(zone) {
      if (radio(zone.entry, "mask").checked) { return "masked"; }
      if (radio(zone.entry, "dismiss").checked) { return "dismissed"; }
      return "suggested";
    }
    function kindLabel(entry) {
      var kind = entry.dataset.kind;
      return kind === "manual" ? form.dataset.labelAdded
        : form.dataset["kind" + kind.charAt(0).toUpperCase() + kind.slice(1)] + " "
          + form.dataset.labelDetected;
    }
    function describe(zone) {
      var b = box(zone);
      return form.dataset.labelZone + " " + zone.number + ", " + kindLabel(zone.entry) + ", "
        + form.dataset["label" + state(zone).charAt(0).toUpperCase() + state(zone).slice(1)]
        + " : " + b[2] + " × " + b[3] + " " + form.dataset.labelPixels + " " + b[0] + ", "
        + b[1];
    }

    function draw(zone) {
      var b = box(zone);
      zone.button.style.left = (b[0] / width * 100) + "%";
      zone.button.style.top = (b[1] / height * 100) + "%";
      zone.button.style.width = (b[2] / width * 100) + "%";
      zone.button.style.height = (b[3] / height * 100) + "%";
      zone.button.dataset.state = state(zone);
      zone.button.setAttribute("aria-label", describe(zone));
    }

    function bind(entry) {
      var button = document.createElement("button");
      var number = document.createElement("span");
      var handle = document.createElement("span");
      var zone = { entry: entry, button: button, number: zones.length + 1 };
      button.type = "button";
      button.className = "mask-box";
      button.setAttribute("aria-describedby", help.id);
      number.className = "mask-box-number";
      number.textContent = String(zone.number);
      number.setAttribute("aria-hidden", "true");
      handle.className = "mask-box-handle";
      handle.setAttribute("aria-hidden", "true");
      button.appendChild(number);
      button.appendChild(handle);
      stage.appendChild(button);
      zones.push(zone);
      entry.addEventListener("change", function () { draw(zone); });
      entry.addEventListener("input", function () { draw(zone); });
      button.addEventListener("keydown", function (event) { onKey(zone, event); });
      button.addEventListener("pointerdown", function (event) {
        event.stopPropagation();
        start(event, zone, event.target === handle ? "resize" : "move");
      });
      button.addEventListener("focus", function () { select(zone); });
      draw(zone);
      return zone;
    }

    function select(zone) {
      zones.forEach(function (other) {
        other.entry.classList.toggle("is-current", other === zone);
      });
    }

    function announce(zone) { live.textContent = describe(zone); }

    function addEntry(values, region, kind) {
      var entry = prototype.cloneNode(true);
      var index = nextIndex++;
      Array.prototype.forEach.call(entry.querySelectorAll("[name], [id], [for]"), function (el) {
        ["name", "id", "for"].forEach(function (attribute) {
          var value = el.getAttribute(attribute);
          if (value) {
            el.setAttribute(attribute, value.replace(/-zones-\d+-/, "-zones-" + index + "-"));
          }
        });
      });
      entry.dataset.kind = kind || "manual";
      field(entry, "region").value = region ? String(region) : "";
      radio(entry, "mask").checked = !region;
      radio(entry, "dismiss").checked = false;
      entry.querySelector("details").open = false;
      list.appendChild(entry);
      var zone = bind(entry);
      entry.querySelector("[data-zone-legend]").textContent =
        form.dataset.labelZone + " " + zone.number + " : " + kindLabel(entry);
      setBox(zone, values);
      return zone;
    }

    function removeOrDismiss(zone) {
      if (!field(zone.entry, "region").value) { // drawn here and not yet saved
        zone.entry.remove();
        zone.button.remove();
        zones.splice(zones.indexOf(zone), 1);
        return;
      }
      radio(zone.entry, "dismiss").checked = true;
      draw(zone);
      announce(zone);
    }

    function clamp(values) {
      var w = Math.min(Math.max(values[2], 1), width);
      var h = Math.min(Math.max(values[3], 1), height);
      return [Math.min(Math.max(values[0], 0), width - w),
        Math.min(Math.max(values[1], 0), height - h), w, h];
    }

    function onKey(zone, event) {
      var moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
      if (event.key === "Delete" || event.key === "Backspace") {
        event.preventDefault();
        removeOrDismiss(zone);
        return;
      }
      var move = moves[event.key];
      if (!move) { return; }
      event.preventDefault();
      var b = box(zone);
      if (event.shiftKey) {
        b[2] += move[0] * step;
        b[3] += move[1] * step;
      } else {
        b[0] += move[0] * step;
        b[1] += move[1] * step;
      }
      setBox(zone, clamp(b));
      announce(zone);
    }

    function photoPoint(event) {
      var rect = image.getBoundingClientRect();
      return [(event.clientX - rect.left) / rect.width * width,
        (event.clientY - rect.top) / rect.height * height];
    }

    function start(event, zone, mode) {
      event.preventDefault();
      stage.setPointerCapture(event.pointerId);
      gesture = { zone: zone, mode: mode, from: photoPoint(event), box: zone ? box(zone) : null };
      if (zone) { zone.button.focus(); }
    }

    stage.addEventListener("pointerdown", function (event) {
      if (event.button > 0) { return; }
      start(event, null, "draw");
    });
    stage.addEventListener("pointermove", function (event) {
      if (!gesture) { return; }
      var at = photoPoint(event);
      var dx = at[0] - gesture.from[0];
      var dy = at[1] - gesture.from[1];
      if (gesture.mode === "draw") {
        if (!gesture.zone && Math.abs(dx) < MIN_SIDE && Math.abs(dy) < MIN_SIDE) { return; }
        var values = clamp([Math.min(at[0], gesture.from[0]), Math.min(at[1], gesture.from[1]),
          Math.abs(dx), Math.abs(dy)]);
        if (!gesture.zone) { gesture.zone = addEntry(values, null, "manual"); }
        setBox(gesture.zone, values);
      } else if (gesture.mode === "move") {
        setBox(gesture.zone, clamp([gesture.box[0] + dx, gesture.box[1] + dy,
          gesture.box[2], gesture.box[3]]));
      } else {
        setBox(gesture.zone, clamp([gesture.box[0], gesture.box[1],
          gesture.box[2] + dx, gesture.box[3] + dy]));
      }
    });
    function finish() {
      if (!gesture) { return; }
      var zone = gesture.zone;
      gesture = null;
      if (zone) {
        zone.button.focus();
        announce(zone);
      }
    }
    stage.addEventListener("pointerup", finish);
    stage.addEventListener("pointercancel", finish);

    tools.querySelector("[data-add]").addEventListener("click", function () {
      var side = Math.round(Math.min(width, height) / 4);
      var zone = addEntry([(width - side) / 2, (height - side) / 2, side, side], null, "manual");
      zone.button.focus();
      announce(zone);
    });

    entries.forEach(bind);

    var detectUrl = form.dataset.detectUrl;
    if (detectUrl) { detect(detectUrl); }

    function detect(url) {
      var note = form.parentNode.querySelector("[data-detection-note]");
      var button = form.parentNode.querySelector("[data-detect-form]");
      var token = form.querySelector("input[name=csrf_token]").value;
      fetch(url, { method: "POST", credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": token } })
        .then(function (response) {
          if (!response.ok) { throw new Error("HTTP " + response.status); }
          return response.json();
        })
        .then(function (answer) {
          var known = zones.map(function (zone) { return field(zone.entry, "region").value; });
          answer.regions.forEach(function (region) {
            if (known.indexOf(String(region.id)) < 0 && region.state === "suggested") {
              var zone = addEntry(region.box, region.id, region.kind);
              radio(zone.entry, "mask").checked = false;
              draw(zone);
            }
          });
          note.textContent = answer.note;
          note.classList.toggle("detection-failed", answer.state === "failed");
          if (button) { button.remove(); }
        })
        .catch(function () {
          note.textContent = form.dataset.labelUnreachable;
          note.classList.add("detection-failed");
        });
    }
  }

  document.querySelectorAll("form[data-mask-editor]").forEach(editor);
}());
