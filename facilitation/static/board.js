/* The projected board: a snapshot, then live events folded in seq order. */
(function () {
  "use strict";
  var root = document.getElementById("board");
  var T = JSON.parse(root.getAttribute("data-i18n"));
  var sessionId = root.getAttribute("data-session");
  var seq = 0;
  var cards = {};
  var participants = {};
  var statusBox = document.getElementById("status");
  var columns = { blocker: document.getElementById("col-blocker"), lever: document.getElementById("col-lever") };

  function setText(id, value) { document.getElementById(id).textContent = value; }
  function counts() {
    setText("cards", Object.keys(cards).length);
    setText("participants", Object.keys(participants).length);
    document.body.classList.toggle("empty", Object.keys(cards).length === 0);
  }

  function addCard(c, animate) {
    if (cards[c.id]) return;
    cards[c.id] = c;
    var li = document.createElement("li");
    li.className = "card";
    li.id = "card-" + c.id;
    if (!animate) li.style.animation = "none";
    li.appendChild(document.createTextNode(c.text));
    if (c.author) {
      var who = document.createElement("span");
      who.className = "who";
      who.textContent = c.author;
      li.appendChild(who);
    }
    var column = columns[c.kind];
    if (column) column.appendChild(li);
  }

  /* Keep the newest cards visible without scrollbars: older ones fold into a counter. */
  function fit() {
    Object.keys(columns).forEach(function (kind) {
      var list = columns[kind];
      var more = list.parentNode.querySelector(".more");
      var items = list.children;
      for (var i = 0; i < items.length; i++) items[i].hidden = false;
      var hidden = 0;
      while (list.scrollHeight > list.clientHeight + 1 && hidden < items.length - 1) {
        items[hidden].hidden = true;
        hidden++;
      }
      more.hidden = hidden === 0;
      more.textContent = "+" + hidden + " " + T.earlier;
    });
  }

  function apply(e) {
    if (e.seq <= seq) return true;
    if (e.seq !== seq + 1) return false;
    seq = e.seq;
    var p = e.payload;
    if (e.type === "contribution_added") {
      addCard({ id: p.contribution_id, text: p.text, kind: p.kind, author: participants[p.participant_id] || null }, true);
    } else if (e.type === "participant_joined") {
      participants[p.participant_id] = p.name || "";
    } else if (e.type === "participant_renamed") {
      participants[p.participant_id] = p.name || "";
    }
    return true;
  }

  var socket = io();
  var syncing = false;
  socket.on("events", function (events) {
    events.sort(function (a, b) { return a.seq - b.seq; });
    for (var i = 0; i < events.length; i++) {
      if (!apply(events[i]) && !syncing) {
        syncing = true; // a gap: ask for what we missed, in order
        socket.emit("sync", { session_id: sessionId, last_seq: seq }, function () { syncing = false; });
        break;
      }
    }
    counts();
    fit();
  });
  socket.on("presence", function (p) { setText("connected", p.connected); });
  socket.on("connect", function () {
    statusBox.hidden = true;
    socket.emit("join_board", { session_id: sessionId, last_seq: seq || null }, function (ack) {
      if (!ack || !ack.ok) { statusBox.textContent = ack && ack.error ? ack.error.message : "?"; statusBox.hidden = false; return; }
      if (!seq) {
        var b = ack.board;
        b.participants.forEach(function (p) { participants[p.id] = p.name || ""; });
        b.contributions.forEach(function (c) { addCard(c, false); });
        seq = b.seq;
      }
      setText("connected", ack.connected);
      counts();
      fit();
    });
  });
  socket.on("disconnect", function () { statusBox.textContent = T.offline; statusBox.hidden = false; });
  window.addEventListener("resize", fit);
  counts();
})();
