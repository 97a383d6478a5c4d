/* The projected board: a snapshot, then live events folded in seq order.

   Cards are added at the bottom of their column, in space that was free, so nothing that
   is on screen moves. When a column is full it turns the page: the cards already read fold
   into "+N earlier cards" and the new card starts a fresh page at the top. */
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

  function setText(id, value) {
    var node = document.getElementById(id);
    if (node.textContent !== String(value)) node.textContent = value;
  }
  function counts() {
    var total = 0;
    Object.keys(columns).forEach(function (kind) {
      var n = columns[kind].children.length;
      total += n;
      setText("n-" + kind, n || "");
      columns[kind].parentNode.classList.toggle("none", n === 0);
    });
    setText("cards", total);
    setText("participants", Object.keys(participants).length);
    document.body.classList.toggle("empty", total === 0);
  }

  function addCard(c, animate) {
    if (cards[c.id]) return;
    var column = columns[c.kind];
    if (!column) return;
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
    column.appendChild(li);
  }

  /* On arrival, a card goes below the others if there is room; if not, the column turns
     the page: what was read folds into "+N earlier cards" and the new card starts at the top.
     On load and resize (nobody is reading yet) the column shows the newest cards that fit. */
  var starts = { blocker: 0, lever: 0 };
  function fit(refill) {
    Object.keys(columns).forEach(function (kind) {
      var list = columns[kind];
      var more = list.parentNode.querySelector(".more");
      var items = list.children;
      var n = items.length;
      var i, start;
      if (!n) { more.className = "more none"; return; }
      for (i = 0; i < n; i++) items[i].hidden = false;
      var room = list.clientHeight;
      var gap = parseFloat(getComputedStyle(list).rowGap) || 0;
      var heights = [];
      for (i = 0; i < n; i++) heights.push(items[i].offsetHeight);
      if (refill) {
        start = n - 1;
        for (var used = heights[start]; start > 0 && used + gap + heights[start - 1] <= room; ) {
          start--;
          used += gap + heights[start];
        }
      } else { // pages cut greedily from the current page, the last one shown
        start = Math.min(starts[kind], n - 1);
        for (var page = start, filled = 0, j = start; j < n; j++) {
          if (j > page && filled + gap + heights[j] > room) { page = j; filled = heights[j]; }
          else filled += (j > page ? gap : 0) + heights[j];
        }
        start = page;
      }
      starts[kind] = start;
      for (i = 0; i < start; i++) items[i].hidden = true;
      more.className = start ? "more" : "more none";
      more.textContent = start ? "+" + start + " " + T.earlier : "\u00a0";
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
      fit(true);
      root.setAttribute("data-ready", "1");
    });
  });
  socket.on("disconnect", function () { statusBox.textContent = T.offline; statusBox.hidden = false; });
  var resizing;
  window.addEventListener("resize", function () { clearTimeout(resizing); resizing = setTimeout(function () { fit(true); }, 100); });
  counts();
})();
