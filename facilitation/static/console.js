/* The facilitator's console: a snapshot of the board projection, re-fetched after every
   batch of live events (the projection is small), and named commands over the socket.
   Keys: "/" or "s" focuses the scribe field, Ctrl+B switches Blocker/Lever there, Enter sends. */
(function () {
  "use strict";
  var root = document.getElementById("console");
  var T = JSON.parse(root.getAttribute("data-i18n"));
  var sessionId = root.getAttribute("data-session");
  var lang = root.getAttribute("data-lang");
  var PHASES = ["welcome", "collect", "group", "vote", "synthesis", "closed"];
  var board = null;
  var skew = 0;            // server clock minus local clock (ms), from the events' `at`
  var armed = null;        // a destructive button waiting for its second click
  var armedTimer = null;
  var editing = null;      // {id, value} while a card is edited inline
  var promptsDraft = null; // [{id?, text}] while questions are edited and not saved
  var scribed = {};        // ids of cards typed here (highlighted in the list)
  var undo = null;

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }
  function button(text, key, cls) {
    var b = el("button", cls || "small", text);
    b.type = "button";
    if (key) b.setAttribute("data-k", key);
    return b;
  }
  function uid() {
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return ("0" + x.toString(16)).slice(-2); }).join("");
  }
  function ts(iso) { return Date.parse(String(iso).replace(/(\.\d{3})\d+/, "$1")); }
  function who(p) { return p.name || "#" + p.number; }
  function clock(s) {
    s = Math.max(0, Math.ceil(s));
    var m = Math.floor(s / 60);
    return (m < 10 ? "0" : "") + m + ":" + ("0" + (s % 60)).slice(-2);
  }

  /* -- status line (refusals, confirmations, undo) ------------------------------------ */
  var statusTimer;
  function say(message, bad, undoFn) {
    $("status-text").textContent = message || "";
    $("status").hidden = !message;
    $("status").className = "c-status" + (bad ? " bad" : "");
    undo = undoFn || null;
    $("status-undo").hidden = !undoFn;
    clearTimeout(statusTimer);
    if (message) statusTimer = setTimeout(function () { say(""); }, bad ? 10000 : 6000);
  }
  $("status-undo").addEventListener("click", function () { if (undo) undo(); say(""); });

  /* -- commands --------------------------------------------------------------------------- */
  var socket = io();
  function command(type, fields, done) {
    var data = fields || {};
    data.type = type;
    data.session_id = sessionId;
    data.client_id = uid();
    socket.timeout(15000).emit("command", data, function (err, ack) {
      if (err) { say(T.offline, true); return; }
      if (!ack || !ack.ok) { say(ack && ack.error ? ack.error.message : "?", true); return; }
      if (done) done(ack);
      refresh();
    });
  }
  /* Two clicks for what cannot be undone at once (block, close). */
  function confirmed(key) {
    if (armed === key) { armed = null; clearTimeout(armedTimer); return true; }
    armed = key;
    clearTimeout(armedTimer);
    armedTimer = setTimeout(function () { armed = null; render(); }, 5000);
    render();
    return false;
  }

  /* -- drawing ------------------------------------------------------------------------------ */
  function keepFocus(fn) {
    var active = document.activeElement;
    var key = active && active.getAttribute && active.getAttribute("data-k");
    fn();
    if (key) {
      var again = root.querySelector('[data-k="' + key + '"]');
      if (again) again.focus();
    }
  }
  function cardItem(c, flag) {
    var li = el("li", "c-card " + c.kind + (c.pending ? " pending" : "") + (flag ? " flagged" : "") + (scribed[c.id] ? " mine" : ""));
    li.setAttribute("data-card", c.id);
    var tag = el("span", "tag", T[c.kind]);
    li.appendChild(tag);
    var body = el("div", "body");
    if (editing && editing.id === c.id) {
      var input = el("input", "edit");
      input.value = editing.value;
      input.maxLength = 280;
      input.setAttribute("data-k", "editing-" + c.id);
      input.setAttribute("aria-label", T.edit);
      input.addEventListener("input", function () { editing.value = input.value; });
      input.addEventListener("keydown", function (e) {
        if (e.key === "Enter") { e.preventDefault(); saveEdit(c.id); }
        if (e.key === "Escape") { editing = null; render(); }
      });
      body.appendChild(input);
    } else {
      if (c.voice) body.appendChild(playButton(c));
      if (c.text) body.appendChild(el("span", "text", c.text));
      if (c.voice && !c.voice.transcribed && !c.hidden) body.appendChild(transcribeInput(c));
    }
    var meta = [];
    if (c.voice) meta.push(T.voice + (c.voice.transcribed ? " · " + T.transcribed : ""));
    if (c.author) meta.push(c.author);
    if (c.edited) meta.push(T.edited);
    if (c.pending) meta.push(T.pending);
    if (flag) meta.push(flag.suggested_kind === "lever" ? T.flag_lever : T.flag_blocker);
    if (meta.length) body.appendChild(el("span", "meta", meta.join(" · ")));
    li.appendChild(body);
    var acts = el("div", "acts");
    if (editing && editing.id === c.id) {
      acts.appendChild(button(T.save, "save-" + c.id, "small primary")).setAttribute("data-save", c.id);
      acts.appendChild(button(T.cancel, "cancel-" + c.id)).setAttribute("data-cancel", c.id);
    } else if (c.hidden) {
      acts.appendChild(button(T.unhide, "unhide-" + c.id)).setAttribute("data-unhide", c.id);
    } else {
      if (c.pending) acts.appendChild(button(T.approve, "approve-" + c.id, "small primary")).setAttribute("data-approve", c.id);
      var quoted = (board.quotes || []).indexOf(c.id) >= 0;
      var star = acts.appendChild(button(quoted ? "\u2605" : "\u2606", "quote-" + c.id, quoted ? "small on" : "small"));
      star.setAttribute("data-quote", c.id);
      star.setAttribute("aria-pressed", quoted ? "true" : "false");
      star.title = quoted ? T.unquote : T.quote;
      acts.appendChild(button(T.edit, "edit-" + c.id)).setAttribute("data-edit", c.id);
      var other = c.kind === "blocker" ? "lever" : "blocker";
      var move = acts.appendChild(button(other === "lever" ? "→ " + T.lever : "→ " + T.blocker, "move-" + c.id));
      move.setAttribute("data-move", c.id);
      move.title = other === "lever" ? T.to_lever : T.to_blocker;
      acts.appendChild(button(T.hide, "hide-" + c.id, "small warn")).setAttribute("data-hide", c.id);
    }
    li.appendChild(acts);
    return li;
  }
  /* -- voice cards: play one to the room, write down what it says (it then joins the grouping) -- */
  var player = null, playing = null, transcripts = {};
  var SPEAKER = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M3 9h4l5-4v14l-5-4H3z" fill="currentColor"/><path d="M16 8.5a5 5 0 0 1 0 7M18.5 6a8.5 8.5 0 0 1 0 12" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"/></svg>';
  function playButton(c) {
    var b = button("", "play-" + c.id, "small play" + (playing === c.id ? " on" : ""));
    b.innerHTML = SPEAKER;
    b.appendChild(document.createTextNode(" " + clock(Math.ceil(c.voice.duration_ms / 1000))));
    b.setAttribute("data-play", c.id);
    b.setAttribute("aria-label", (playing === c.id ? T.pause : T.play) + " (" + clock(Math.ceil(c.voice.duration_ms / 1000)) + ")");
    b.setAttribute("aria-pressed", playing === c.id ? "true" : "false");
    return b;
  }
  function play(id) {
    if (!player) {
      player = document.createElement("audio");
      player.id = "voice-player";
      player.hidden = true;
      document.body.appendChild(player);
      player.addEventListener("ended", function () { playing = null; render(); });
    }
    if (playing === id) { player.pause(); playing = null; render(); return; }
    player.src = "/sessions/" + encodeURIComponent(sessionId) + "/voice/" + encodeURIComponent(id);
    playing = id;
    var done = player.play();
    if (done && done.catch) done.catch(function () { playing = null; render(); });
    render();
  }
  function transcribeInput(c) {
    var input = el("input", "edit transcribe");
    input.value = transcripts[c.id] || "";
    input.maxLength = 280;
    input.placeholder = T.transcribe;
    input.setAttribute("aria-label", T.transcribe);
    input.setAttribute("data-k", "transcribe-" + c.id);
    input.addEventListener("input", function () { transcripts[c.id] = input.value; });
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter") {
        e.preventDefault();
        var text = input.value.replace(/^\s+|\s+$/g, "");
        if (text) command("transcribe_contribution", { contribution_id: c.id, text: text }, function () { delete transcripts[c.id]; });
      } else if (e.key === "Escape") { play(c.id); } // Escape: hear it (again) without leaving the field
    });
    return input;
  }
  function fill(list, items, empty) {
    list.textContent = "";
    if (!items.length && empty) list.appendChild(el("li", "empty", empty));
    items.forEach(function (item) { list.appendChild(item); });
  }

  function render() {
    if (!board) return;
    keepFocus(function () {
      renderPhase();
      renderCards();
      renderFloor();
      renderTimer();
      renderVotes();
      renderPrompts();
      renderPeople();
      renderSynthesis();
      renderRadar();
    });
  }

  /* -- synthesis: where and when, conclusions, decisions ----------------------------------- */
  function setValue(id, value) {
    var node = $(id);
    if (document.activeElement !== node && !node.getAttribute("data-dirty")) node.value = value || "";
  }
  function renderSynthesis() {
    setValue("d-territory", board.territory);
    setValue("d-place", board.place);
    setValue("d-date", board.date);
    setValue("conclusions", board.conclusions);
    fill($("decision-list"), (board.decisions || []).map(function (d, i) {
      var li = el("li");
      li.appendChild(el("span", "text", d.text));
      var meta = [d.owner, d.due].filter(Boolean).join(" · ");
      if (meta) li.appendChild(el("span", "meta", meta));
      li.appendChild(button(T.remove, "drop-decision-" + i, "small")).setAttribute("data-drop-decision", String(i));
      return li;
    }), T.no_decisions);
  }
  ["d-territory", "d-place", "d-date", "conclusions"].forEach(function (id) {
    $(id).addEventListener("input", function () { $(id).setAttribute("data-dirty", "1"); });
  });
  $("details").addEventListener("submit", function (e) {
    e.preventDefault();
    command("set_details", { territory: $("d-territory").value, place: $("d-place").value, date: $("d-date").value || null }, function () {
      ["d-territory", "d-place", "d-date"].forEach(function (id) { $(id).removeAttribute("data-dirty"); });
      say(T.saved);
    });
  });
  $("conclusions-save").addEventListener("click", function () {
    command("set_conclusions", { text: $("conclusions").value }, function () {
      $("conclusions").removeAttribute("data-dirty");
      say(T.saved);
    });
  });
  $("decision-add").addEventListener("submit", function (e) {
    e.preventDefault();
    var text = $("decision-text").value.replace(/^\s+|\s+$/g, "");
    if (!text) return;
    var item = { text: text };
    if ($("decision-owner").value) item.owner = $("decision-owner").value;
    if ($("decision-due").value) item.due = $("decision-due").value;
    command("set_decisions", { decisions: (board.decisions || []).concat([item]) }, function () {
      $("decision-text").value = ""; $("decision-owner").value = ""; $("decision-due").value = "";
    });
  });

  function renderPhase() {
    var at = PHASES.indexOf(board.phase);
    Array.prototype.forEach.call($("steps").children, function (li, i) {
      if (i === at) li.setAttribute("aria-current", "step"); else li.removeAttribute("aria-current");
      li.classList.toggle("done", i < at);
    });
    var back = $("phase-back"), next = $("phase-next"), close = $("phase-close");
    back.hidden = at <= 0 || board.phase === "closed";
    back.textContent = at > 0 ? "← " + T.phases[PHASES[at - 1]] : "";
    var nextPhase = PHASES[at + 1];
    next.hidden = !nextPhase || nextPhase === "closed";
    next.textContent = nextPhase ? T.phases[nextPhase] + " →" : "";
    close.hidden = board.phase === "closed";
    close.textContent = armed === "close" ? T.confirm_close : T.close;
    close.classList.toggle("armed", armed === "close");
    document.body.setAttribute("data-phase", board.phase);
  }

  function renderCards() {
    var flags = {};
    (board.flags || []).forEach(function (f) { flags[f.contribution_id] = f; });
    var all = board.contributions.slice().sort(function (a, b) { return b.seq - a.seq; });
    var shown = all.filter(function (c) { return !c.hidden; });
    var hidden = all.filter(function (c) { return c.hidden; });
    var decide = shown.filter(function (c) { return c.pending || flags[c.id]; });
    fill($("decide-list"), decide.map(function (c) { return cardItem(c, flags[c.id]); }));
    $("decide").hidden = !decide.length;
    $("n-decide").textContent = decide.length || "";
    fill($("cards-list"), shown.filter(function (c) { return !c.pending && !flags[c.id]; })
      .map(function (c) { return cardItem(c, null); }), decide.length ? null : T.no_cards);
    fill($("hidden-list"), hidden.map(function (c) { return cardItem(c, null); }), T.no_hidden);
    $("n-cards").textContent = shown.length;
    $("n-hidden").textContent = hidden.length;
    var pre = $("premoderation");
    if (document.activeElement !== pre) pre.checked = !!board.premoderation;
  }

  function renderFloor() {
    var f = board.floor || { queue: [] };
    var box = $("speaking");
    box.textContent = "";
    if (f.speaking) {
      var since = f.since ? " · " + T.since + " " + clock((Date.now() + skew - ts(f.since)) / 1000) : "";
      box.appendChild(el("span", "label", T.speaking));
      box.appendChild(el("b", "name", f.speaking_name));
      box.appendChild(el("span", "since", since));
      box.appendChild(button(T.end, "end-floor", "small")).setAttribute("data-end-floor", "1");
      box.className = "speaking on";
    } else {
      box.appendChild(el("span", "label", T.nobody));
      box.className = "speaking";
    }
    fill($("queue"), f.queue.map(function (q, i) {
      var li = el("li");
      li.appendChild(el("span", "name", q.name));
      li.appendChild(button(T.give, "give-" + q.participant_id, i === 0 ? "small primary" : "small")).setAttribute("data-give", q.participant_id);
      return li;
    }), T.queue_empty);
    $("n-queue").textContent = f.queue.length || "";
    $("give-next").disabled = !f.queue.length;
  }

  function timerLeft(t) {
    if (!t || t.state === "idle") return null;
    if (t.state === "paused") return t.remaining || 0;
    return (ts(t.ends_at) - (Date.now() + skew)) / 1000;
  }
  function renderTimer() {
    var t = board.timer || { state: "idle" };
    var left = timerLeft(t);
    var cd = $("countdown");
    cd.textContent = left === null ? "--:--" : clock(left);
    cd.className = "countdown " + t.state + (left !== null && left <= 0 ? " rang" : "");
    $("timer-label").textContent = t.state === "paused" ? T.timer_paused + (t.label ? " · " + t.label : "") : t.label || (t.state === "idle" ? T.timer_idle : "");
    var pause = $("timer-pause");
    pause.textContent = t.state === "paused" ? T.resume : T.pause;
    pause.disabled = t.state === "idle";
    $("timer-extend").disabled = t.state === "idle";
    $("timer-stop").disabled = t.state === "idle";
  }

  function renderVotes() {
    var budget = $("budget");
    if (document.activeElement !== budget) budget.value = board.vote_budget;
    $("voters").textContent = board.voters;
    $("votes-cast").textContent = board.votes_cast;
    var max = 1;
    board.results.forEach(function (r) { if (r.votes > max) max = r.votes; });
    fill($("results"), board.results.map(function (r) {
      var li = el("li", r.kind || "");
      li.appendChild(el("span", "label", r.label));
      var bar = el("span", "bar");
      var fillBar = el("span", "fill");
      fillBar.style.width = (100 * r.votes / max) + "%";
      bar.appendChild(fillBar);
      li.appendChild(bar);
      li.appendChild(el("b", "n", String(r.votes)));
      return li;
    }), T.no_results);
  }

  /* -- the competence radar: the room's aggregate only ------------------------------------- */
  function num(v) { return v == null ? "—" : String(Math.round(v * 10) / 10).replace(".", lang === "fr" ? "," : "."); }
  function renderRadar() {
    var r = board.radar, open = !!(r && r.open);
    $("radar-state").textContent = !r ? T.radar_none : open ? T.radar_open : T.radar_closed;
    $("radar-open").hidden = open;
    $("radar-open-custom").disabled = open;
    var close = $("radar-close");
    close.hidden = !open;
    close.textContent = armed === "radar" ? T.confirm_radar : T.close_radar;
    close.classList.toggle("armed", armed === "radar");
    $("radar-stats").hidden = !r;
    $("radar-agg").hidden = !r;
    if (!r) return;
    $("radar-responses").textContent = r.responses;
    var rows = $("radar-rows");
    rows.textContent = "";
    r.axes.forEach(function (a) {
      var tr = el("tr");
      tr.setAttribute("data-axis", a.id);
      tr.appendChild(el("th", "", a.label)).setAttribute("scope", "row");
      var m = r.median[a.id];
      var td = el("td", "med");
      td.appendChild(el("b", "", num(m)));
      var bar = el("span", "bar");
      var f = el("span", "fill");
      f.style.width = (m == null ? 0 : 100 * m / 5) + "%";
      bar.appendChild(f);
      td.appendChild(bar);
      tr.appendChild(td);
      tr.appendChild(el("td", "iq", String((r.answers || {})[a.id] || 0)));
      rows.appendChild(tr);
    });
  }
  $("radar-open").addEventListener("click", function () { command("open_radar", {}); });
  $("radar-open-custom").addEventListener("click", function () {
    var axes = $("radar-axes").value.split("\n").map(function (l) { return l.replace(/^\s+|\s+$/g, ""); })
      .filter(function (l) { return l; });
    if (axes.length < 3 || axes.length > 8) { say(T.axes_count, true); $("radar-axes").focus(); return; }
    command("open_radar", { axes: axes }, function () { $("radar-axes").value = ""; });
  });
  $("radar-close").addEventListener("click", function () {
    if (confirmed("radar")) command("close_radar", {});
  });

  function renderPrompts() {
    var list = $("prompt-list");
    if (list.contains(document.activeElement) && document.activeElement.tagName === "INPUT") return;
    var prompts = promptsDraft || board.prompts.map(function (p) { return { id: p.id, text: p.text }; });
    list.textContent = "";
    prompts.forEach(function (p, i) {
      var li = el("li", p.id && p.id === board.active_prompt ? "active" : "");
      var input = el("input");
      input.value = p.text;
      input.maxLength = 200;
      input.setAttribute("data-k", "prompt-" + i);
      input.setAttribute("data-prompt-index", i);
      input.setAttribute("aria-label", (i + 1) + ".");
      li.appendChild(input);
      var acts = el("div", "acts");
      if (p.id && p.id === board.active_prompt) acts.appendChild(el("span", "tag on", T.active));
      else if (p.id && !promptsDraft) acts.appendChild(button(T.activate, "activate-" + p.id)).setAttribute("data-activate", p.id);
      var up = acts.appendChild(button("↑", "up-" + i));
      up.setAttribute("data-up", i); up.title = T.up; up.setAttribute("aria-label", T.up); up.disabled = i === 0;
      var down = acts.appendChild(button("↓", "down-" + i));
      down.setAttribute("data-down", i); down.title = T.down; down.setAttribute("aria-label", T.down); down.disabled = i === prompts.length - 1;
      var rm = acts.appendChild(button("✕", "rm-" + i));
      rm.setAttribute("data-rm", i); rm.title = T.remove; rm.setAttribute("aria-label", T.remove); rm.disabled = prompts.length < 2;
      li.appendChild(acts);
      if (p.id && !promptsDraft) li.appendChild(questionAudio(p.id, i));
      list.appendChild(li);
    });
    $("prompts-save").hidden = !promptsDraft;
  }
  /* -- a question recorded aloud: the facilitator's own voice, which phones play beside it -- */
  var MIC = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M12 3a3 3 0 0 0-3 3v6a3 3 0 0 0 6 0V6a3 3 0 0 0-3-3z" fill="currentColor"/><path d="M6 11a6 6 0 0 0 12 0M12 17v4M8 21h8" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round"/></svg>';
  function questionAudio(id, i) {
    var audio = (board.prompt_audio || {})[id], row = el("div", "acts qaudio");
    row.setAttribute("data-qaudio", id);
    if (audio) {
      var len = clock(Math.ceil(audio.duration_ms / 1000));
      var b = button("", "qplay-" + id, "small play" + (playing === audio.clip ? " on" : ""));
      b.innerHTML = SPEAKER;
      b.appendChild(document.createTextNode(" " + len));
      b.setAttribute("data-play", audio.clip);
      b.setAttribute("aria-label", (playing === audio.clip ? T.pause : T.q_play) + " (" + len + ")");
      b.setAttribute("aria-pressed", playing === audio.clip ? "true" : "false");
      row.appendChild(b);
    }
    var rec = row.appendChild(button("", "qrec-" + id, "small qrec"));
    rec.innerHTML = MIC;
    rec.appendChild(document.createTextNode(" " + (audio ? T.q_again : T.q_record)));
    rec.setAttribute("data-qrecord", id);
    rec.setAttribute("data-n", i + 1);
    if (audio) {
      var key = "qrm-" + id;
      row.appendChild(button(armed === key ? T.q_confirm_remove : T.q_remove, key, "small warn" + (armed === key ? " armed" : "")))
        .setAttribute("data-qremove", id);
    }
    return row;
  }
  var voiceLoading = null;
  function withRecorder(then) { // static/voice.js, the phone's recorder, loaded on first use
    if (window.FacilitationVoice) { then(window.FacilitationVoice); return; }
    if (voiceLoading) { voiceLoading.push(then); return; }
    voiceLoading = [then];
    var s = document.createElement("script");
    s.src = root.getAttribute("data-voice-script");
    s.onload = function () { var w = voiceLoading; voiceLoading = null; w.forEach(function (f) { f(window.FacilitationVoice); }); };
    s.onerror = function () { voiceLoading = null; s.parentNode.removeChild(s); say(T.offline, true); };
    document.head.appendChild(s);
  }
  function audioUrl(id) {
    return "/sessions/" + encodeURIComponent(sessionId) + "/prompts/" + encodeURIComponent(id) + "/audio";
  }
  function send(method, url, body, type, done) { // the page's CSRF token: no other site can
    var x = new XMLHttpRequest();
    x.open(method, url);
    x.setRequestHeader("X-CSRFToken", root.getAttribute("data-csrf"));
    if (type) x.setRequestHeader("Content-Type", type);
    x.timeout = 120000;
    x.onload = function () {
      var ack = null;
      try { ack = JSON.parse(x.responseText); } catch (e) { ack = null; }
      done(ack && ack.ok ? null : ack && ack.error ? ack.error.message : T.q_failed);
    };
    x.onerror = x.ontimeout = function () { done(T.q_failed); };
    x.send(body);
  }
  function recordQuestion(id, from) {
    var R = T.rec, mine = {};
    for (var k in R) mine[k] = R[k];
    mine.talk = mine.title = R.talk + " " + from.getAttribute("data-n");
    withRecorder(function (v) {
      v.open({
        T: mine, anchor: $("prompt-list"), talk: from,
        save: function (blob, ms, done) {
          var url = audioUrl(id) + "?duration_ms=" + Math.round(ms) + "&lang=" + lang;
          send("POST", url, blob, String(blob.type || "audio/webm").split(";")[0], function (error) {
            done(error);
            if (!error) { say(T.q_saved); refresh(); }
          });
        }
      });
    });
  }

  function draft() {
    if (!promptsDraft) promptsDraft = board.prompts.map(function (p) { return { id: p.id, text: p.text }; });
    return promptsDraft;
  }

  function speakerKey(name) { return name.replace(/\s+/g, " ").replace(/^ | $/g, "").toLowerCase(); }
  function speakers() {  // the names cards were typed for, as the server matches them
    var found = {}, list = [];
    board.contributions.forEach(function (c) {
      if (c.participant_id || !c.author) return;
      var key = speakerKey(c.author);
      if (!found[key]) { found[key] = { key: key, name: c.author, cards: 0 }; list.push(found[key]); }
      found[key].cards++;
    });
    return list;
  }
  function renderPeople() {
    var people = board.participants.slice().sort(function (a, b) { return a.number - b.number; });
    fill($("people"), people.map(function (p) {
      var li = el("li", p.blocked ? "blocked" : "");
      li.appendChild(el("span", "name", who(p)));
      var prof = [];
      if (p.profile && p.profile.actor_type) prof.push(T.actor[p.profile.actor_type] || p.profile.actor_type);
      if (p.profile && p.profile.territory) prof.push(p.profile.territory);
      if (p.blocked) prof.push(T.blocked);
      if (prof.length) li.appendChild(el("span", "meta", prof.join(" · ")));
      var key = "block-" + p.id;
      var b = p.blocked ? button(T.unblock, key) : button(armed === key ? T.confirm_block : T.block, key, "small warn" + (armed === key ? " armed" : ""));
      b.setAttribute(p.blocked ? "data-unblock" : "data-block", p.id);
      li.appendChild(b);
      var eraseKey = "erase-" + p.id;
      var e = button(armed === eraseKey ? T.confirm_erase : T.erase, eraseKey, "small warn" + (armed === eraseKey ? " armed" : ""));
      e.setAttribute("data-erase", p.id);
      li.appendChild(e);
      return li;
    }).concat(speakers().map(function (s) { // what was said aloud and typed under a name
      var li = el("li", "speaker");
      li.appendChild(el("span", "name", s.name));
      li.appendChild(el("span", "meta", s.cards === 1 ? T.typed_one : T.typed_many.replace("{n}", s.cards)));
      var key = "erase-said-" + s.key;
      var e = button(armed === key ? T.confirm_erase : T.erase, key, "small warn" + (armed === key ? " armed" : ""));
      e.setAttribute("data-erase-said", s.name);
      e.setAttribute("data-key", s.key);
      li.appendChild(e);
      return li;
    })), T.no_people);
    $("n-people").textContent = people.length;
    Array.prototype.forEach.call(document.querySelectorAll("input[name=profile]"), function (box) {
      if (document.activeElement !== box) box.checked = board.profile_questions.indexOf(box.value) >= 0;
    });
  }

  /* Countdowns move every second between refreshes (computed from server times). */
  setInterval(function () { if (board) { renderTimer(); if (board.floor && board.floor.speaking) keepFocus(renderFloor); } }, 500);

  /* -- actions ------------------------------------------------------------------------------- */
  function find(id) {
    for (var i = 0; i < board.contributions.length; i++) if (board.contributions[i].id === id) return board.contributions[i];
    return null;
  }
  function saveEdit(id) {
    var text = editing.value.replace(/^\s+|\s+$/g, "");
    var card = find(id);
    editing = null;
    if (text && card && text !== card.text) command("edit_contribution", { contribution_id: id, text: text });
    render();
  }
  root.addEventListener("click", function (e) {
    var t = e.target.closest && e.target.closest("button");
    if (!t || !board) return;
    var id;
    if ((id = t.getAttribute("data-play"))) {
      play(id);
    } else if ((id = t.getAttribute("data-hide"))) {
      command("hide_contribution", { contribution_id: id, hidden: true }, function () {
        say(T.hidden_done, false, function () { command("hide_contribution", { contribution_id: id, hidden: false }); });
      });
    } else if ((id = t.getAttribute("data-unhide"))) {
      command("hide_contribution", { contribution_id: id, hidden: false });
    } else if ((id = t.getAttribute("data-quote"))) {
      command("mark_quote", { contribution_id: id, quote: (board.quotes || []).indexOf(id) < 0 });
    } else if ((id = t.getAttribute("data-drop-decision"))) {
      var kept = (board.decisions || []).filter(function (d, i) { return String(i) !== id; });
      command("set_decisions", { decisions: kept });
    } else if ((id = t.getAttribute("data-approve"))) {
      command("approve_contribution", { contribution_id: id });
    } else if ((id = t.getAttribute("data-move"))) {
      var card = find(id);
      if (card) command("move_contribution", { contribution_id: id, kind: card.kind === "blocker" ? "lever" : "blocker" });
    } else if ((id = t.getAttribute("data-edit"))) {
      editing = { id: id, value: find(id).text };
      render();
      var input = root.querySelector('[data-k="editing-' + id + '"]');
      if (input) { input.focus(); input.select(); }
    } else if ((id = t.getAttribute("data-save"))) {
      saveEdit(id);
    } else if (t.getAttribute("data-cancel")) {
      editing = null; render();
    } else if ((id = t.getAttribute("data-block"))) {
      if (confirmed("block-" + id)) command("block_participant", { participant_id: id, blocked: true });
    } else if ((id = t.getAttribute("data-erase"))) {
      if (confirmed("erase-" + id)) command("erase_participant", { participant_id: id }, function () { say(T.erased); });
    } else if ((id = t.getAttribute("data-erase-said"))) {
      if (confirmed("erase-said-" + t.getAttribute("data-key"))) command("erase_speaker", { speaker: id }, function () { say(T.erased_said); });
    } else if ((id = t.getAttribute("data-unblock"))) {
      command("block_participant", { participant_id: id, blocked: false });
    } else if ((id = t.getAttribute("data-give"))) {
      command("give_floor", floorFields({ participant_id: id }));
    } else if (t.getAttribute("data-end-floor")) {
      command("end_floor", {});
    } else if ((id = t.getAttribute("data-qrecord"))) {
      recordQuestion(id, t);
    } else if ((id = t.getAttribute("data-qremove"))) {
      if (confirmed("qrm-" + id)) send("DELETE", audioUrl(id) + "?lang=" + lang, null, "", function (error) {
        if (error) say(error, true); else { say(T.q_removed); refresh(); }
      });
    } else if ((id = t.getAttribute("data-activate"))) {
      command("activate_prompt", { prompt_id: id });
    } else if (t.hasAttribute("data-up") || t.hasAttribute("data-down")) {
      var list = draft();
      var i = parseInt(t.getAttribute("data-up") || t.getAttribute("data-down"), 10);
      var j = t.hasAttribute("data-up") ? i - 1 : i + 1;
      if (j >= 0 && j < list.length) { var x = list[i]; list[i] = list[j]; list[j] = x; }
      renderPrompts();
    } else if (t.hasAttribute("data-rm")) {
      draft().splice(parseInt(t.getAttribute("data-rm"), 10), 1);
      renderPrompts();
    } else if (t.hasAttribute("data-minutes")) {
      command("start_timer", { seconds: 60 * parseInt(t.getAttribute("data-minutes"), 10) });
    }
  });
  function floorFields(fields) {
    var s = parseInt($("floor-seconds").value, 10);
    if (s > 0) fields.seconds = s;
    return fields;
  }
  $("give-next").addEventListener("click", function () { command("give_floor", floorFields({})); });
  $("phase-next").addEventListener("click", function () {
    command("change_phase", { phase: PHASES[PHASES.indexOf(board.phase) + 1] });
  });
  $("phase-back").addEventListener("click", function () {
    command("change_phase", { phase: PHASES[PHASES.indexOf(board.phase) - 1] });
  });
  $("phase-close").addEventListener("click", function () {
    if (confirmed("close")) command("change_phase", { phase: "closed" });
  });
  $("timer-custom-go").addEventListener("click", function () {
    var m = parseFloat($("timer-custom").value);
    if (m > 0) command("start_timer", { seconds: Math.round(m * 60) });
  });
  $("timer-custom").addEventListener("keydown", function (e) {
    if (e.key === "Enter") $("timer-custom-go").click();
  });
  $("timer-pause").addEventListener("click", function () {
    command(board.timer.state === "paused" ? "resume_timer" : "pause_timer", {});
  });
  $("timer-extend").addEventListener("click", function () { command("extend_timer", { seconds: 60 }); });
  $("timer-stop").addEventListener("click", function () { command("stop_timer", {}); });
  $("budget-set").addEventListener("click", function () {
    command("set_vote_budget", { votes: parseInt($("budget").value, 10) });
  });
  $("budget").addEventListener("keydown", function (e) { if (e.key === "Enter") $("budget-set").click(); });
  $("premoderation").addEventListener("change", function (e) {
    command("set_premoderation", { enabled: e.target.checked });
  });
  Array.prototype.forEach.call(document.querySelectorAll("input[name=profile]"), function (box) {
    box.addEventListener("change", function () {
      var asked = [];
      Array.prototype.forEach.call(document.querySelectorAll("input[name=profile]:checked"), function (b) { asked.push(b.value); });
      command("set_profile_questions", { questions: asked }, function () { say(T.saved); });
    });
  });
  $("prompt-list").addEventListener("input", function (e) {
    var i = e.target.getAttribute("data-prompt-index");
    if (i !== null) draft()[parseInt(i, 10)].text = e.target.value;
    $("prompts-save").hidden = false;
  });
  $("prompt-list").addEventListener("keydown", function (e) {
    if (e.key === "Enter" && e.target.tagName === "INPUT") { e.preventDefault(); $("prompts-save").click(); }
  });
  $("prompt-add").addEventListener("submit", function (e) {
    e.preventDefault();
    var input = $("prompt-new");
    var text = input.value.replace(/^\s+|\s+$/g, "");
    if (!text) return;
    draft().push({ text: text });
    input.value = "";
    $("prompts-save").click();
  });
  $("prompts-save").addEventListener("click", function () {
    if (!promptsDraft) return;
    var prompts = promptsDraft.filter(function (p) { return p.text.replace(/\s/g, ""); })
      .map(function (p) { return p.id ? { id: p.id, text: p.text } : p.text; });
    command("set_prompts", { prompts: prompts }, function () { promptsDraft = null; say(T.saved); });
  });
  var invite = $("invite");
  if (invite) {
    invite.addEventListener("click", function () {
      command("invite_cofacilitator", {}, function (ack) {
        $("invite-box").hidden = false;
        $("invite-url").value = ack.invite_url;
        $("invite-url").select();
      });
    });
    var team = $("team-list");
    if (team) team.addEventListener("click", function (e) {
      var button = e.target.closest("[data-remove-cofacilitator]");
      if (!button) return;
      command("remove_cofacilitator", { facilitator_id: +button.getAttribute("data-remove-cofacilitator") },
        function () { button.parentNode.parentNode.removeChild(button.parentNode); });
    });
    $("invite-copy").addEventListener("click", function () {
      var input = $("invite-url");
      input.select();
      var done = function () { say(T.copied); };
      if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(input.value).then(done, function () { document.execCommand("copy"); done(); });
      else { document.execCommand("copy"); done(); }
    });
  }

  /* -- scribe ---------------------------------------------------------------------------------- */
  var scribeText = $("scribe-text");
  function scribeKind() { return $("sk-lever").checked ? "lever" : "blocker"; }
  $("scribe-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var text = scribeText.value.replace(/^\s+|\s+$/g, "");
    if (!text) { say(T.empty, true); scribeText.focus(); return; }
    var fields = { text: text, kind: scribeKind() };
    var speaker = $("scribe-speaker").value.replace(/^\s+|\s+$/g, "");
    if (speaker) fields.speaker = speaker;
    if (board && board.active_prompt) fields.prompt_id = board.active_prompt;
    command("scribe_contribution", fields, function (ack) {
      if (ack.contribution_id) scribed[ack.contribution_id] = 1;
      $("scribe-sent").textContent = "✓ " + T.sent + " : " + text;
      if (scribeText.value.replace(/^\s+|\s+$/g, "") === text) scribeText.value = "";
      $("scribe-speaker").value = "";
    });
    scribeText.focus();
  });
  document.addEventListener("keydown", function (e) {
    var tag = e.target.tagName;
    var typing = tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
    if ((e.ctrlKey || e.metaKey) && (e.key === "b" || e.key === "B") && $("scribe-form").contains(e.target)) {
      e.preventDefault();
      (scribeKind() === "blocker" ? $("sk-lever") : $("sk-blocker")).checked = true;
      return;
    }
    if (e.key === "Escape" && e.target === scribeText) { scribeText.blur(); return; }
    if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === "/" || e.key === "s" || e.key === "S") { e.preventDefault(); scribeText.focus(); }
  });

  /* -- the connection ------------------------------------------------------------------------ */
  var fetching = false, again = false;
  function refresh() {
    if (fetching) { again = true; return; }
    fetching = true;
    var xhr = new XMLHttpRequest();
    xhr.open("GET", "/api/sessions/" + encodeURIComponent(sessionId) + "/board?lang=" + lang);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.onload = function () {
      fetching = false;
      if (xhr.status === 200) {
        try { board = JSON.parse(xhr.responseText); } catch (e) { /* keep the last one */ }
        root.setAttribute("data-seq", board.seq);
        render();
      }
      if (again) { again = false; refresh(); }
    };
    xhr.onerror = function () { fetching = false; if (again) { again = false; setTimeout(refresh, 1000); } };
    xhr.send();
  }
  function net(on) {
    var n = $("net");
    n.textContent = on ? T.online : T.offline;
    n.setAttribute("data-state", on ? "online" : "offline");
  }
  socket.on("connect", function () {
    socket.emit("join_board", { session_id: sessionId, lang: lang }, function (ack) {
      if (!ack || !ack.ok) { say(ack && ack.error ? ack.error.message : "?", true); return; }
      board = ack.board;
      net(true);
      render();
      root.setAttribute("data-ready", "1");
      root.setAttribute("data-seq", board.seq);
    });
  });
  socket.on("disconnect", function () { net(false); });
  socket.on("limit", function (m) { // a rate limit fired in this session (docs/security.md)
    say(T.limit.replace("%s", (T.limits && T.limits[m.limit]) || m.limit), true);
  });
  socket.on("session_deleted", function () { window.location.href = "/"; });
  socket.on("events", function (events) {
    if (events.length) {
      var last = events[events.length - 1];
      if (last.at) skew = ts(last.at) - Date.now();
    }
    refresh();
  });
})();
