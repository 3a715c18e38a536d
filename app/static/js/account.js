// "Mon compte": offer to attach the items this phone sent without an account. The capture
// page keeps their tracking links in localStorage ("arpenteur-sent"); they are put in the
// form for the person to send, and forgotten once sent.
(function () {
  "use strict";
  var section = document.querySelector("[data-attach]");
  if (!section) { return; }
  var STORE = "arpenteur-sent";
  var sent;
  try { sent = JSON.parse(localStorage.getItem(STORE) || "[]"); } catch (error) { sent = []; }
  if (!Array.isArray(sent) || !sent.length) { return; }
  var links = sent.map(function (entry) { return entry && entry.url; }).filter(Boolean);
  var area = section.querySelector("textarea");
  if (!links.length || !area) { return; }
  if (!area.value.trim()) { area.value = links.join("\n"); }
  var found = section.querySelector("[data-attach-found]");
  found.textContent = found.dataset.msgFound.split("{count}").join(String(links.length));
  found.hidden = false;
  section.querySelector("form").addEventListener("submit", function () {
    localStorage.removeItem(STORE);
  });
})();
