// Live mode, its summary, and solo practice. The pages work without this file (every form
// posts normally); with it, the conversation timer ticks, practice timers run, and nothing
// typed during a conversation is lost to a dropped connection or a reload.
//
// How nothing is lost: every htmx request from an element inside [data-keep] is first
// written to localStorage (one entry per change, keyed by the meeting), and removed only
// when the server answers it. Entries left over (offline, server down, page reloaded) are
// shown as "not saved yet" and sent again on load, when the browser is back online, and
// every few seconds. New notes and referrals carry a client_key, so the server keeps one
// copy however many times a capture is sent.
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  var RETRY_MS = 3000;
  var NOT_SAVED = "Not saved yet — will retry";
  var root = null;
  var storeKey = "";
  var fallback = {};  // when localStorage is unavailable (some private windows)
  var flushing = false;

  // Pending changes ------------------------------------------------------------------------

  function load() {
    try {
      var raw = window.localStorage.getItem(storeKey);
      return raw ? JSON.parse(raw) : {};
    } catch (e) {
      return fallback;
    }
  }

  function store(pending) {
    fallback = pending;
    try {
      if (Object.keys(pending).length) {
        window.localStorage.setItem(storeKey, JSON.stringify(pending));
      } else {
        window.localStorage.removeItem(storeKey);
      }
    } catch (e) { /* kept in memory only */ }
  }

  function entries() {
    var pending = load();
    return Object.keys(pending).map(function (key) { return pending[key]; })
      .sort(function (a, b) { return a.at - b.at; });
  }

  // Changes that failed to reach the server, or were left by an earlier visit: the ones the
  // page calls "not saved yet". (A change on its way is not, unless it fails.)
  var loadedAt = Date.now();
  function unsaved() {
    return entries().filter(function (entry) { return entry.failed || entry.at < loadedAt; });
  }

  function randomId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function byKey(key) {
    var found = null;
    document.querySelectorAll("[data-keep]").forEach(function (el) {
      if (el.getAttribute("data-keep") === key) found = el;
    });
    return found;
  }

  function pathOf(url) {
    try { return new URL(url, window.location.href).pathname; } catch (e) { return ""; }
  }

  // "saved": the server answered (a form error counts: sending it again will not help).
  // "gone": the thing no longer exists. "retry": offline, server trouble, signed out.
  function outcome(status, redirected) {
    if (redirected) return "retry";  // the sign-in page, not our answer
    if (status >= 200 && status < 300) return "saved";
    if (status === 404 || status === 400 || status === 405 || status === 410) return "gone";
    return "retry";
  }

  function csrfToken() {
    try {
      var headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
      if (headers["X-CSRFToken"]) return headers["X-CSRFToken"];
    } catch (e) { /* fall through */ }
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function labelFor(keeper, values) {
    var label = keeper.getAttribute("data-keep-label") || "";
    var kind = keeper.querySelector("input[name=kind]:checked");
    if (kind && kind.closest("label")) label = kind.closest("label").textContent.trim();
    var words = values.text || values.name || "";
    return words ? label + ": " + words : label;
  }

  // What the page shows ----------------------------------------------------------------------

  function showStatus(message) {
    var status = document.getElementById("save-status");
    if (!status) return;
    var count = unsaved().length;
    var text = message;
    if (!text) {
      if (count) {
        text = NOT_SAVED + (count > 1 ? " (" + count + " changes)" : "") +
          (navigator.onLine ? "." : " when you are back online.");
      } else {
        // The summary speaks up only about changes left over from live mode.
        text = root && root.hasAttribute("data-live-summary") ? "" : "All changes saved.";
      }
    }
    if (status.textContent !== text) status.textContent = text;
    status.setAttribute("data-state", count ? "pending" : "saved");
  }

  function setPressed(form, state) {
    form.querySelectorAll("button[data-state]").forEach(function (button) {
      var on = button.getAttribute("data-state") === state;
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.value = on ? "planned" : button.getAttribute("data-state");
    });
  }

  // Put a pending change back into the page: after a reload, or after a swap that
  // re-rendered the element from the server's (older) copy. A field the student has typed
  // in since it was drawn holds newer words than the entry, and is left alone.
  function restore(entry, keeper) {
    var fields = keeper.matches("input, textarea, select") ? [keeper]
      : Array.prototype.slice.call(keeper.querySelectorAll("input[name], textarea[name], select[name]"));
    fields.forEach(function (field) {
      if (field.type === "hidden" || !(field.name in entry.values)) return;
      if (field.tagName !== "SELECT" && field.value !== field.defaultValue) return;
      field.value = entry.values[field.name];
    });
    if ("state" in entry.values) setPressed(keeper, entry.values.state);
  }

  function markNotSaved(entry, keeper) {
    keeper.classList.add("not-saved");
    var status = entry.swap === "innerHTML" && entry.target ? document.querySelector(entry.target) : null;
    if (status) status.textContent = NOT_SAVED;
  }

  function renderPending(restoreValues) {
    document.querySelectorAll("[data-pending-key]").forEach(function (item) { item.remove(); });
    document.querySelectorAll(".not-saved").forEach(function (el) { el.classList.remove("not-saved"); });
    if (restoreValues) {
      entries().forEach(function (entry) {
        var keeper = entry.list ? null : byKey(entry.key);
        if (keeper) restore(entry, keeper);
      });
    }
    unsaved().forEach(function (entry) {
      if (entry.list) {
        var list = document.querySelector(entry.list);
        if (!list) return;
        var item = document.createElement("li");
        item.className = "pending-item";
        item.setAttribute("data-pending-key", entry.key);
        var words = document.createElement("span");
        words.textContent = entry.label;
        var note = document.createElement("small");
        note.textContent = NOT_SAVED;
        item.appendChild(words);
        item.appendChild(document.createTextNode(" "));
        item.appendChild(note);
        list.appendChild(item);
        return;
      }
      var keeper = byKey(entry.key);
      if (keeper) markNotSaved(entry, keeper);
    });
    showStatus();
  }

  // A capture form, once its note or referral is sent (or kept to send later), is ready
  // for the next one: empty, with a new client_key.
  function readyForNext(keeper) {
    if (!keeper.isConnected || !keeper.hasAttribute("data-keep-list")) return;
    keeper.querySelectorAll("input[type=text], input[type=email], textarea").forEach(function (field) {
      field.value = "";
    });
    var key = keeper.querySelector("input[name=client_key]");
    if (key) key.value = randomId();
    if (keeper.id) storeDraft(keeper);
  }

  function settle(sent, result) {
    var pending = load();
    var entry = pending[sent.key];
    if (entry && result === "retry") {
      entry.failed = true;
      store(pending);
    } else if (entry && entry.version === sent.version) {
      delete pending[sent.key];
      store(pending);
    }
    renderPending(false);
  }

  // Recording and confirming changes ---------------------------------------------------------

  function fieldValues(form, extra) {
    var values = {};
    if (form) {
      new FormData(form).forEach(function (value, name) {
        if (name !== "csrfmiddlewaretoken" && typeof value === "string") values[name] = value;
      });
    }
    if (extra) values[extra.name] = extra.value;
    return values;
  }

  // An autosaving field (a question's note) is kept from the first keystroke: a reload
  // inside htmx's typing delay would otherwise lose the last words.
  function keepTyping(field) {
    var pending = load();
    pending[field.getAttribute("data-keep")] = {
      key: field.getAttribute("data-keep"),
      version: randomId(),
      at: Date.now(),
      path: field.getAttribute("hx-post"),
      values: fieldValues(field.form, field),
      target: field.getAttribute("hx-target") || "",
      swap: field.getAttribute("hx-swap") || "innerHTML",
      list: "",
      label: ""
    };
    store(pending);
  }

  // Words typed into a capture form but not sent yet stay in this browser until sent.
  function draftsKey() { return storeKey.replace("coffeechat:live:", "coffeechat:live-drafts:"); }

  function loadDrafts() {
    try { return JSON.parse(window.localStorage.getItem(draftsKey()) || "{}"); } catch (e) { return {}; }
  }

  function storeDraft(form) {
    var drafts = loadDrafts();
    var values = fieldValues(form);
    delete values.client_key;
    var typed = Object.keys(values).some(function (name) {
      var field = form.elements.namedItem(name);
      return field && field.type !== "radio" && values[name];
    });
    if (typed) drafts[form.id] = values; else delete drafts[form.id];
    try { window.localStorage.setItem(draftsKey(), JSON.stringify(drafts)); } catch (e) { /* ignore */ }
  }

  function restoreDrafts() {
    var drafts = loadDrafts();
    Object.keys(drafts).forEach(function (id) {
      var form = document.getElementById(id);
      if (!form) return;
      Object.keys(drafts[id]).forEach(function (name) {
        form.querySelectorAll("[name='" + name + "']").forEach(function (field) {
          if (field.type === "radio") field.checked = field.value === drafts[id][name];
          else if (!field.value) field.value = drafts[id][name];
        });
      });
    });
  }

  document.addEventListener("input", function (event) {
    if (!root) return;
    var field = event.target;
    if (!field.closest) return;
    if (field.matches("[data-keep][hx-post]")) keepTyping(field);
    var form = field.closest("form[data-keep-list][id]");
    if (form) storeDraft(form);
  });

  document.addEventListener("htmx:configRequest", function (event) {
    if (!root) return;
    var detail = event.detail;
    var keeper = detail.elt && detail.elt.closest ? detail.elt.closest("[data-keep]") : null;
    if (!keeper) return;
    var values = {};
    detail.formData.forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken" && typeof value === "string") values[name] = value;
    });
    var key = keeper.getAttribute("data-keep");
    if (keeper.hasAttribute("data-keep-list")) key += ":" + (values.client_key || randomId());
    var entry = {
      key: key,
      version: randomId(),
      at: Date.now(),
      path: detail.path,
      values: values,
      target: detail.target && detail.target.id ? "#" + detail.target.id : "",
      swap: (detail.elt.closest("[hx-swap]") || detail.elt).getAttribute("hx-swap") || "innerHTML",
      list: keeper.getAttribute("data-keep-list") || "",
      label: labelFor(keeper, values)
    };
    var pending = load();
    pending[key] = entry;
    store(pending);
    if ("state" in values) setPressed(keeper, values.state);
    detail.keep = { key: key, version: entry.version, path: pathOf(detail.path), keeper: keeper };
  });

  function redirectedAway(xhr, path) {
    return Boolean(xhr.responseURL) && pathOf(xhr.responseURL) !== path;
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var keep = event.detail.requestConfig && event.detail.requestConfig.keep;
    if (keep && redirectedAway(event.detail.xhr, keep.path)) event.detail.shouldSwap = false;
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var keep = event.detail.requestConfig && event.detail.requestConfig.keep;
    if (!keep) return;
    var xhr = event.detail.xhr;
    var result = outcome(xhr.status, redirectedAway(xhr, keep.path));
    var refused = result === "saved" && xhr.getResponseHeader("HX-Retarget");
    if (!refused) readyForNext(keep.keeper);
    settle(keep, result);
    if (result === "retry") later();
  });

  document.addEventListener("htmx:afterSwap", function () {
    if (root) renderPending(true);
  });

  // Sending what is left ---------------------------------------------------------------------

  function swapIn(entry, html, response) {
    if (response.headers.get("HX-Retarget")) {
      // Refused (the form's message would replace what is being typed now): say so.
      showStatus("A change you made offline could not be saved: check the page and try again.");
      return;
    }
    var target = entry.target ? document.querySelector(entry.target) : null;
    if (target && window.htmx) {
      window.htmx.swap(target, html, { swapStyle: entry.swap });
    }
  }

  function resend(entry) {
    return window.fetch(entry.path, {
      method: "POST",
      body: new URLSearchParams(entry.values),
      credentials: "same-origin",
      headers: { "HX-Request": "true", "X-CSRFToken": csrfToken() }
    }).then(function (response) {
      var redirected = response.redirected && pathOf(response.url) !== pathOf(entry.path);
      var result = outcome(response.status, redirected);
      return response.text().then(function (html) {
        if (result === "saved") swapIn(entry, html, response);
        settle(entry, result);
        return result;
      });
    }, function () { return "retry"; });
  }

  function flush() {
    if (flushing || !root || !entries().length || !navigator.onLine) return Promise.resolve(0);
    flushing = true;
    var saved = 0;
    var chain = Promise.resolve();
    entries().forEach(function (entry) {
      chain = chain.then(function () {
        return resend(entry).then(function (result) { if (result !== "retry") saved += 1; });
      });
    });
    return chain.then(function () {
      flushing = false;
      renderPending(false);
      if (entries().length) later();
      return saved;
    });
  }

  var timer = null;
  function later() {
    if (timer) return;
    timer = window.setTimeout(function () { timer = null; flush(); }, RETRY_MS);
  }

  window.addEventListener("online", function () { flush(); });
  window.addEventListener("offline", function () { showStatus(); });

  // Finishing takes the student to the summary: send what is left first.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("[data-finish]") || !entries().length) return;
    event.preventDefault();
    flush().then(function () {
      if (entries().length) {
        showStatus("Some changes are not saved yet. Stay on this page until they are, then finish.");
      } else {
        form.submit();
      }
    });
  });

  // The conversation timer -------------------------------------------------------------------

  function clock(seconds) {
    var s = Math.max(0, Math.floor(seconds));
    return Math.floor(s / 60) + ":" + ("0" + (s % 60)).slice(-2);
  }

  function tick() {
    var box = document.getElementById("timer");
    if (!box || !box.dataset.startedAt || box.dataset.finishedAt) return;
    if (box.dataset.skew === undefined) {
      box.dataset.skew = String((Date.parse(box.dataset.now) || Date.now()) - Date.now());
    }
    var now = Date.now() + Number(box.dataset.skew);
    var elapsed = (now - Date.parse(box.dataset.startedAt)) / 1000;
    var left = Number(box.dataset.minutes) * 60 - elapsed;
    var face = box.querySelector("[data-clock]");
    var rest = box.querySelector("[data-remaining]");
    if (face) face.textContent = clock(elapsed);
    if (rest) rest.textContent = left > 0 ? clock(left) + " left" : clock(-left) + " over";
    var phase = left <= 0 ? "over" : (left <= Number(box.dataset.wrapUp) * 60 ? "wrap-up" : "");
    if (box.dataset.phase !== phase) {
      box.dataset.phase = phase;
      box.classList.remove("over", "wrap-up");
      if (phase) box.classList.add(phase);
      var prompt = box.querySelector("[data-prompt]");
      if (prompt) {
        prompt.textContent = phase === "over" ? box.dataset.endText
          : (phase === "wrap-up" ? box.dataset.wrapUpText : "");
      }
    }
  }

  // Practice countdowns ----------------------------------------------------------------------

  function wireCountdown(box) {
    var total = Number(box.getAttribute("data-countdown"));
    var face = box.querySelector("[data-clock]");
    var toggle = box.querySelector("[data-countdown-toggle]");
    var reset = box.querySelector("[data-countdown-reset]");
    var status = box.querySelector("[data-countdown-status]");
    var left = total;
    var endsAt = 0;
    var handle = null;

    function show() { face.textContent = clock(left); }
    function stop() {
      if (handle) window.clearInterval(handle);
      handle = null;
      toggle.textContent = left < total && left > 0 ? "Resume" : "Start";
    }
    function step() {
      left = Math.max(0, Math.ceil((endsAt - Date.now()) / 1000));
      show();
      if (left <= 0) {
        stop();
        status.textContent = box.getAttribute("data-done-text");
      }
    }
    toggle.addEventListener("click", function () {
      if (handle) { stop(); return; }
      if (left <= 0) left = total;
      status.textContent = "";
      endsAt = Date.now() + left * 1000;
      handle = window.setInterval(step, 250);
      toggle.textContent = "Pause";
    });
    reset.addEventListener("click", function () {
      left = total;
      stop();
      show();
      status.textContent = "";
    });
    box.hidden = false;
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-countdown]").forEach(wireCountdown);
    root = document.querySelector("[data-live]");
    if (!root) return;
    storeKey = "coffeechat:live:" + root.getAttribute("data-live");
    tick();
    window.setInterval(tick, 1000);
    renderPending(true);
    restoreDrafts();
    flush().then(function (saved) {
      // The summary was drawn before these arrived: draw it again with them.
      if (saved && root.hasAttribute("data-live-summary")) window.location.reload();
    });
  });
})();
