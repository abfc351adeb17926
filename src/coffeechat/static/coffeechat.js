// Coffeechat's only script. Every page works without it; it adds small conveniences.
(function () {
  "use strict";

  // Pre-fill time zone fields from the browser, unless the person already chose one.
  function fillTimeZones() {
    var zone;
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
    if (!zone) return;
    document.querySelectorAll("[data-browser-tz]").forEach(function (field) {
      if (field.tagName === "SELECT") {
        if (field.dataset.chosen === "yes") return;
        if (Array.prototype.some.call(field.options, function (o) { return o.value === zone; })) {
          field.value = zone;
        }
      } else if (!field.value) {
        field.value = zone;
      }
    });
  }

  // "Select all" for bulk actions on the contact list.
  function wireSelectAll(root) {
    root.querySelectorAll("[data-select-all]").forEach(function (box) {
      box.addEventListener("change", function () {
        document.querySelectorAll("input[name=ids]").forEach(function (item) {
          item.checked = box.checked;
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    fillTimeZones();
    wireSelectAll(document);
  });
  document.addEventListener("htmx:afterSwap", function (event) { wireSelectAll(event.target); });
})();
