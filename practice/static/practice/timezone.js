// The timezone picker's enhancement (practice/zones.py): a search box over the zones, and this
// device's zone listed first. Without JavaScript the grouped select is the whole picker.
(function () {
  "use strict";

  function deviceZone() {
    try { return Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { return ""; }
  }

  function words(text) { return text.toLowerCase().replace(/[_/–-]+/g, " ").trim(); }

  function putDeviceZoneFirst(select, zone) {
    var known = Array.prototype.some.call(select.options, function (o) { return o.value === zone; });
    if (!zone || !known) return;
    var first = select.querySelector("optgroup");
    if (first && first.querySelector('option[value="' + CSS.escape(zone) + '"]')) return;
    var group = document.createElement("optgroup");
    group.label = "This device";
    group.appendChild(new Option(zone.replace(/_/g, " "), zone));
    select.insertBefore(group, select.firstChild);
  }

  function enhance(picker) {
    var select = picker.querySelector("select");
    if (!select || picker.querySelector(".tz-search")) return;
    putDeviceZoneFirst(select, deviceZone());

    var seen = {};
    var list = document.createElement("datalist");
    list.id = select.id + "-zones";
    Array.prototype.forEach.call(select.options, function (o) {
      if (seen[o.value]) return;
      seen[o.value] = true;
      var place = o.value.replace(/_/g, " ");
      list.appendChild(new Option(place, place));
    });

    var label = document.createElement("label");
    label.className = "visually-hidden";
    label.htmlFor = select.id + "-search";
    label.textContent = "Search time zones";
    var search = document.createElement("input");
    search.type = "search";
    search.id = select.id + "-search";
    search.className = "tz-search";
    search.placeholder = "Search a city, e.g. Madrid";
    search.autocomplete = "off";
    search.setAttribute("list", list.id);
    var found = document.createElement("p");
    found.className = "tz-found";
    found.setAttribute("aria-live", "polite");

    search.addEventListener("input", function () {
      var wanted = words(search.value);
      if (!wanted) { found.textContent = ""; return; }
      var matches = Object.keys(seen).filter(function (zone) { return words(zone).indexOf(wanted) !== -1; });
      var exact = matches.filter(function (zone) { return words(zone) === wanted || words(zone.split("/").pop()) === wanted; });
      var pick = exact.length ? exact[0] : matches.length === 1 ? matches[0] : "";
      if (pick) {
        select.value = pick;
        select.dispatchEvent(new Event("change", { bubbles: true }));
        found.textContent = "Chosen: " + pick.replace(/_/g, " ");
      } else {
        found.textContent = matches.length ? matches.length + " zones match: keep typing or pick one from the list." : "No zone matches.";
      }
    });

    picker.insertBefore(found, select.nextSibling);
    picker.insertBefore(list, picker.firstChild);
    picker.insertBefore(search, picker.firstChild);
    picker.insertBefore(label, picker.firstChild);
  }

  function enhanceAll() { document.querySelectorAll("[data-tz-picker]").forEach(enhance); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", enhanceAll);
  else enhanceAll();
})();
