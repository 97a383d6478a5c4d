/* The projected board: a snapshot, then live events folded in seq order.

   Each column (Freins, Leviers) shows its themes: a label, a count and the newest cards;
   cards not grouped yet wait at the bottom under "New cards", and cards the grouping has not
   placed in a theme yet (the engine's "Divers") under "To sort": a card leaves that tray
   only for a theme it clearly fits (issue 15). When a column is full it
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
  var PHASES = ["welcome", "collect", "group", "vote", "synthesis", "closed"];
  var seq = 0;
  var cards = {};          // id -> {id, text, kind, author}
  var order = [];          // card ids in arrival order
  var participants = {};
  var themes = {};         // id -> {id, kind, label, card_ids, colour, misc, pinned, renamed}
  var themeOrder = [];     // theme ids, in order of first appearance (stable on screen)
  var themeOf = {};        // card id -> theme id
  var flags = {};          // card id -> {suggested_kind, confidence}
  var grouping = { auto: true, locked: false, granularity: 0.5 };
  var shown = {};          // card ids already on screen (only new ones fade in)
  var phase = document.body.className.match(/phase-(\w+)/)[1];
  var extras = null;       // the projection's timer, floor, results (re-fetched after events)
  var skew = 0;            // server clock minus local clock (ms)
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
  /* A count and the word after it, agreeing: "1 carte", "2 cartes", "0 participant·e"
     (French counts 0 as one; English does not). */
  function counted(id, n, word) {
    setText(id, n);
    var one = n === 1 || (n === 0 && document.documentElement.lang.indexOf("fr") === 0);
    setText(id + "-w", T.words[word + (one ? "" : "s")]);
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
  function visible(id) { var c = cards[id]; return !!c && !c.hidden && !c.pending; }
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
      var ids = t.card_ids.filter(function (c) { return visible(c) && !themeOf[c]; });
      if (!ids.length) return;
      themes[t.id] = { id: t.id, kind: t.kind, label: t.label, card_ids: ids, colour: t.colour, misc: t.misc, pinned: t.pinned, renamed: !!t.renamed };
      ids.forEach(function (c) { themeOf[c] = t.id; });
      if (themeOrder.indexOf(t.id) < 0) themeOrder.push(t.id);
    });
  }
  function apply(e) {
    if (e.seq <= seq) return true;
    if (e.seq !== seq + 1) return false;
    seq = e.seq;
    var p = e.payload;
    var card = p.contribution_id ? cards[p.contribution_id] : null;
    if (e.type === "contribution_added") {
      cards[p.contribution_id] = { id: p.contribution_id, text: p.text, kind: p.kind, author: p.speaker || participants[p.participant_id] || null, pending: !!p.pending,
                                   voice: p.voice ? { duration_ms: p.voice.duration_ms, transcribed: false } : null };
      order.push(p.contribution_id);
    } else if (e.type === "contribution_hidden") {
      if (card) { card.hidden = p.hidden !== false; if (card.hidden) place(card.id, null); }
    } else if (e.type === "contribution_approved") {
      if (card) card.pending = false;
    } else if (e.type === "contribution_edited" || e.type === "contribution_transcribed") {
      if (card) card.text = p.text;
      if (card && card.voice && e.type === "contribution_transcribed") card.voice.transcribed = true;
    } else if (e.type === "contribution_kind_changed") {
      if (card && card.kind !== p.kind) { card.kind = p.kind; place(card.id, null); delete flags[card.id]; }
    } else if (e.type === "phase_changed") {
      phase = p.phase;
    } else if (e.type === "participant_joined" || e.type === "participant_renamed") {
      participants[p.participant_id] = p.name || "";
    } else if (e.type === "contributions_erased") {
      window.location.reload(); // rows of the log changed: start again from the server's view
      return true;
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
      if (themes[p.theme_id]) { themes[p.theme_id].label = p.label; themes[p.theme_id].renamed = true; }
    } else if (e.type === "theme_pinned") {
      if (themes[p.theme_id]) themes[p.theme_id].pinned = p.pinned;
    } else if (e.type === "grouping_set") {
      grouping = { auto: p.auto, locked: p.locked, granularity: p.granularity };
    }
    return true;
  }

  /* -- drawing ---------------------------------------------------------------------------- */
  var DRAWN_PER_THEME = 40;
  function cardNode(id) {
    var c = cards[id];
    var li = el("li", "card");
    li.id = "card-" + id;
    li.setAttribute("data-card", id);
    li.draggable = true;
    if (c.voice) { // a voice card: the room hears it from here; its words once written down
      li.classList.add("voice");
      var secs = Math.ceil(c.voice.duration_ms / 1000), play = el("button", "play");
      play.type = "button";
      play.setAttribute("data-play", id);
      play.setAttribute("aria-label", T.play + " (" + secs + " s)");
      play.innerHTML = SPEAKER;
      play.appendChild(el("span", "dur", Math.floor(secs / 60) + ":" + ("0" + secs % 60).slice(-2)));
      li.appendChild(play);
      if (c.text) li.appendChild(document.createTextNode(" "));
    }
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
  /* A theme's pictogram (decided by the server, carried by the projection): its family's
     drawing, or its number in a round shape, framed in the theme's colour. */
  function ballotItem(id) {
    var items = (extras && extras.results) || [];
    for (var i = 0; i < items.length; i++) if (items[i].id === id) return items[i];
    return null;
  }
  function pictoNode(item) {
    var box = el("span", "pic");
    box.style.setProperty("--c", item.colour || "#6d6d6d");
    var src = item.picto && document.querySelector('#pictos [data-picto="' + item.picto + '"]');
    if (src) {
      box.appendChild(src.cloneNode(true));
      box.setAttribute("data-picto", item.picto);
    } else {
      box.className = "pic pnum";
      box.setAttribute("role", "img");
      box.setAttribute("aria-label", fmt(T.number, { n: item.number }));
      box.setAttribute("data-picto", "");
      box.textContent = String(item.number || "");
    }
    return box;
  }
  function themeNode(theme, ids) {
    var box = el("section", "theme" + (theme.misc ? " misc" : "") + (theme.fresh ? " fresh" : ""));
    box.style.setProperty("--c", theme.colour || "#555");
    if (theme.id) box.setAttribute("data-theme", theme.id);
    var head = el("h3", "tl");
    var item = theme.id && ballotItem(theme.id); // "Divers" is not voted on: no picture
    head.appendChild(item ? pictoNode(item) : el("span", "dot"));
    // the cards not placed yet are "To sort", unless the facilitator named that theme
    var label = el("span", "label", theme.misc && !theme.renamed ? T.tray : theme.label);
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
    list.total = ids.length; // only the newest are drawn: no screen shows more of a theme
    ids.slice(-DRAWN_PER_THEME).forEach(function (id) { list.appendChild(cardNode(id)); });
    box.appendChild(list);
    box.appendChild(el("p", "tmore"));
    return box;
  }
  /* A busy room sends hundreds of events a second: they are folded as they come and the
     board is drawn once per frame (or within 100 ms when frames are not running). */
  var drawing = 0;
  function renderSoon() {
    if (drawing) return;
    var done = function () { if (drawing) { cancelAnimationFrame(drawing); drawing = 0; render(); } };
    drawing = requestAnimationFrame(done);
    setTimeout(done, 100);
  }
  function render() {
    if (drawing) { cancelAnimationFrame(drawing); drawing = 0; }
    KINDS.forEach(function (kind) {
      var column = columns[kind];
      column.textContent = "";
      var ids = themeOrder.filter(function (tid) { return themes[tid] && themes[tid].kind === kind; });
      ids.sort(function (a, b) { return (themes[a].misc ? 1 : 0) - (themes[b].misc ? 1 : 0); });
      ids.forEach(function (tid) {
        var members = themes[tid].card_ids.filter(visible);
        if (members.length) column.appendChild(themeNode(themes[tid], members));
      });
      var fresh = order.filter(function (c) { return visible(c) && cards[c].kind === kind && !themeOf[c]; });
      if (fresh.length) column.appendChild(themeNode({ label: ids.length ? T.fresh : T.all, fresh: true, colour: "#6d6d6d" }, fresh));
      var drop = el("p", "drop-new", "+ " + T.new_theme);
      drop.setAttribute("data-new-theme", kind);
      column.appendChild(drop);
      var total = order.filter(function (c) { return visible(c) && cards[c].kind === kind; }).length;
      setText("n-" + kind, total || "");
      column.parentNode.classList.toggle("none", total === 0);
    });
    var count = order.filter(visible).length;
    counted("cards", count, "card");
    counted("participants", Object.keys(participants).length, "participant");
    var showRadar = radarOn();
    document.body.classList.toggle("empty", count === 0 && !showRadar);
    document.body.classList.toggle("radar-on", showRadar);
    PHASES.forEach(function (ph) { document.body.classList.toggle("phase-" + ph, ph === phase); });
    renderExtras();
    document.body.classList.toggle("locked", grouping.locked);
    syncTools();
    fit();
  }

  /* Condense until the column fits: fewer cards in the biggest themes, then labels only.
     When even the labels do not fit, the themes go on pages (in their stable order, so a
     new card never moves a theme to another page) and a line under the column says what is
     not on screen: "+4 thèmes · page 1/2". The pages turn by themselves while the board is
     left alone, or with PageDown/PageUp (a presenter's clicker). "New cards" stay on every
     page: that is where arrivals land. */
  var page = 0, pages = {};
  function fmt(s, v) { return s.replace(/\{(\w+)\}/g, function (m, k) { return v[k]; }); }
  function fit() {
    KINDS.forEach(function (kind) {
      var column = columns[kind], foot = document.getElementById("more-" + kind);
      var boxes = Array.prototype.slice.call(column.querySelectorAll(".theme"));
      var named = boxes.filter(function (b) { return !b.classList.contains("fresh"); });
      var fresh = boxes.filter(function (b) { return b.classList.contains("fresh"); })[0];
      foot.hidden = true;
      pages[kind] = 1;
      if (!column.offsetHeight) return; // not on screen in this phase
      // 1. the labels alone: do they fit? if not, cut the themes into pages
      boxes.forEach(function (b) { b.hidden = false; b.classList.add("folded"); });
      var last = null;
      if (fresh) { // room for its newest card (3 lines at least) on every page: arrivals are
        fresh.classList.remove("folded"); // seen, and a longer one does not move the themes
        var newest = fresh.querySelector(".tc").children, more = fresh.querySelector(".tmore");
        for (var n = 0; n < newest.length; n++) newest[n].hidden = n < newest.length - 1;
        last = newest[newest.length - 1];
        last.style.minHeight = "4.05em";
        more.textContent = "+1";
        more.hidden = newest.length <= 1;
      }
      var split = [named];
      if (column.scrollHeight > column.clientHeight + 1) {
        foot.hidden = false;
        foot.textContent = "+";  // its line is taken from the column's room
        var gap = parseFloat(window.getComputedStyle(column).rowGap) || 0;
        var room = column.clientHeight + gap, base = fresh ? fresh.offsetHeight + gap : 0;
        var heights = named.map(function (b) { return b.offsetHeight + gap; });
        var pack = function (cap) { // in order, at most `cap` themes a page
          var out = [], current = [], used = base;
          named.forEach(function (b, i) {
            if (current.length && (used + heights[i] > room || current.length >= cap)) {
              out.push(current); current = []; used = base;
            }
            current.push(b);
            used += heights[i];
          });
          if (current.length || !out.length) out.push(current);
          return out;
        };
        split = pack(Infinity);
        // as many pages as needed, with the themes shared evenly: room is left for cards
        var even = pack(Math.ceil(named.length / split.length));
        if (even.length === split.length) split = even;
      }
      if (last) last.style.minHeight = "";
      pages[kind] = split.length;
      var at = page % split.length, here = split[at];
      named.forEach(function (b) { b.hidden = here.indexOf(b) < 0; });
      boxes.forEach(function (b) { b.classList.remove("folded"); });
      var on = boxes.filter(function (b) { return !b.hidden; });
      // 2. the cards of the themes on screen, newest first, as many as fit
      var lists = on.map(function (b) { return b.querySelector(".tc"); });
      var limit = lists.map(function (l) { return l.children.length; });
      function show() {
        lists.forEach(function (list, i) {
          var items = list.children;
          var hide = items.length - limit[i];
          for (var j = 0; j < items.length; j++) items[j].hidden = j < hide; // newest stay
          hide = (list.total || items.length) - limit[i]; // and those not drawn at all
          list.hidden = limit[i] === 0;
          var more = on[i].querySelector(".tmore"); // a label alone has its count already
          more.textContent = hide > 0 ? "+" + hide : "";
          more.hidden = hide <= 0 || limit[i] === 0;
        });
      }
      show();
      var over = function () { return column.scrollHeight > column.clientHeight + 1; };
      if (over()) {
        // the order in which cards give way: one from the biggest theme (the first of
        // equals) while one has two or more, then labels only from the last theme up;
        // "New cards" keep their newest longest. The first step that fits is found by
        // bisection: a dozen layouts, not one per card (thousands on a big board)
        var steps = [], left = limit.slice(), best, i;
        for (;;) {
          best = -1;
          for (i = 0; i < left.length; i++) if (left[i] > 1 && (best < 0 || left[i] > left[best])) best = i;
          if (best < 0) {
            for (i = left.length - 1; i >= 0; i--) if (left[i] > 0 && on[i] !== fresh) { best = i; break; }
            if (best < 0 && fresh && left[on.indexOf(fresh)] > 0) best = on.indexOf(fresh);
            if (best < 0) break;
          }
          left[best]--;
          steps.push(best);
        }
        var full = limit.slice();
        var take = function (n) {
          for (var k = 0; k < full.length; k++) limit[k] = full[k];
          for (k = 0; k < n; k++) limit[steps[k]]--;
          show();
        };
        var lo = 0, hi = steps.length; // `lo` overflows; `hi` fits (or nothing does)
        take(hi);
        if (!over()) {
          while (hi - lo > 1) {
            var mid = (lo + hi) >> 1;
            take(mid);
            if (over()) lo = mid; else hi = mid;
          }
          take(hi);
        }
      }
      // room left at the bottom: the first themes get back their newest card, if it fits
      for (i = 0; i < limit.length; i++) {
        if (limit[i] > 0 || !lists[i].children.length) continue;
        limit[i] = 1;
        show();
        if (column.scrollHeight > column.clientHeight + 1) { limit[i] = 0; show(); }
      }
      // 3. what is not on screen is counted
      if (split.length > 1) {
        var away = named.length - here.length;
        foot.textContent = "";
        foot.appendChild(el("span", "away", fmt(away === 1 ? T.more_theme : T.more_themes, { n: away })));
        var where = el("span", "pg");
        var dots = el("span", "pdots");
        dots.setAttribute("aria-hidden", "true");
        for (i = 0; i < split.length; i++) dots.appendChild(el("i", i === at ? "on" : ""));
        where.appendChild(dots);
        where.appendChild(document.createTextNode(fmt(T.page, { n: at + 1, total: split.length })));
        foot.appendChild(where);
        foot.setAttribute("data-page", at + 1);
        foot.setAttribute("data-pages", split.length);
      }
    });
  }
  function turn(step) {
    var most = Math.max(pages.blocker || 1, pages.lever || 1);
    if (most < 2) { page = 0; return; }
    page = (page + step + most) % most;
    fit();
  }
  var PAGE_SECONDS = 15, still = 0;
  setInterval(function () {  // only while nobody touches the board (tools hidden)
    if (!document.body.classList.contains("idle") || root.classList.contains("dragging")) { still = 0; return; }
    if (++still >= PAGE_SECONDS) { still = 0; turn(1); }
  }, 1000);

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
  var SPEAKER = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M3 9h4l5-4v14l-5-4H3z" fill="currentColor"/><path d="M16 8.5a5 5 0 0 1 0 7M18.5 6a8.5 8.5 0 0 1 0 12" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"/></svg>';
  var player = null;
  root.addEventListener("click", function (e) {
    var hear = e.target.closest && e.target.closest("[data-play]");
    if (hear) {
      if (!player) { player = document.createElement("audio"); player.id = "voice-player"; player.hidden = true; document.body.appendChild(player); }
      var src = "/sessions/" + encodeURIComponent(sessionId) + "/voice/" + encodeURIComponent(hear.getAttribute("data-play"));
      if (player.getAttribute("src") === src && !player.paused) player.pause();
      else { player.setAttribute("src", src); player.play(); }
      return;
    }
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
    if (e.key === "PageDown" || e.key === "ArrowRight") { still = 0; turn(1); }
    if (e.key === "PageUp" || e.key === "ArrowLeft") { still = 0; turn(-1); }
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

  /* -- phases, timer, speaking circle, votes: from the projection, re-fetched after events -- */
  function ts(iso) { return Date.parse(String(iso).replace(/(\.\d{3})\d+/, "$1")); }
  var fetching = false, fetchAgain = false, fetchSoon;
  function fetchExtras() {
    clearTimeout(fetchSoon);
    fetchSoon = setTimeout(function () {
      if (fetching) { fetchAgain = true; return; }
      fetching = true;
      var xhr = new XMLHttpRequest();
      xhr.open("GET", "/api/sessions/" + encodeURIComponent(sessionId) + "/board?view=live");
      xhr.onloadend = function () {
        fetching = false;
        if (xhr.status === 200) {
          try {
            extras = JSON.parse(xhr.responseText); // the cards come with the events
            if (extras.seq >= seq) phase = extras.phase;
          } catch (e) { /* keep the last one */ }
          renderSoon();
          document.dispatchEvent(new CustomEvent("board:extras", { detail: extras }));
        }
        if (fetchAgain) { fetchAgain = false; fetchExtras(); }
      };
      xhr.send();
    }, 120);
  }
  // a question the facilitator recorded aloud: a small speaker mark (phones play it)
  document.addEventListener("board:extras", function (e) {
    var rec = (e.detail && e.detail.prompt_audio) || {}, ps = document.querySelectorAll(".prompt[data-prompt]");
    for (var i = 0; i < ps.length; i++) ps[i].classList.toggle("rec", !!rec[ps[i].getAttribute("data-prompt")]);
  });
  function clock(s) {
    s = Math.max(0, Math.ceil(s));
    return Math.floor(s / 60) + ":" + ("0" + (s % 60)).slice(-2);
  }
  function tick() {
    var box = document.getElementById("clock");
    var t = extras && extras.timer;
    if (!t || t.state === "idle") { box.hidden = true; return; }
    var left = t.state === "paused" ? t.remaining || 0 : (ts(t.ends_at) - Date.now() - skew) / 1000;
    box.hidden = false;
    box.className = "clock " + t.state + (left <= 0 ? " rang" : "");
    setText("clock-label", t.state === "paused" ? T.paused : t.label || "");
    setText("clock-left", clock(left));
  }
  setInterval(tick, 500);
  function renderExtras() {
    if (!extras) return;
    var f = extras.floor || { queue: [] };
    var floor = document.getElementById("floor");
    floor.hidden = !f.speaking && !f.queue.length;
    floor.classList.toggle("waiting", !f.speaking);
    setText("speaker", f.speaking_name || "—");
    var next = f.queue.slice(0, 3).map(function (q) { return q.name; }).join(", ");
    setText("next-up", next ? T.next + " : " + next + (f.queue.length > 3 ? " +" + (f.queue.length - 3) : "") : "");
    counted("voters", extras.voters, "voter");
    counted("sum-people", extras.participant_count, "participant");
    counted("sum-cards", order.filter(visible).length, "card");
    counted("sum-voters", extras.voters, "voter");
    tick();
    if (radarOn()) drawRadar(extras.radar);
    if (phase === "vote" || phase === "synthesis" || phase === "closed") ranking();
  }
  /* Ballot items ranked by votes, per kind, with bars; condensed to what fits. */
  function ranking() {
    var results = extras.results || [];
    var max = 1;
    results.forEach(function (r) { if (r.votes > max) max = r.votes; });
    var top = phase === "closed" ? 3 : phase === "synthesis" ? 5 : 8;
    KINDS.forEach(function (kind) {
      var list = document.getElementById("rank-" + kind);
      list.textContent = "";
      results.filter(function (r) { return r.kind === kind; }).slice(0, top).forEach(function (r, i) {
        var li = el("li", r.votes ? "" : "none");
        li.appendChild(el("span", "pos", String(i + 1)));
        li.appendChild(pictoNode(r));
        li.setAttribute("data-item", r.id);
        var body = el("div", "rb");
        body.appendChild(el("span", "rl", r.label));
        var bar = el("span", "bar");
        var fillBar = el("span", "fill");
        fillBar.style.width = (r.votes ? Math.max(4, 100 * r.votes / max) : 0) + "%";
        bar.appendChild(fillBar);
        body.appendChild(bar);
        li.appendChild(body);
        li.appendChild(el("b", "rv", r.votes ? String(r.votes) : ""));
        li.setAttribute("data-votes", r.votes);
        list.appendChild(li);
      });
      var guard = 20;
      while (list.parentNode.scrollHeight > list.parentNode.clientHeight + 1 && list.children.length > 1 && guard-- > 0) {
        list.removeChild(list.lastChild);
      }
    });
  }


  /* -- the competence radar: the room's medians once closed, never one person's ratings -- */
  var radarSeen = null, radarKeep = null; // the open radar seen here; what the room saw when it closed
  function radarOn() {
    var r = extras && extras.radar;
    if (!r) return false;
    if (r.open) { radarSeen = r.id; radarKeep = null; return true; }
    if (radarSeen !== r.id) return false;
    if (!radarKeep) radarKeep = { phase: phase, cards: order.length };
    return radarKeep.phase === phase && radarKeep.cards === order.length; // until the room moves on
  }
  var NS = "http://www.w3.org/2000/svg", CX = 550, CY = 300, R = 185;
  function svgEl(tag, attrs, parent) {
    var n = document.createElementNS(NS, tag);
    for (var k in attrs) n.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(n);
    return n;
  }
  function at(i, n, value) {
    var a = -Math.PI / 2 + 2 * Math.PI * i / n, r = R * value / 5;
    return [CX + r * Math.cos(a), CY + r * Math.sin(a)];
  }
  function outline(axes, values) {
    return axes.map(function (a, i) {
      var p = at(i, axes.length, values[a.id] || 0);
      return "L" + p[0].toFixed(1) + " " + p[1].toFixed(1);
    }).join("").replace(/^L/, "M") + "Z";
  }
  function wrap(label, max) {
    var lines = [""];
    label.split(/\s+/).forEach(function (w) {
      var last = lines[lines.length - 1];
      if (last && (last + " " + w).length > max) lines.push(w); else lines[lines.length - 1] = last ? last + " " + w : w;
    });
    return lines.slice(0, 3);
  }
  var drawn = "";
  function drawRadar(r) {
    var enough = !r.open && r.axes.some(function (a) { return r.median[a.id] != null; });
    setText("radar-n", r.responses);
    setText("radar-n-word", r.responses === 1 ? T.response : T.responses);
    document.getElementById("radar-closed").hidden = r.open;
    document.getElementById("radar-wait").hidden = enough;
    var key = JSON.stringify([r.axes, enough && r.median]);
    if (key === drawn) return;
    drawn = key;
    var svg = svgEl("svg", { viewBox: "0 0 1100 600", role: "img", "aria-labelledby": "h-radar" });
    var n = r.axes.length, i;
    for (var ring = 1; ring <= 5; ring++) {
      var ringVals = {};
      r.axes.forEach(function (a) { ringVals[a.id] = ring; });
      svgEl("path", { d: outline(r.axes, ringVals), "class": "ring" + (ring === 5 ? " outer" : "") }, svg);
    }
    for (i = 0; i < n; i++) {
      var end = at(i, n, 5);
      svgEl("line", { x1: CX, y1: CY, x2: end[0], y2: end[1], "class": "spoke" }, svg);
    }
    if (enough) {
      svgEl("path", { d: outline(r.axes, r.median), "class": "median" }, svg);
      r.axes.forEach(function (a, j) {
        if (r.median[a.id] == null) return;
        var p = at(j, n, r.median[a.id]);
        svgEl("circle", { cx: p[0], cy: p[1], r: 9, "class": "mdot" }, svg);
      });
    }
    for (ring = 1; ring <= 5; ring++) {
      var tp = at(0, n, ring);
      svgEl("text", { x: tp[0] + 10, y: tp[1] + 8, "class": "rn" }, svg).textContent = ring;
    }
    r.axes.forEach(function (a, j) {
      var ang = -Math.PI / 2 + 2 * Math.PI * j / n, c = Math.cos(ang), s = Math.sin(ang);
      var x = CX + (R + 22) * c, y = CY + (R + 22) * s;
      var lines = wrap(a.label, 14);
      var anchor = c > 0.2 ? "start" : c < -0.2 ? "end" : "middle";
      var top = s < -0.5 ? y - (lines.length - 1) * 42 - 8 : s > 0.5 ? y + 34 : y - (lines.length - 1) * 21 + 13;
      var t = svgEl("text", { x: x, y: top, "text-anchor": anchor, "class": "al" }, svg);
      lines.forEach(function (line, k) {
        var span = svgEl("tspan", { x: x, dy: k ? 42 : 0 }, t);
        span.textContent = line;
      });
    });
    var box = document.getElementById("radar-svg");
    box.textContent = "";
    box.appendChild(svg);
  }

  /* -- the connection ------------------------------------------------------------------- */
  var socket = io();
  window.boardSocket = socket; // board_pair.js listens on the same connection
  var syncing = false;
  socket.on("events", function (events) {
    events.sort(function (a, b) { return a.seq - b.seq; });  // drawn once per frame
    if (events.length && events[events.length - 1].at) skew = ts(events[events.length - 1].at) - Date.now();
    fetchExtras();
    for (var i = 0; i < events.length; i++) {
      if (!apply(events[i]) && !syncing) {
        syncing = true; // a gap: ask for what we missed, in order
        socket.emit("sync", { session_id: sessionId, last_seq: seq }, function () { syncing = false; });
        break;
      }
    }
    renderSoon();
  });
  socket.on("presence", function (p) { counted("connected", p.connected, "connected"); });
  socket.on("session_deleted", function () { socket.disconnect(); document.body.textContent = ""; });
  /* Joining: with the last seq folded, the server sends what was missed as events; from
     nothing (or when the board is too far behind for a replay: `snapshot_needed`, after a
     long cut in a busy room) the board starts again from the answer's snapshot. */
  function joinBoard(from) {
    socket.emit("join_board", { session_id: sessionId, last_seq: from }, function (ack) {
      if (!ack || !ack.ok) { say(ack && ack.error ? ack.error.message : "?"); return; }
      if (!from) {
        var b = ack.board;
        cards = {}; order = []; participants = {}; themeOf = {}; flags = {}; syncing = false;
        b.participants.forEach(function (p) { participants[p.id] = p.name || ""; });
        b.contributions.forEach(function (c) { cards[c.id] = c; order.push(c.id); shown[c.id] = 1; });
        phase = b.phase;
        extras = b;
        setThemes(b.themes);
        (b.flags || []).forEach(function (f) { flags[f.contribution_id] = f; });
        grouping = b.grouping;
        seq = b.seq;
      }
      counted("connected", ack.connected, "connected");
      render();
      fetchExtras();
      root.setAttribute("data-ready", "1");
    });
  }
  socket.on("connect", function () { say(""); joinBoard(seq || null); });
  socket.on("snapshot_needed", function () { joinBoard(null); });
  // a lost tail (the last events of a burst dropped on the way) shows no gap: ask now and then
  setInterval(function () {
    if (socket.connected && seq && !syncing) socket.emit("sync", { session_id: sessionId, last_seq: seq });
  }, 20000);
  socket.on("disconnect", function () { say(T.offline); });
  var resizing;
  window.addEventListener("resize", function () { clearTimeout(resizing); resizing = setTimeout(render, 100); });
})();
