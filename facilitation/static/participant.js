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
  /* One entry per card: a card is known by the phone's client_id and, once the server has
     it, by its contribution_id. A lost acknowledgement means the server's list (`mine` at
     join) and the outbox both hold it: keep the first, with what each one knows. */
  function dedupe() {
    var byClient = {}, byId = {}, kept = [];
    state.cards.forEach(function (card) {
      var same = (card.client_id && byClient[card.client_id]) || (card.contribution_id && byId[card.contribution_id]);
      if (same) {
        if (!same.client_id) same.client_id = card.client_id;
        if (!same.contribution_id) same.contribution_id = card.contribution_id;
        if (card.status === "received") { same.status = "received"; same.why = ""; }
        if (same.seq == null) same.seq = card.seq;
        if (card.status === "received" && card.text) same.text = card.text; // a voice card's transcript
      } else {
        kept.push(card);
        same = card;
      }
      if (same.client_id) byClient[same.client_id] = same;
      if (same.contribution_id) byId[same.contribution_id] = same;
    });
    // oldest first, as the server numbered them; what it has not acknowledged yet comes last
    kept.forEach(function (card, i) { card.at = i; });
    kept.sort(function (a, b) {
      var x = a.seq == null ? Infinity : a.seq, y = b.seq == null ? Infinity : b.seq;
      return x === y ? a.at - b.at : x < y ? -1 : 1;
    });
    kept.forEach(function (card) { delete card.at; });
    state.cards = kept;
  }
  dedupe();
  function save() {
    try { localStorage.setItem(KEY, JSON.stringify(state)); } catch (e) { /* private mode */ }
  }
  // a club member's personal link hands over the identity in the fragment (never sent)
  var handed = /[#&]t=([\w-]{16,64})/.exec(location.hash);
  if (handed) {
    state.token = handed[1];
    save();
    if (history.replaceState) history.replaceState(null, "", location.pathname + location.search);
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
  var justSent = null; // the card just tapped out: it lands in view, once
  function render() {
    if (!state.cards.length) return; // keep the list the server rendered
    list.textContent = "";
    var landed = null;
    state.cards.forEach(function (card) {
      var li = document.createElement("li");
      li.className = card.kind;
      if (card === justSent) { li.className += " new"; landed = li; justSent = null; }
      var t = document.createElement("span");
      t.className = "t";
      t.textContent = card.text;
      if (card.voice) { // a voice card: its microphone and its length, then its words once written down
        var v = el("b", "vc", " " + Math.ceil(card.voice.duration_ms / 1000) + " s");
        v.insertBefore(talkIcon(), v.firstChild);
        v.setAttribute("aria-label", fmt(T.voice_card, { n: Math.ceil(card.voice.duration_ms / 1000) }));
        t.insertBefore(v, t.firstChild);
        if (card.text) t.insertBefore(document.createTextNode(" "), v.nextSibling);
      }
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
    if (landed) reveal(landed);
  }
  /* Scroll just enough for the card to be seen (the list sits right under Send). */
  function reveal(node) {
    var box = node.getBoundingClientRect(), high = window.innerHeight || document.documentElement.clientHeight;
    if (box.bottom > high - 8) window.scrollBy(0, Math.min(box.bottom - high + 16, box.top - 8));
    else if (box.top < 0) window.scrollBy(0, box.top - 8);
  }
  /* A refused card goes back into the text box, to fix and send again. */
  function reuse(card) {
    state.cards = state.cards.filter(function (c) { return c !== card; });
    list.textContent = "";
    if (card.voice) { render(); save(); talk.click(); return; } // record it again
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
      if (card.voice) { withVoice(function (v) { v.send(voiceCtx, card, function (ack) { acked(card, null, ack); }); }); return; }
      socket.timeout(15000).emit("contribute", {
        client_id: card.client_id, text: card.text, kind: card.kind
      }, function (timeoutErr, ack) { acked(card, timeoutErr, ack); });
    });
  }
  function acked(card, timeoutErr, ack) {
    card.inflight = false;
    if (timeoutErr || !ack) { return; } // re-sent on the next flush with the same client_id
    if (ack.ok) {
      card.status = "received";
      card.contribution_id = ack.contribution_id;
      card.seq = ack.seq;
      card.why = "";
    } else if (ack.error) {
      card.status = "refused";
      card.why = ack.error.message;
    }
    dedupe();
    save();
    render();
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
      // the same token as a cookie: the page of a closed session knows this phone took part
      document.cookie = "participant_" + app.getAttribute("data-session") + "=" + state.token +
        "; path=/; max-age=2592000; samesite=lax" + (location.protocol === "https:" ? "; secure" : "");
      state.last_seq = ack.seq;
      // the server's list of this phone's cards: a waiting card it already has (its
      // acknowledgement was lost) is received, and is not listed a second time
      (ack.mine || []).forEach(function (m) {
        state.cards.push({ client_id: m.client_id || "", contribution_id: m.contribution_id, seq: m.seq,
                           text: m.text, kind: m.kind, voice: m.voice || undefined, status: "received" });
      });
      dedupe();
      save();
      setOnline(navigator.onLine !== false);
      flush();
      flushRadar();
      refresh();
    });
  });
  socket.on("disconnect", function () { joined = false; setOnline(false); });
  // refused at connect (too many connections from this network): the client does not
  // retry a refusal by itself, so try again in a while
  socket.on("connect_error", function (e) {
    if (e && e.data && e.data.code === "rate_limited") setTimeout(function () { socket.connect(); }, 30000);
  });
  socket.on("session_deleted", function () { // nothing of it stays on this phone
    try { localStorage.removeItem(KEY); } catch (e) { /* private mode */ }
    socket.disconnect();
    window.location.href = "/join";
  });
  socket.on("events", function (events) {
    events.forEach(function (e) {
      if (e.seq > (state.last_seq || 0)) state.last_seq = e.seq;
      if (e.at) skew = ts(e.at) - Date.now();
    });
    save();
    refresh();
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
    justSent = { client_id: uid(), text: value, kind: kind(), status: "waiting" };
    state.cards.push(justSent);
    text.value = "";
    counter();
    render();
    flush();
  });
  text.addEventListener("input", counter);

  /* -- voice cards: the recorder (static/voice.js) loads on the first tap of "Parler" -- */
  var talk = document.getElementById("talk"), waitingVoice = null;
  function talkIcon() { return talk.querySelector("svg").cloneNode(true); }
  function withVoice(then) {
    if (window.FacilitationVoice) { then(window.FacilitationVoice); return; }
    if (waitingVoice) { waitingVoice.push(then); return; }
    waitingVoice = [then];
    var s = document.createElement("script");
    s.src = talk.getAttribute("data-script");
    s.onload = function () { var w = waitingVoice; waitingVoice = null; w.forEach(function (f) { f(window.FacilitationVoice); }); };
    s.onerror = function () { // not reachable now: the cards stay waiting, the button tries again
      state.cards.forEach(function (c) { if (c.voice) c.inflight = false; });
      waitingVoice = null; s.parentNode.removeChild(s);
    };
    document.head.appendChild(s);
  }
  function kindIcon(k) { return document.querySelector("label.k-" + k + " svg").outerHTML; }
  var voiceCtx = {
    T: T, code: code, lang: app.getAttribute("data-lang"), anchor: talk, talk: talk, uid: uid,
    token: function () { return state.token || ""; },
    icons: { blocker: kindIcon("blocker"), lever: kindIcon("lever") },
    add: function (card) { justSent = card; state.cards.push(card); save(); render(); flush(); }
  };
  talk.hidden = false;
  talk.addEventListener("click", function () { showError(""); withVoice(function (v) { v.open(voiceCtx); }); });

  /* -- the session's phase: the view comes from `state`, asked after every pushed batch -- */
  var skew = 0; // server clock minus this phone's clock (ms), from the events' `at`
  var view = null;
  var asking = false, askAgain = false;
  function $(id) { return document.getElementById(id); }
  function ts(iso) { return Date.parse(String(iso).replace(/(\.\d{3})\d+/, "$1")); }
  function fmt(s, v) { return s.replace(/\{(\w+)\}/g, function (m, k) { return v[k]; }); }
  function el(tag, cls, txt) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (txt != null) n.textContent = txt;
    return n;
  }
  function refresh() {
    if (!joined) return;
    if (asking) { askAgain = true; return; }
    asking = true;
    socket.timeout(15000).emit("state", {}, function (e, ack) {
      asking = false;
      if (!e && ack && ack.ok) { view = ack.session; show(); }
      if (askAgain) { askAgain = false; refresh(); }
    });
  }
  function spaced(t) { return String(t).replace(/ ([?:])/g, "\u00a0$1"); } // as the page's template
  /* The questions as the facilitator set them now: rebuilt when they changed since the page
     was served (a question added, edited or removed mid-meeting), untouched otherwise. */
  function questions(v) {
    var want = (v.prompts || []).map(function (p) { return p.id + "\u0000" + String(p.text).replace(/\s+/g, " ").trim(); }).join("\u0001");
    var box = $("prompts"), have = [];
    var ps = box ? box.querySelectorAll("[data-prompt]") : [];
    for (var i = 0; i < ps.length; i++) have.push(ps[i].getAttribute("data-prompt") + "\u0000" + plain(ps[i]));
    if (have.join("\u0001") === want) return;
    if (!v.prompts || !v.prompts.length) { if (box) box.parentNode.removeChild(box); return; }
    if (!box) {
      box = el("div", "prompts p-send");
      box.id = "prompts";
      $("vote").parentNode.insertBefore(box, $("vote"));
    }
    box.textContent = "";
    v.prompts.forEach(function (p) {
      var n = el("p", "", spaced(p.text));
      n.setAttribute("data-prompt", p.id);
      n.setAttribute("lang", v.language || pageLang);
      if (canSay) n.appendChild(sayButton("prompt:" + p.id));
      box.appendChild(n);
    });
  }
  function show() {
    var v = view;
    app.setAttribute("data-phase", v.phase);
    if (v.blocked) app.setAttribute("data-blocked", "1"); else app.removeAttribute("data-blocked");
    questions(v);
    var ps = document.querySelectorAll("[data-prompt]");
    for (var i = 0; i < ps.length; i++) ps[i].className = ps[i].getAttribute("data-prompt") === v.active_prompt ? "active" : "";
    heard();
    var sp = $("speaks");
    sp.hidden = !v.speaking || v.has_floor;
    sp.textContent = T.speaking + " ";
    sp.appendChild(el("b", "", v.speaking || ""));
    var fl = $("floor");
    fl.hidden = v.phase === "closed" || v.blocked;
    fl.className = "floor p-floor" + (v.has_floor ? " has" : "");
    var ask = $("ask");
    var waiting = v.floor_position != null;
    ask.setAttribute("aria-pressed", waiting ? "true" : "false");
    ask.textContent = waiting ? T.withdraw_floor : v.has_floor ? T.has_floor : T.ask_floor;
    ask.disabled = !!v.has_floor;
    $("where").textContent = v.has_floor ? "" : waiting ? (v.floor_position === 1 ? T.first_in_line : fmt(T.in_line, { n: v.floor_position })) : "";
    ballot();
    profile();
    radar();
    tick();
  }
  function tick() {
    var t = view && view.timer, box = $("timer");
    if (!t || t.state === "idle") { box.hidden = true; return; }
    var left = t.state === "paused" ? t.remaining || 0 : (ts(t.ends_at) - Date.now() - skew) / 1000;
    left = Math.max(0, Math.ceil(left));
    box.hidden = false;
    box.className = "timer " + t.state + (left <= 0 ? " rang" : "");
    $("timer-label").textContent = t.state === "paused" ? T.paused : t.label || "";
    $("timer-left").textContent = Math.floor(left / 60) + ":" + ("0" + left % 60).slice(-2);
  }
  setInterval(tick, 1000);

  function dots(n, on) {
    var d = el("span", "dots");
    for (var i = 0; i < n; i++) d.appendChild(el("span", "dot" + (i < on ? " on" : "")));
    return d;
  }
  function ballot() {
    var v = view;
    if (v.phase !== "vote") return;
    var mine = v.my_votes || [], budget = v.vote_budget, left = Math.max(0, budget - mine.length);
    var ld = $("left-dots");
    ld.textContent = "";
    ld.appendChild(dots(budget, left));
    $("left-text").textContent = left ? fmt(left === 1 ? T.votes_left_one : T.votes_left, { n: left, total: budget }) : T.no_votes_left;
    var list = $("ballot");
    list.textContent = "";
    (v.ballot || []).forEach(function (item) {
      var n = 0;
      mine.forEach(function (t) { if (t === item.id) n++; });
      var li = el("li", item.kind + (n ? " voted" : ""));
      var pick = el("button", "pick");
      pick.type = "button";
      pick.setAttribute("data-vote", item.id);
      pick.appendChild(picto(item));
      var words = el("span", "tx");
      words.appendChild(el("span", "k", T[item.kind] || ""));
      words.appendChild(document.createTextNode(item.label));
      if (item.example && item.example !== item.label) words.appendChild(el("small", "", "« " + item.example + " »"));
      pick.appendChild(words);
      li.appendChild(pick);
      if (canSay) li.appendChild(sayButton(item.id));
      if (n) {
        var side = el("span", "mine-dots");
        side.appendChild(dots(n, n));
        var minus = el("button", "minus", "−");
        minus.type = "button";
        minus.setAttribute("data-unvote", item.id);
        minus.setAttribute("aria-label", T.remove_vote);
        side.appendChild(minus);
        li.appendChild(side);
      }
      list.appendChild(li);
    });
  }
  /* The theme's pictogram, chosen by the server: its family's drawing framed in the theme's
     colour on the board, or its number in a round shape. */
  function picto(item) {
    var box = el("span", "pic");
    box.style.borderColor = item.colour || "#6d6d6d";
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

  /* -- read aloud, by the phone's own voice (nothing is sent anywhere) -- */
  var synth = window.speechSynthesis, Utterance = window.SpeechSynthesisUtterance;
  var canSay = !!(synth && Utterance);
  var pageLang = app.getAttribute("data-lang") || document.documentElement.lang || "fr";
  function voiceFor(lang) { // a voice of the phone itself first: a network voice sends the text
    var voices = (synth.getVoices && synth.getVoices()) || [], remote = null;
    lang = String(lang).toLowerCase();
    for (var i = 0; i < voices.length; i++) {
      if (String(voices[i].lang || "").toLowerCase().replace("_", "-").indexOf(lang) !== 0) continue;
      if (voices[i].localService !== false) return voices[i];
      remote = remote || voices[i];
    }
    return remote; // null: the phone's default voice
  }
  function speak(parts) { // [[text, lang], …], one after the other
    synth.cancel();
    parts.forEach(function (part) {
      if (!part[0]) return;
      var u = new Utterance(part[0]);
      u.lang = part[1];
      var voice = voiceFor(part[1]);
      if (voice) u.voice = voice;
      synth.speak(u);
    });
  }
  function sayButton(what) {
    var b = el("button", "say");
    b.type = "button";
    b.setAttribute("data-say", what);
    b.setAttribute("aria-label", T.say);
    b.title = T.say;
    b.innerHTML = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M3 9h4l5-4v14l-5-4H3z" fill="currentColor"/><path d="M16 8.5a5 5 0 0 1 0 7M18.5 6a8.5 8.5 0 0 1 0 12" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"/></svg>';
    return b;
  }
  function plain(node) { // a node's words, without its speaker button
    var copy = node.cloneNode(true), b = copy.querySelectorAll(".say");
    for (var i = 0; i < b.length; i++) b[i].parentNode.removeChild(b[i]);
    return copy.textContent.replace(/\s+/g, " ").trim();
  }
  /* -- the question in the facilitator's own voice: when they recorded it, the question's
     speaker button becomes a speaking person with the recording's length, and plays that
     recording (fetched only when tapped) instead of the phone's voice reading the text -- */
  var HEAD = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M8.5 3A5.5 5.5 0 0 0 3 8.5c0 1.8.7 3.2 1.8 4.3V21h6.4v-2.6h1.7c1 0 1.6-.7 1.6-1.6v-2.2l1.5-.5-1.6-3.3A5.5 5.5 0 0 0 8.5 3z" fill="currentColor"/><path d="M17.5 8.5a4.2 4.2 0 0 1 0 6M20 6a7.8 7.8 0 0 1 0 11" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"/></svg>';
  var qa = null; // the <audio> of the recorded question, made on the first tap
  function recorded() { return view && view.question_audio; }
  function heard() {
    var q = recorded(), p = q && document.querySelector('[data-prompt="' + q.prompt_id + '"]');
    if (p && !p.querySelector(".say")) p.appendChild(sayButton("prompt:" + q.prompt_id)); // no speech synthesis here
    var bs = document.querySelectorAll("[data-say^='prompt:']");
    for (var i = 0; i < bs.length; i++) {
      var b = bs[i], mine = !!q && b.getAttribute("data-say") === "prompt:" + q.prompt_id;
      var was = b.getAttribute("data-clip") || "";
      if (mine && was === q.clip) continue;
      if (!mine && !was) continue;
      if (qa && was) { qa.pause(); }
      if (mine) {
        var len = Math.ceil(q.duration_ms / 1000);
        b.className = "say rec";
        b.setAttribute("data-clip", q.clip);
        b.innerHTML = HEAD + "<b>0:" + ("0" + len).slice(-2) + "</b>";
        b.setAttribute("aria-label", fmt(T.hear_question, { n: len }));
        b.title = b.getAttribute("aria-label");
      } else if (!canSay) {
        b.parentNode.removeChild(b);
        continue;
      } else {
        b.className = "say";
        b.removeAttribute("data-clip");
        b.innerHTML = sayButton("").innerHTML;
        b.setAttribute("aria-label", T.say);
        b.title = T.say;
      }
      b.setAttribute("aria-pressed", "false");
    }
  }
  function playQuestion(b) {
    var clip = b.getAttribute("data-clip");
    if (canSay) synth.cancel();
    if (!qa) {
      qa = document.createElement("audio");
      qa.id = "q-audio";
      qa.preload = "none"; // nothing is fetched before the tap (2G)
      qa.hidden = true;
      app.appendChild(qa);
      var off = function () {
        var on = document.querySelectorAll(".say.rec[aria-pressed=true]");
        for (var i = 0; i < on.length; i++) on[i].setAttribute("aria-pressed", "false");
      };
      qa.addEventListener("ended", off);
      qa.addEventListener("pause", off);
      qa.addEventListener("error", off);
    }
    if (b.getAttribute("aria-pressed") === "true") { qa.pause(); return; }
    var src = "/join/" + code + "/question/" + clip;
    if (qa.getAttribute("src") !== src) qa.src = src;
    else qa.currentTime = 0;
    b.setAttribute("aria-pressed", "true");
    var done = qa.play();
    if (done && done.catch) done.catch(function () { b.setAttribute("aria-pressed", "false"); });
  }
  function sayWhat(what) {
    if (what === "kind") {
      var parts = [plain($("kind-q")).replace(/^\d+\.\s*/, "")];
      ["kind-blocker", "kind-lever"].forEach(function (id) {
        var label = document.querySelector('label[for="' + id + '"]');
        parts.push(label.querySelector("span").textContent + " : " + label.querySelector("small").textContent + ".");
      });
      speak([[parts.join(" "), pageLang]]);
    } else if (what.indexOf("prompt:") === 0) {
      var p = document.querySelector('[data-prompt="' + what.slice(7) + '"]');
      if (p) speak([[plain(p), p.getAttribute("lang") || pageLang]]);
    } else {
      var item = null;
      ((view && view.ballot) || []).forEach(function (it) { if (it.id === what) item = it; });
      if (!item) return;
      var lang = (view && view.language) || pageLang;
      speak([[T[item.kind] || "", pageLang], [item.label, lang],
             [item.example && item.example !== item.label ? item.example : "", lang]]);
    }
  }
  if (canSay) { // without speech synthesis, a question's button comes with its recording (heard())
    var ps = document.querySelectorAll("[data-prompt]");
    for (var i = 0; i < ps.length; i++) ps[i].appendChild(sayButton("prompt:" + ps[i].getAttribute("data-prompt")));
    $("kind-q").appendChild(sayButton("kind"));
  }
  app.addEventListener("click", function (e) {
    var b = e.target.closest ? e.target.closest("[data-say]") : null;
    if (!b) return;
    e.preventDefault();
    if (b.getAttribute("data-clip")) playQuestion(b);
    else if (canSay) sayWhat(b.getAttribute("data-say"));
  });
  function voteError(msg) { var e = $("vote-err"); e.textContent = msg || ""; e.hidden = !msg; }
  $("ballot").addEventListener("click", function (e) {
    var b = e.target.closest ? e.target.closest("button") : null;
    if (!b || !joined) return;
    var up = b.getAttribute("data-vote"), down = b.getAttribute("data-unvote");
    if (!up && !down) return; // a speaker button
    socket.timeout(15000).emit(up ? "vote" : "unvote", { client_id: uid(), target_id: up || down }, function (er, ack) {
      if (er) { voteError(T.offline); return; }
      if (!ack.ok) { voteError(ack.error.message); return; }
      voteError("");
      if (view) { view.my_votes = ack.my_votes; ballot(); }
      refresh();
    });
  });
  $("ask").addEventListener("click", function () {
    if (!joined || !view) return;
    var waiting = view.floor_position != null;
    socket.timeout(15000).emit(waiting ? "withdraw_floor" : "request_floor", { client_id: uid() }, function (er, ack) {
      if (er) { showError(T.offline); return; }
      if (!ack.ok) { showError(ack.error.message); return; }
      view.floor_position = waiting ? null : ack.position;
      view.has_floor = ack.has_floor;
      show();
      refresh();
    });
  });

  /* Optional questions, once after joining; skipping is remembered on this phone. */
  var actor = null;
  function profile() {
    var v = view, qs = v.profile_questions || [], box = $("profile");
    var answered = v.profile && (v.profile.actor_type || v.profile.territory);
    box.hidden = !qs.length || answered || state.profile_done || v.phase === "closed" || v.blocked;
    $("q-actor_type").hidden = qs.indexOf("actor_type") < 0;
    $("q-territory").hidden = qs.indexOf("territory") < 0;
  }
  $("profile").addEventListener("click", function (e) {
    var b = e.target.closest ? e.target.closest("button") : null;
    if (!b) return;
    if (b.getAttribute("data-actor")) {
      actor = b.getAttribute("data-actor");
      var all = document.querySelectorAll("[data-actor]");
      for (var i = 0; i < all.length; i++) all[i].setAttribute("aria-pressed", all[i] === b ? "true" : "false");
    } else if (b.id === "profile-skip") {
      state.profile_done = 1; save(); profile();
    } else if (b.id === "profile-send") {
      var answers = {}, qs = view.profile_questions, where = $("territory").value.replace(/^\s+|\s+$/g, "");
      if (actor && qs.indexOf("actor_type") >= 0) answers.actor_type = actor;
      if (where && qs.indexOf("territory") >= 0) answers.territory = where;
      state.profile_done = 1; save(); profile();
      socket.emit("answer_profile", { client_id: uid(), answers: answers }, function () { refresh(); });
    }
  });


  /* -- the competence radar: one axis per screen, each tap sent at once (kept until acked) -- */
  var rPos = 0, rDone = false, rId = null;
  function rq() {
    var r = view && view.radar;
    if (!r) return null;
    if (!state.rq || state.rq.id !== r.id) state.rq = { id: r.id, v: {}, st: {} };
    return state.rq;
  }
  function myRatings() { // the server's, overlaid with taps not acknowledged yet
    var out = {}, k, mine = view.my_ratings || {}, q = rq();
    for (k in mine) out[k] = mine[k];
    for (k in q.v) if (q.st[k] === "waiting") out[k] = q.v[k];
    return out;
  }
  function radar() {
    var r = view && view.radar, box = $("radar");
    var q = rq(), mine = q ? myRatings() : {}, n = 0, k;
    for (k in mine) n++;
    box.hidden = !r || v_blocked() || (!r.open && !n);
    if (box.hidden) return;
    if (rId !== r.id) {
      rId = r.id; rPos = 0; rDone = n >= r.axes.length;
      while (rPos < r.axes.length - 1 && mine[r.axes[rPos].id]) rPos++; // first unrated axis
    }
    var asking = r.open && !rDone;
    $("rq").hidden = !asking;
    $("rdone").hidden = asking;
    $("r-edit").hidden = !r.open;
    $("r-msg").hidden = !r.open;
    $("r-closed").hidden = r.open;
    if (asking) axisScreen(r, q, mine); else drawMine(r, mine);
  }
  function v_blocked() { return !!view.blocked; }
  function axisScreen(r, q, mine) {
    var axis = r.axes[rPos], val = mine[axis.id], rate = $("r-rate");
    $("r-step").textContent = (rPos + 1) + " / " + r.axes.length;
    $("r-axis").textContent = axis.label;
    var icon = $("r-icons").querySelector('[data-axis="' + axis.id + '"]'), slot = $("r-icon");
    slot.textContent = "";
    if (icon) slot.appendChild(icon.cloneNode(true));
    slot.hidden = !icon;
    var st = q.st[axis.id] || (view.my_ratings && view.my_ratings[axis.id] ? "sent" : "");
    var sent = $("r-sent");
    sent.textContent = st === "sent" ? "✓ " + T.sent : st === "waiting" ? T.waiting : st === "refused" ? q.why || T.refused : "";
    sent.setAttribute("data-state", st);
    rate.textContent = "";
    for (var i = 1; i <= 5; i++) {
      var b = el("button", "rv");
      b.type = "button";
      b.setAttribute("data-rate", i);
      b.setAttribute("aria-pressed", val === i ? "true" : "false");
      b.appendChild(el("b", "", String(i)));
      b.appendChild(dots(5, i));
      rate.appendChild(b);
    }
    $("r-prev").disabled = rPos === 0;
    $("r-next").textContent = rPos === r.axes.length - 1 ? T.finish + " ✓" : T.next_axis + " →";
  }
  function flushRadar() {
    var q = state.rq;
    if (!q || !reachable() || q.inflight) return;
    var out = {}, any = false;
    for (var k in q.st) if (q.st[k] === "waiting") { out[k] = q.v[k]; any = true; }
    if (!any) return;
    q.inflight = true;
    socket.timeout(15000).emit("rate_radar", { client_id: uid(), ratings: out }, function (er, ack) {
      q.inflight = false;
      if (er) return; // sent again on the next flush
      for (var k in out) {
        if (q.v[k] !== out[k]) continue; // tapped again meanwhile: that one goes next
        q.st[k] = ack && ack.ok ? "sent" : "refused";
      }
      if (ack && !ack.ok) q.why = ack.error.message;
      if (ack && ack.ok && view) view.my_ratings = ack.my_ratings;
      save();
      if (view) radar();
      flushRadar();
    });
  }
  setInterval(flushRadar, 20000);
  $("radar").addEventListener("click", function (e) {
    var b = e.target.closest ? e.target.closest("button") : null;
    var r = view && view.radar;
    if (!b || !r) return;
    var q = rq();
    if (b.getAttribute("data-rate")) {
      var axis = r.axes[rPos].id;
      q.v[axis] = parseInt(b.getAttribute("data-rate"), 10);
      q.st[axis] = "waiting";
      save();
      radar();
      flushRadar();
      var at = rPos;
      setTimeout(function () { if (rPos === at && !rDone) { go(1); } }, 450);
      return;
    }
    if (b.id === "r-prev") go(-1);
    else if (b.id === "r-next") go(1);
    else if (b.id === "r-edit") { rDone = false; rPos = 0; radar(); }
  });
  function go(step) {
    var r = view.radar;
    if (step > 0 && rPos === r.axes.length - 1) rDone = true;
    else rPos = Math.max(0, Math.min(r.axes.length - 1, rPos + step));
    radar();
  }
  function polygon(svg, axes, vals, cls) {
    var pts = [];
    axes.forEach(function (a, i) {
      var p = spot(i, axes.length, (vals[a.id] || 0) / 5 * 100);
      pts.push(p.join(","));
    });
    var g = document.createElementNS(SVG, "polygon");
    g.setAttribute("points", pts.join(" "));
    g.setAttribute("class", cls);
    svg.appendChild(g);
  }
  function spot(i, n, r) {
    var a = -Math.PI / 2 + 2 * Math.PI * i / n;
    return [Math.round(130 + r * Math.cos(a)), Math.round(120 + r * Math.sin(a))];
  }
  function drawMine(r, mine) {
    var svg = document.createElementNS(SVG, "svg"), earlier = (view.my_earlier || [])[0];
    svg.setAttribute("viewBox", "0 0 260 240");
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", T.my_radar);
    for (var ring = 1; ring <= 5; ring++) {
      var ringVals = {};
      r.axes.forEach(function (a) { ringVals[a.id] = ring; });
      polygon(svg, r.axes, ringVals, "ring");
    }
    r.axes.forEach(function (a, i) {
      var end = spot(i, r.axes.length, 100), lab = spot(i, r.axes.length, 116);
      var line = document.createElementNS(SVG, "line");
      line.setAttribute("x1", 130); line.setAttribute("y1", 120);
      line.setAttribute("x2", end[0]); line.setAttribute("y2", end[1]);
      svg.appendChild(line);
      var t = document.createElementNS(SVG, "text");
      t.setAttribute("x", lab[0]); t.setAttribute("y", lab[1] + 6);
      t.textContent = i + 1;
      svg.appendChild(t);
    });
    if (earlier) polygon(svg, r.axes, earlier.ratings, "was");
    polygon(svg, r.axes, mine, "me");
    var holder = $("r-svg");
    holder.textContent = "";
    holder.appendChild(svg);
    $("r-k2").hidden = !earlier;
    if (earlier) {
      $("r-k2").textContent = earlier.date
        ? T.earlier + " · " + new Date(earlier.date + "T12:00:00").toLocaleDateString(app.getAttribute("data-lang"), { day: "numeric", month: "short" })
        : T.earlier;
    }
    var list = $("r-list");
    list.textContent = "";
    r.axes.forEach(function (a) {
      var li = el("li", "", a.label + " ");
      li.appendChild(dots(5, mine[a.id] || 0));
      list.appendChild(li);
    });
  }

  if (!text.value && state.draft) text.value = state.draft;
  state.cards.forEach(function (c) { c.inflight = false; });
  if (state.rq) state.rq.inflight = false;
  counter();
  setOnline(false, T.connecting);
})();
