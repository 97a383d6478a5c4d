/* Phone page: send blockers and levers; an outbox keeps every card until the server
   acknowledges it, across network drops and page reloads. No framework, old browsers ok. */
(function () {
  "use strict";
  var app = document.getElementById("app");
  if (!app || typeof io === "undefined") return; // the plain form keeps working
  var T = JSON.parse(app.getAttribute("data-i18n"));
  var code = app.getAttribute("data-code");
  var KEY = "facilitation:" + code;
  var form = document.getElementById("send-form");
  var text = document.getElementById("text");
  var MAX = parseInt(text.getAttribute("maxlength"), 10) || 280;
  var count = document.getElementById("count");
  var list = document.getElementById("mine");
  var net = document.getElementById("net");
  var err = document.getElementById("err");
  var SVG = "http://www.w3.org/2000/svg";
  var ICONS = { // 20×20 strokes: a tick, a clock, a cross
    received: "M4 10.5l4 4 8-9",
    waiting: "M10 3a7 7 0 1 0 0 14a7 7 0 1 0 0-14M10 6v4.5l3 2",
    refused: "M5 5l10 10M15 5L5 15"
  };

  function load() {
    try { return JSON.parse(localStorage.getItem(KEY)) || {}; } catch (e) { return {}; }
  }
  var state = load();
  state.cards = state.cards || [];
  function save() {
    try { localStorage.setItem(KEY, JSON.stringify(state)); } catch (e) { /* private mode */ }
  }
  function uid() {
    var b = new Uint8Array(16);
    (window.crypto || window.msCrypto).getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return ("0" + x.toString(16)).slice(-2); }).join("");
  }
  function kind() {
    var checked = form.querySelector("input[name=kind]:checked");
    return checked ? checked.value : "";
  }
  function showError(message) {
    err.textContent = message || "";
    err.hidden = !message;
  }
  function icon(name) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 20 20");
    svg.setAttribute("aria-hidden", "true");
    var path = document.createElementNS(SVG, "path");
    path.setAttribute("d", ICONS[name]);
    svg.appendChild(path);
    return svg;
  }

  var online = false;
  function render() {
    if (!state.cards.length) return; // keep the list the server rendered
    list.textContent = "";
    state.cards.forEach(function (card) {
      var li = document.createElement("li");
      li.className = card.kind;
      var t = document.createElement("span");
      t.className = "t";
      t.textContent = card.text;
      var s = document.createElement("span");
      s.className = "s";
      s.setAttribute("data-state", card.status);
      s.appendChild(icon(card.status));
      s.appendChild(document.createTextNode(card.status === "waiting" && !online ? T.queued : T[card.status]));
      li.appendChild(t);
      li.appendChild(s);
      if (card.status === "refused") {
        var why = document.createElement("span");
        why.className = "why";
        why.textContent = card.why || "";
        li.appendChild(why);
        var again = document.createElement("button");
        again.type = "button";
        again.className = "again";
        again.textContent = T.reuse;
        again.onclick = function () { reuse(card); };
        li.appendChild(again);
      }
      list.insertBefore(li, list.firstChild);
    });
  }
  /* A refused card goes back into the text box, to fix and send again. */
  function reuse(card) {
    state.cards = state.cards.filter(function (c) { return c !== card; });
    list.textContent = "";
    text.value = card.text.slice(0, MAX);
    var radio = document.getElementById("kind-" + card.kind);
    if (radio) radio.checked = true;
    counter();
    render();
    text.focus();
  }
  function counter() {
    var left = MAX - text.value.length;
    count.textContent = left + " " + T.left;
    count.className = left < 20 ? "count low" : "count";
    state.draft = text.value;
    save();
  }

  var socket = io({ transports: ["polling", "websocket"], reconnectionDelayMax: 8000 });
  var joined = false;

  function setOnline(on, label) {
    online = on;
    net.hidden = false;
    net.textContent = label || (on ? T.online : T.offline);
    net.setAttribute("data-state", label ? "connecting" : on ? "online" : "offline");
    render();
  }
  function reachable() { return joined && navigator.onLine !== false; }

  function flush() {
    if (!reachable()) return;
    state.cards.forEach(function (card) {
      if (card.status !== "waiting" || card.inflight) return;
      card.inflight = true;
      socket.timeout(15000).emit("contribute", {
        client_id: card.client_id, text: card.text, kind: card.kind
      }, function (timeoutErr, ack) {
        card.inflight = false;
        if (timeoutErr) { return; } // re-sent on the next flush with the same client_id
        if (ack && ack.ok) {
          card.status = "received";
          card.contribution_id = ack.contribution_id;
          card.why = "";
        } else if (ack && ack.error) {
          card.status = "refused";
          card.why = ack.error.message;
        }
        save();
        render();
      });
    });
  }

  socket.on("connect", function () {
    socket.emit("join", {
      code: code, participant_token: state.token || null,
      last_seq: state.last_seq || null, lang: app.getAttribute("data-lang")
    }, function (ack) {
      if (!ack || !ack.ok) {
        showError(ack && ack.error ? ack.error.message : "");
        setOnline(false);
        return;
      }
      joined = true;
      state.token = ack.participant_token;
      state.last_seq = ack.seq;
      var known = {};
      state.cards.forEach(function (c) { if (c.contribution_id) known[c.contribution_id] = 1; });
      (ack.mine || []).forEach(function (m) {
        if (!known[m.contribution_id]) {
          state.cards.push({ client_id: "", contribution_id: m.contribution_id, text: m.text, kind: m.kind, status: "received" });
        }
      });
      save();
      setOnline(navigator.onLine !== false);
      flush();
    });
  });
  socket.on("disconnect", function () { joined = false; setOnline(false); });
  socket.on("events", function (events) {
    events.forEach(function (e) { if (e.seq > (state.last_seq || 0)) state.last_seq = e.seq; });
    save();
  });
  /* The browser knows first when the network goes: say so at once, keep cards, and
     start a fresh connection when it comes back (a dropped socket may look alive). */
  window.addEventListener("offline", function () { setOnline(false); });
  window.addEventListener("online", function () {
    joined = false;
    socket.disconnect().connect();
    setOnline(false, T.connecting);
  });
  setInterval(flush, 20000);

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var value = text.value.replace(/^\s+|\s+$/g, "");
    if (!kind()) { showError(T.kind); return; }
    if (!value) { showError(T.empty); text.focus(); return; }
    if (value.length > MAX) { showError(T.long); return; }
    showError("");
    state.cards.push({ client_id: uid(), text: value, kind: kind(), status: "waiting" });
    text.value = "";
    counter();
    render();
    flush();
  });
  text.addEventListener("input", counter);

  if (!text.value && state.draft) text.value = state.draft;
  state.cards.forEach(function (c) { c.inflight = false; });
  counter();
  setOnline(false, T.connecting);
})();
