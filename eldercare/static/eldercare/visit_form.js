/* The visit form on a poor connection (no inline script: the page's CSP will forbid them).
 *
 * - Draft: every change is kept in localStorage under the form's data-draft-key, with the form's
 *   submission key (client_uuid) and, when editing, the version the edit is based on. A reload restores
 *   it, so nothing typed is lost and a resent visit keeps its key (the server stores it once).
 * - Submit: sent with fetch; on a network failure or a server error it is sent again with growing pauses
 *   (2 s … 60 s) and as soon as the phone is back online; a draft that was being sent when the page was
 *   reloaded is sent again on load. A 409 conflict opens the conflict page; a 422 shows the message.
 * - Location: only when the visitor presses the button (and the phone allows it).
 */
(function () {
  "use strict";
  var form = document.getElementById("visit-form");
  if (!form) { return; }
  var key = "ec-visit-draft:" + (form.dataset.draftKey || location.pathname);
  var state = document.getElementById("draft-state");
  var submitButton = document.getElementById("visit-submit");
  var api = { attempts: 0, lastStatus: null, key: key };
  window.ecVisitForm = api;
  var retryTimer = null;
  var delay = 2000;
  var sending = false;

  function say(text, kind) {
    if (!state) { return; }
    state.textContent = text;
    state.className = "ec-draft-state alert py-2 alert-" + (kind || "secondary");
  }

  function fields() {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.type === "file" || el.type === "submit") { return; }
      if (el.type === "radio") {
        if (el.checked) { data[el.name] = el.value; }
      } else if (el.type === "checkbox") {
        data[el.name] = data[el.name] || [];
        if (el.checked) { data[el.name].push(el.value); }
      } else {
        data[el.name] = el.value;
      }
    });
    return data;
  }

  function apply(data) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !(el.name in data) || el.type === "file" || el.name === "csrfmiddlewaretoken") { return; }
      var value = data[el.name];
      if (el.type === "radio") {
        el.checked = el.value === value;
      } else if (el.type === "checkbox") {
        el.checked = Array.isArray(value) && value.indexOf(el.value) !== -1;
      } else {
        el.value = value;
      }
    });
  }

  function load() {
    try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }

  function save(extra) {
    var draft = load() || {};
    draft.fields = fields();
    draft.savedAt = new Date().toISOString();
    if (extra) { Object.keys(extra).forEach(function (k) { draft[k] = extra[k]; }); }
    try { localStorage.setItem(key, JSON.stringify(draft)); } catch (e) { /* storage full or private mode */ }
    return draft;
  }

  function clear() {
    try { localStorage.removeItem(key); } catch (e) { /* ignore */ }
  }

  function toggleChecklist() {
    var outcome = form.querySelector("input[name=outcome]:checked");
    var list = document.getElementById("checklist");
    if (list) { list.classList.toggle("d-none", !!outcome && outcome.value === "not_found"); }
  }

  var saveTimer = null;
  function onChange() {
    toggleChecklist();
    clearTimeout(saveTimer);
    saveTimer = setTimeout(function () { save(); say(form.dataset.msgSaved || "Draft saved."); }, 250);
  }

  function scheduleRetry() {
    clearTimeout(retryTimer);
    var seconds = Math.round(delay / 1000);
    say((form.dataset.msgOffline || "Offline.") + " " + (form.dataset.msgRetry || "Retry in %s s").replace("%s", seconds), "warning");
    retryTimer = setTimeout(send, delay);
    delay = Math.min(delay * 2, 60000);
  }

  function send() {
    if (sending) { return; }
    sending = true;
    clearTimeout(retryTimer);
    save({ pending: true });
    api.attempts += 1;
    say(form.dataset.msgSending || "Sending…", "info");
    if (submitButton) { submitButton.disabled = true; }
    var body = new FormData(form);
    fetch(form.getAttribute("action") || location.href, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-Requested-With": "fetch" }
    }).then(function (response) {
      api.lastStatus = response.status;
      return response.json().catch(function () { return {}; }).then(function (data) { return [response, data]; });
    }).then(function (pair) {
      var response = pair[0], data = pair[1];
      sending = false;
      if (submitButton) { submitButton.disabled = false; }
      if (response.ok) {
        clear();
        location.assign(data.url || location.href);
      } else if (response.status === 409 && data.conflict_url) {
        clear();
        location.assign(data.conflict_url);
      } else if (response.status >= 500 || response.status === 429) {
        scheduleRetry();
      } else {
        save({ pending: false });
        var detail = data.details ? " " + JSON.stringify(data.details) : "";
        say((form.dataset.msgError || "Not saved:") + " " + (data.message || response.status) + detail, "danger");
      }
    }).catch(function () {
      sending = false;
      if (submitButton) { submitButton.disabled = false; }
      scheduleRetry();
    });
  }

  form.addEventListener("input", onChange);
  form.addEventListener("change", onChange);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    delay = 2000;
    send();
  });
  window.addEventListener("online", function () {
    var draft = load();
    if (draft && draft.pending) { delay = 2000; send(); }
  });

  var locate = document.getElementById("capture-location");
  if (locate) {
    locate.addEventListener("click", function () {
      var out = document.getElementById("location-state");
      if (!navigator.geolocation) { out.textContent = form.dataset.msgLocationDenied; return; }
      navigator.geolocation.getCurrentPosition(function (pos) {
        form.elements.lon.value = pos.coords.longitude.toFixed(6);
        form.elements.lat.value = pos.coords.latitude.toFixed(6);
        form.elements.accuracy.value = Math.round(pos.coords.accuracy);
        out.textContent = (form.dataset.msgLocation || "%s").replace("%s", Math.round(pos.coords.accuracy));
        onChange();
      }, function () {
        out.textContent = form.dataset.msgLocationDenied || "";
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  }

  var draft = load();
  if (draft && draft.fields) {
    apply(draft.fields);
    say(form.dataset.msgRestored || "Draft restored.", "info");
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "btn btn-sm btn-link";
    discard.id = "discard-draft";
    discard.textContent = form.dataset.msgDiscard || "Discard draft";
    discard.addEventListener("click", function () { clear(); location.reload(); });
    state.appendChild(discard);
    if (draft.pending && navigator.onLine !== false) { setTimeout(send, 500); }
  }
  toggleChecklist();
}());
