/* The projected board: a snapshot, then live events folded in seq order.

   Each column (Freins, Leviers) shows its themes: a label, a count and the newest cards;
   cards not grouped yet wait at the bottom under "New cards". When a column is full it
   condenses: the biggest themes show fewer cards ("+N"), then themes show only their label.
   The facilitator corrects the grouping here: drag a card onto a theme (or onto "New theme"),
   drag a theme's label onto another to merge, double-click a label to rename, pin a theme.
   Keys: r regroup now, l lock/unlock. */
(function () {
  "use strict";
  var root = document.getElementById("board");
  var T = JSON.parse(root.getAttribute("data-i18n"));
  var sessionId = root.getAttribute("data-session");
  var KINDS = ["blocker", "lever"];
  var seq = 0;
  var cards = {};          // id -> {id, text, kind, author}
  var order = [];          // card ids in arrival order
  var participants = {};
  var themes = {};         // id -> {id, kind, label, card_ids, colour, misc, pinned}
  var themeOrder = [];     // theme ids, in order of first appearance (stable on screen)
  var themeOf = {};        // card id -> theme id
  var flags = {};          // card id -> {suggested_kind, confidence}
  var grouping = { auto: true, locked: false, granularity: 0.5 };
  var shown = {};          // card ids already on screen (only new ones fade in)
  var statusBox = document.getElementById("status");
  var columns = {};
  KINDS.forEach(function (k) { columns[k] = document.getElementById("col-" + k); });

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }
  function setText(id, value) {
    var node = document.getElementById(id);
    if (node && node.textContent !== String(value)) node.textContent = value;
  }
  function uid() {
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return ("0" + x.toString(16)).slice(-2); }).join("");
  }
  function say(message) {
    statusBox.textContent = message;
    statusBox.hidden = !message;
  }

  /* -- the fold (the same rules as facilitation/board.py) ------------------------------ */
  function place(cardId, themeId) {
    if (themeId && themeOf[cardId] === themeId) return;
    var old = themeOf[cardId];
    if (old && themes[old]) {
      themes[old].card_ids = themes[old].card_ids.filter(function (c) { return c !== cardId; });
      if (!themes[old].card_ids.length) delete themes[old];
    }
    delete themeOf[cardId];
    if (themeId && themes[themeId]) {
      themes[themeId].card_ids.push(cardId);
      themeOf[cardId] = themeId;
    }
  }
  function setThemes(list) {
    themes = {};
    themeOf = {};
    list.forEach(function (t) {
      var ids = t.card_ids.filter(function (c) { return cards[c] && !themeOf[c]; });
      if (!ids.length) return;
      themes[t.id] = { id: t.id, kind: t.kind, label: t.label, card_ids: ids, colour: t.colour, misc: t.misc, pinned: t.pinned };
      ids.forEach(function (c) { themeOf[c] = t.id; });
      if (themeOrder.indexOf(t.id) < 0) themeOrder.push(t.id);
    });
  }
  function apply(e) {
    if (e.seq <= seq) return true;
    if (e.seq !== seq + 1) return false;
    seq = e.seq;
    var p = e.payload;
    if (e.type === "contribution_added") {
      cards[p.contribution_id] = { id: p.contribution_id, text: p.text, kind: p.kind, author: participants[p.participant_id] || null };
      order.push(p.contribution_id);
    } else if (e.type === "participant_joined" || e.type === "participant_renamed") {
      participants[p.participant_id] = p.name || "";
    } else if (e.type === "themes_updated") {
      setThemes(p.themes);
      flags = {};
      (p.flags || []).forEach(function (f) { flags[f.contribution_id] = f; });
    } else if (e.type === "card_moved") {
      if (!cards[p.contribution_id]) return true;
      if (!themes[p.theme_id]) {
        themes[p.theme_id] = { id: p.theme_id, kind: cards[p.contribution_id].kind, label: p.label || T.new_theme, card_ids: [], colour: "#5b4a9e", misc: false, pinned: false };
        themeOrder.push(p.theme_id);
      }
      place(p.contribution_id, p.theme_id);
    } else if (e.type === "themes_merged") {
      p.theme_ids.forEach(function (tid) {
        if (themes[tid] && tid !== p.into) themes[tid].card_ids.slice().forEach(function (c) { place(c, p.into); });
      });
    } else if (e.type === "theme_renamed") {
      if (themes[p.theme_id]) themes[p.theme_id].label = p.label;
    } else if (e.type === "theme_pinned") {
      if (themes[p.theme_id]) themes[p.theme_id].pinned = p.pinned;
    } else if (e.type === "grouping_set") {
      grouping = { auto: p.auto, locked: p.locked, granularity: p.granularity };
    }
    return true;
  }

  /* -- drawing ---------------------------------------------------------------------------- */
  function cardNode(id) {
    var c = cards[id];
    var li = el("li", "card");
    li.id = "card-" + id;
    li.setAttribute("data-card", id);
    li.draggable = true;
    li.appendChild(document.createTextNode(c.text));
    if (c.author) li.appendChild(el("span", "who", c.author));
    var flag = flags[id];
    if (flag) {
      li.classList.add("flagged");
      li.title = flag.suggested_kind === "lever" ? T.flag_lever : T.flag_blocker;
      li.appendChild(el("span", "flag", "?"));
    }
    if (!shown[id]) { li.classList.add("new"); shown[id] = 1; }
    return li;
  }
  function themeNode(theme, ids) {
    var box = el("section", "theme" + (theme.misc ? " misc" : "") + (theme.fresh ? " fresh" : ""));
    box.style.setProperty("--c", theme.colour || "#555");
    if (theme.id) box.setAttribute("data-theme", theme.id);
    var head = el("h3", "tl");
    head.appendChild(el("span", "dot"));
    var label = el("span", "label", theme.label);
    head.appendChild(label);
    head.appendChild(el("span", "count", String(ids.length)));
    if (theme.id) {
      head.draggable = true;
      head.setAttribute("data-theme-head", theme.id);
      label.title = T.rename;
      var pin = el("button", "pin" + (theme.pinned ? " on" : ""), "\u2691");
      pin.type = "button";
      pin.title = theme.pinned ? T.unpin : T.pin;
      pin.setAttribute("aria-pressed", theme.pinned ? "true" : "false");
      pin.setAttribute("data-pin", theme.id);
      head.appendChild(pin);
    }
    box.appendChild(head);
    var list = el("ol", "tc");
    ids.forEach(function (id) { list.appendChild(cardNode(id)); });
    box.appendChild(list);
    box.appendChild(el("p", "tmore"));
    return box;
  }
  function render() {
    KINDS.forEach(function (kind) {
      var column = columns[kind];
      column.textContent = "";
      var ids = themeOrder.filter(function (tid) { return themes[tid] && themes[tid].kind === kind; });
      ids.sort(function (a, b) { return (themes[a].misc ? 1 : 0) - (themes[b].misc ? 1 : 0); });
      ids.forEach(function (tid) { column.appendChild(themeNode(themes[tid], themes[tid].card_ids)); });
      var fresh = order.filter(function (c) { return cards[c].kind === kind && !themeOf[c]; });
      if (fresh.length) column.appendChild(themeNode({ label: ids.length ? T.fresh : T.all, fresh: true, colour: "#6d6d6d" }, fresh));
      var drop = el("p", "drop-new", "+ " + T.new_theme);
      drop.setAttribute("data-new-theme", kind);
      column.appendChild(drop);
      var total = order.filter(function (c) { return cards[c].kind === kind; }).length;
      setText("n-" + kind, total || "");
      column.parentNode.classList.toggle("none", total === 0);
    });
    setText("cards", order.length);
    setText("participants", Object.keys(participants).length);
    document.body.classList.toggle("empty", order.length === 0);
    document.body.classList.toggle("locked", grouping.locked);
    syncTools();
    fit();
  }

  /* Condense until the column fits: fewer cards in the biggest themes, then labels only. */
  function fit() {
    KINDS.forEach(function (kind) {
      var column = columns[kind];
      var boxes = Array.prototype.slice.call(column.querySelectorAll(".theme"));
      var lists = boxes.map(function (b) { return b.querySelector(".tc"); });
      var limit = lists.map(function (l) { return l.children.length; });
      function show() {
        lists.forEach(function (list, i) {
          var items = list.children;
          var hide = items.length - limit[i];
          for (var j = 0; j < items.length; j++) items[j].hidden = j < hide; // newest stay
          var more = boxes[i].querySelector(".tmore");
          more.textContent = hide > 0 ? "+" + hide : "";
          more.hidden = hide <= 0;
        });
      }
      show();
      var guard = 500;
      while (column.scrollHeight > column.clientHeight + 1 && guard-- > 0) {
        var best = -1;
        for (var i = 0; i < limit.length; i++) if (limit[i] > 1 && (best < 0 || limit[i] > limit[best])) best = i;
        if (best < 0) {
          for (i = limit.length - 1; i >= 0; i--) if (limit[i] > 0) { best = i; break; }
          if (best < 0) break;
        }
        limit[best]--;
        show();
      }
    });
  }

  /* -- facilitator's corrections ----------------------------------------------------------- */
  function command(data) {
    data.session_id = sessionId;
    data.client_id = uid();
    socket.emit("command", data, function (ack) {
      if (ack && !ack.ok) { say(ack.error.message); setTimeout(function () { say(""); }, 6000); }
    });
  }
  var dragged = null;
  root.addEventListener("dragstart", function (e) {
    var card = e.target.closest && e.target.closest("[data-card]");
    var head = e.target.closest && e.target.closest("[data-theme-head]");
    dragged = card ? { card: card.getAttribute("data-card") } : head ? { theme: head.getAttribute("data-theme-head") } : null;
    if (dragged) { e.dataTransfer.effectAllowed = "move"; e.dataTransfer.setData("text/plain", "x"); root.classList.add("dragging"); }
  });
  root.addEventListener("dragend", function () { dragged = null; root.classList.remove("dragging"); });
  root.addEventListener("dragover", function (e) {
    if (dragged && e.target.closest && (e.target.closest("[data-theme]") || e.target.closest("[data-new-theme]"))) e.preventDefault();
  });
  root.addEventListener("drop", function (e) {
    if (!dragged) return;
    e.preventDefault();
    var target = e.target.closest("[data-theme]");
    var fresh = e.target.closest("[data-new-theme]");
    if (dragged.card && target) command({ type: "move_card", contribution_id: dragged.card, theme_id: target.getAttribute("data-theme") });
    else if (dragged.card && fresh) command({ type: "move_card", contribution_id: dragged.card, theme_id: null });
    else if (dragged.theme && target && target.getAttribute("data-theme") !== dragged.theme) {
      command({ type: "merge_themes", theme_ids: [dragged.theme], into: target.getAttribute("data-theme") });
    }
    dragged = null;
    root.classList.remove("dragging");
  });
  root.addEventListener("dblclick", function (e) {
    var head = e.target.closest && e.target.closest("[data-theme-head]");
    if (!head) return;
    var id = head.getAttribute("data-theme-head");
    var label = window.prompt(T.rename, themes[id] ? themes[id].label : "");
    if (label && label.trim()) command({ type: "rename_theme", theme_id: id, label: label.trim() });
  });
  root.addEventListener("click", function (e) {
    var pin = e.target.closest && e.target.closest("[data-pin]");
    if (pin) {
      var id = pin.getAttribute("data-pin");
      command({ type: "pin_theme", theme_id: id, pinned: !(themes[id] && themes[id].pinned) });
    }
  });

  var tools = document.getElementById("tools");
  function syncTools() {
    if (!tools) return;
    tools.querySelector("[data-auto]").setAttribute("aria-pressed", grouping.auto ? "true" : "false");
    tools.querySelector("[data-lock]").setAttribute("aria-pressed", grouping.locked ? "true" : "false");
    tools.querySelector("[data-regroup]").disabled = grouping.locked;
    var range = tools.querySelector("[data-granularity]");
    if (document.activeElement !== range) range.value = grouping.granularity;
  }
  if (tools) {
    tools.addEventListener("click", function (e) {
      if (e.target.closest("[data-regroup]")) command({ type: "regroup" });
      if (e.target.closest("[data-auto]")) command({ type: "set_grouping", auto: !grouping.auto });
      if (e.target.closest("[data-lock]")) command({ type: "set_grouping", locked: !grouping.locked });
    });
    tools.querySelector("[data-granularity]").addEventListener("change", function (e) {
      command({ type: "set_grouping", granularity: parseFloat(e.target.value) });
    });
  }
  document.addEventListener("keydown", function (e) {
    if (e.target.tagName === "INPUT" || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === "r") command({ type: "regroup" });
    if (e.key === "l") command({ type: "set_grouping", locked: !grouping.locked });
  });
  var idle;
  function wake() {
    document.body.classList.remove("idle");
    clearTimeout(idle);
    idle = setTimeout(function () { document.body.classList.add("idle"); }, 4000);
  }
  document.addEventListener("mousemove", wake);
  document.addEventListener("keydown", wake);
  document.body.classList.add("idle"); // projected: the tools show when the mouse moves

  /* -- the connection ------------------------------------------------------------------- */
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
    render();
  });
  socket.on("presence", function (p) { setText("connected", p.connected); });
  socket.on("connect", function () {
    say("");
    socket.emit("join_board", { session_id: sessionId, last_seq: seq || null }, function (ack) {
      if (!ack || !ack.ok) { say(ack && ack.error ? ack.error.message : "?"); return; }
      if (!seq) {
        var b = ack.board;
        b.participants.forEach(function (p) { participants[p.id] = p.name || ""; });
        b.contributions.forEach(function (c) { cards[c.id] = c; order.push(c.id); shown[c.id] = 1; });
        setThemes(b.themes);
        (b.flags || []).forEach(function (f) { flags[f.contribution_id] = f; });
        grouping = b.grouping;
        seq = b.seq;
      }
      setText("connected", ack.connected);
      render();
      root.setAttribute("data-ready", "1");
    });
  });
  socket.on("disconnect", function () { say(T.offline); });
  var resizing;
  window.addEventListener("resize", function () { clearTimeout(resizing); resizing = setTimeout(render, 100); });
})();
