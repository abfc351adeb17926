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

  // Uploads: a progress bar while the file goes up, then "checking" until the preview.
  function uploadForm(event) {
    var target = event.target;
    return target && target.closest ? target.closest("[data-upload-progress]") : null;
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = uploadForm(event);
    if (!form) return;
    var bar = form.querySelector("progress");
    var button = form.querySelector("button[type=submit]");
    if (bar) { bar.hidden = false; bar.value = 0; }
    if (button) { button.setAttribute("aria-busy", "true"); button.textContent = "Uploading…"; }
  });
  document.addEventListener("htmx:xhr:progress", function (event) {
    var form = uploadForm(event);
    var detail = event.detail;
    if (!form || !detail || !detail.lengthComputable) return;
    var bar = form.querySelector("progress");
    var button = form.querySelector("button[type=submit]");
    if (!bar) return;
    if (detail.loaded >= detail.total) {
      bar.removeAttribute("value");  // indeterminate while the server reads the file
      if (button) button.textContent = "Checking your file…";
    } else {
      bar.value = Math.round((detail.loaded / detail.total) * 100);
    }
  });

  // The composer: copy the message, and open the mail app with what is in the form now
  // (the link the page was rendered with may be older than the student's last edit).
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!target || !target.closest) return;
    var copy = target.closest("[data-copy]");
    if (copy) {
      var source = document.querySelector(copy.getAttribute("data-copy"));
      if (!source) return;
      var done = function () { copy.textContent = "Copied ✓"; };
      var fallback = function () {  // plain http on a school network has no clipboard API
        source.select();
        if (document.execCommand("copy")) done();
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(source.value).then(done, fallback);
      } else {
        fallback();
      }
      return;
    }
    var mail = target.closest("[data-mailto]");
    if (mail) {
      var subject = document.getElementById("id_subject");
      var body = document.getElementById("id_body");
      var base = mail.getAttribute("href").split("?")[0];
      var encode = function (text) {
        return encodeURIComponent(text.replace(/\r?\n/g, "\r\n"));
      };
      var query = [];
      if (subject) query.push("subject=" + encode(subject.value));
      if (body) query.push("body=" + encode(body.value));
      mail.setAttribute("href", base + "?" + query.join("&"));
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    fillTimeZones();
    wireSelectAll(document);
  });
  document.addEventListener("htmx:afterSwap", function (event) { wireSelectAll(event.target); });
})();
