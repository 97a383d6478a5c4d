/* Voice cards on the phone, loaded only when "Parler" is tapped (or when a recording waits
   in the outbox): record up to 30 s, listen, record again, send as a blocker or a lever.
   The console uses the same recorder for a question recorded aloud: given `ctx.save`, the
   review offers one "Save" that hands the recording over instead of the two kinds.
   A recording is kept in IndexedDB until the server acknowledges it, then uploaded over a
   plain HTTP POST with the card's client_id (a re-send gets the same acknowledgement).
   No framework; every step has a pictogram, so it works without reading. */
(function () {
  "use strict";
  var SECONDS = 30, BITRATE = 16000;
  // Opus where the browser records it; AAC in MP4 on iOS Safari (the server knows each by its bytes)
  var TYPES = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/mp4;codecs=mp4a.40.2", "audio/mp4"];
  var SVG = {
    mic: '<path d="M12 3a3 3 0 0 0-3 3v6a3 3 0 0 0 6 0V6a3 3 0 0 0-3-3z" fill="currentColor"/><path d="M6 11a6 6 0 0 0 12 0M12 17v4M8 21h8" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round"/>',
    stop: '<rect x="6" y="6" width="12" height="12" rx="2" fill="currentColor"/>',
    play: '<path d="M8 5v14l11-7z" fill="currentColor"/>',
    again: '<path d="M5 12a7 7 0 1 0 2.1-5M5 4v4h4" fill="none" stroke="currentColor" stroke-width="2.4" stroke-linecap="round" stroke-linejoin="round"/>',
    close: '<path d="M6 6l12 12M18 6L6 18" stroke="currentColor" stroke-width="2.6" stroke-linecap="round"/>',
    save: '<path d="M5 12.5l4.5 4.5L19 7" fill="none" stroke="currentColor" stroke-width="2.8" stroke-linecap="round" stroke-linejoin="round"/>'
  };
  var CSS = ".vrec{background:#fff;border:3px solid #0b4f8a;border-radius:14px;padding:12px;margin:10px 0;text-align:center}" +
    ".vrec .vtime{font-size:44px;font-weight:800;font-variant-numeric:tabular-nums;line-height:1.1}" +
    ".vrec .vmeter{height:22px;border-radius:11px;background:#e4e9ef;overflow:hidden;margin:8px 0}" +
    ".vrec .vmeter i{display:block;height:100%;width:0;background:#1d7a4b;transition:width .08s}" +
    ".vrec .vbar{height:8px;border-radius:4px;background:#e4e9ef;overflow:hidden}.vrec .vbar i{display:block;height:100%;background:#0b4f8a;width:0}" +
    ".vrec .vrow{display:flex;gap:10px;margin-top:10px}.vrec .vrow button{flex:1 1 0;min-width:0;min-height:72px;padding:6px 2px;border-radius:12px;border:3px solid #0b4f8a;background:#fff;color:#0b4f8a;font-size:17px;font-weight:800;line-height:1.15;display:flex;flex-direction:column;align-items:center;justify-content:center;gap:4px}" +
    ".vrec .vrow .vstop,.vrec .vrow .vsave{flex-direction:row;gap:8px}.vrec .vrow .vsave{background:#0b4f8a;color:#fff}" +
    ".vrec svg{width:30px;height:30px;flex:none}.vrec .vrow .vstop{background:#b3261e;border-color:#b3261e;color:#fff;font-size:19px}" +
    ".vrec .vrow .vk-blocker{border-color:#8a2c0d;color:#8a2c0d;background:#fbe3d6}.vrec .vrow .vk-lever{border-color:#0b5a43;color:#0b5a43;background:#d8f1e7}" +
    ".vrec .vk svg{width:36px;height:36px}.vrec .vx{float:right;border:0;background:none;color:#3d3d3d;min-width:48px;min-height:48px;margin:-8px -8px 0 0}" +
    ".vrec .vmsg{font-size:18px;margin:6px 0}.vrec[data-step=rec] .vtime{color:#b3261e}" +
    "@keyframes vpulse{50%{opacity:.35}}.vrec[data-step=rec] .vdot{display:inline-block;width:16px;height:16px;border-radius:50%;background:#b3261e;margin-inline-end:8px;animation:vpulse 1s infinite}";

  function icon(name) {
    return '<svg viewBox="0 0 24 24" aria-hidden="true">' + SVG[name] + "</svg>";
  }
  function esc(s) { return String(s).replace(/[&<>"]/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; }); }
  function clock(s) { s = Math.max(0, Math.ceil(s)); return Math.floor(s / 60) + ":" + ("0" + s % 60).slice(-2); }

  /* -- the outbox's recordings: IndexedDB (bytes, not Blobs: old Safari cannot store those) -- */
  var memory = {}, opening = null, DB = null;
  function idb(then) {
    if (DB || opening === false) { then(DB); return; }
    if (opening) { opening.push(then); return; }
    opening = [then];
    var done = function (db) { DB = db; var w = opening; opening = db ? null : false; w.forEach(function (f) { f(db); }); };
    try {
      var r = indexedDB.open("facilitation-voice", 1);
      r.onupgradeneeded = function () { r.result.createObjectStore("clips", { keyPath: "client_id" }); };
      r.onsuccess = function () { done(r.result); };
      r.onerror = function () { done(null); };
    } catch (e) { done(null); }
  }
  function put(rec, then) {
    memory[rec.client_id] = rec; // this page's copy, in case storage is refused
    idb(function (db) {
      if (!db) { then(); return; }
      try {
        var tx = db.transaction("clips", "readwrite");
        tx.objectStore("clips").put(rec);
        tx.oncomplete = tx.onerror = tx.onabort = function () { then(); };
      } catch (e) { then(); }
    });
  }
  function get(id, then) {
    if (memory[id]) { then(memory[id]); return; }
    idb(function (db) {
      if (!db) { then(null); return; }
      try {
        var q = db.transaction("clips").objectStore("clips").get(id);
        q.onsuccess = function () { then(q.result || null); };
        q.onerror = function () { then(null); };
      } catch (e) { then(null); }
    });
  }
  function drop(id) {
    delete memory[id];
    idb(function (db) { if (db) try { db.transaction("clips", "readwrite").objectStore("clips").delete(id); } catch (e) { /* gone */ } });
  }
  function bytes(blob, then) {
    if (blob.arrayBuffer) { blob.arrayBuffer().then(then); return; }
    var f = new FileReader();
    f.onload = function () { then(f.result); };
    f.readAsArrayBuffer(blob);
  }

  /* Upload one waiting voice card; `done(ack)`: ack {ok:…} (an answer) or null (try later). */
  function send(ctx, card, done) {
    get(card.client_id, function (rec) {
      if (!rec) { done({ ok: false, error: { code: "voice_lost", message: ctx.T.voice_lost } }); return; }
      var x = new XMLHttpRequest(), q = "client_id=" + card.client_id + "&kind=" + card.kind +
        "&duration_ms=" + card.voice.duration_ms + "&lang=" + encodeURIComponent(ctx.lang);
      x.open("POST", "/join/" + ctx.code + "/voice?" + q);
      x.setRequestHeader("X-Participant-Token", ctx.token());
      x.setRequestHeader("Content-Type", String(rec.mime).split(";")[0]);
      x.timeout = 180000; // 2G: a 30 s card is ~60 KB, over a link of a few kB/s
      x.onload = function () {
        var ack = null;
        try { ack = JSON.parse(x.responseText); } catch (e) { ack = null; }
        // refused for good: 4xx with a reason, except "later" (rate limit, not joined yet)
        var later = !ack || x.status === 429 || x.status === 401 || x.status >= 500;
        if (later) { done(null); return; }
        drop(card.client_id);
        done(ack);
      };
      x.onerror = x.ontimeout = x.onabort = function () { done(null); };
      x.send(new Blob([rec.data], { type: rec.mime }));
    });
  }

  /* -- the recorder panel -- */
  var panel = null;
  function open(ctx) {
    if (panel) return;
    if (!document.getElementById("vcss")) {
      var st = document.createElement("style");
      st.id = "vcss";
      st.textContent = CSS;
      document.head.appendChild(st);
    }
    var T = {}, box = document.createElement("div"), stream = null, rec = null, chunks = [],
        started = 0, blob = null, ms = 0, timer = null, audio = null, actx = null, raf = 0, type = "";
    for (var k in ctx.T) T[k] = esc(ctx.T[k]);
    panel = box;
    box.className = "vrec";
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", T.talk);
    ctx.anchor.parentNode.insertBefore(box, ctx.anchor.nextSibling);
    function html(step, inner) {
      box.setAttribute("data-step", step);
      box.innerHTML = '<button type="button" class="vx" data-v="close" aria-label="' + T.close + '">' + icon("close") + "</button>" +
        (T.title ? '<p class="vmsg"><b>' + T.title + "</b></p>" : "") + inner;
    }
    function say(msg) { html("msg", '<p class="vmsg" role="alert">' + msg + "</p>"); }
    function close() {
      stopAll();
      if (box.parentNode) box.parentNode.removeChild(box);
      panel = null;
      if (document.body.contains(ctx.talk)) ctx.talk.focus();
    }
    function stopAll() {
      clearInterval(timer);
      cancelAnimationFrame(raf);
      if (rec && rec.state !== "inactive") try { rec.stop(); } catch (e) { /* stopped */ }
      if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
      if (actx && actx.close) actx.close();
      if (audio) audio.pause();
      stream = actx = null;
    }
    box.addEventListener("click", function (e) {
      var b = e.target.closest ? e.target.closest("[data-v]") : null;
      if (!b) return;
      var v = b.getAttribute("data-v");
      if (v === "close") close();
      else if (v === "stop") finish();
      else if (v === "again") start();
      else if (v === "play") listen();
      else if (v === "blocker" || v === "lever") keep(v);
      else if (v === "save") save();
    });

    var Rec = window.MediaRecorder, md = navigator.mediaDevices;
    if (!Rec || !md || !md.getUserMedia) { say(T.no_mic); return; }
    for (var i = 0; i < TYPES.length; i++) if (Rec.isTypeSupported && Rec.isTypeSupported(TYPES[i])) { type = TYPES[i]; break; }

    function start() {
      stopAll();
      blob = null;
      chunks = [];
      html("ask", '<p class="vmsg">' + T.rec_allow + "</p>");
      md.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true, channelCount: 1 } }).then(function (s) {
        if (!panel) { s.getTracks().forEach(function (t) { t.stop(); }); return; }
        stream = s;
        var options = { audioBitsPerSecond: BITRATE };
        if (type) options.mimeType = type;
        try { rec = new Rec(s, options); } catch (e) { rec = new Rec(s); }
        rec.ondataavailable = function (e) { if (e.data && e.data.size) chunks.push(e.data); };
        rec.onstop = function () {
          ms = Math.min(SECONDS * 1000, Math.round(performance.now() - started));
          blob = new Blob(chunks, { type: rec.mimeType || type || "audio/webm" });
          stopAll();
          if (panel) review();
        };
        html("rec", '<p class="vtime" aria-live="off"><span class="vdot"></span><span id="v-left">' + clock(SECONDS) + "</span></p>" +
          '<div class="vbar"><i id="v-bar"></i></div><div class="vmeter" aria-hidden="true"><i id="v-meter"></i></div>' +
          '<div class="vrow"><button type="button" class="vstop" data-v="stop">' + icon("stop") + T.rec_stop + "</button></div>");
        started = performance.now();
        rec.start(1000);
        meter(s);
        timer = setInterval(tick, 200);
        box.querySelector("[data-v=stop]").focus();
      }, function (e) {
        say(e && (e.name === "NotAllowedError" || e.name === "SecurityError") ? T.mic_denied : T.no_mic);
      });
    }
    function tick() {
      var gone = (performance.now() - started) / 1000, left = document.getElementById("v-left"), bar = document.getElementById("v-bar");
      if (left) left.textContent = clock(SECONDS - gone);
      if (bar) bar.style.width = Math.min(100, gone / SECONDS * 100) + "%";
      if (gone >= SECONDS) finish();
    }
    function meter(s) { // the level of the voice, so a person sees the phone hears them
      var AC = window.AudioContext || window.webkitAudioContext;
      if (!AC) return;
      try {
        actx = new AC();
        var an = actx.createAnalyser(), data = new Uint8Array(256);
        an.fftSize = 256;
        actx.createMediaStreamSource(s).connect(an);
        var draw = function () {
          an.getByteTimeDomainData(data);
          var peak = 0;
          for (var i = 0; i < data.length; i++) peak = Math.max(peak, Math.abs(data[i] - 128));
          var m = document.getElementById("v-meter");
          if (m) m.style.width = Math.min(100, peak / 64 * 100) + "%";
          raf = requestAnimationFrame(draw);
        };
        draw();
      } catch (e) { actx = null; }
    }
    function finish() {
      clearInterval(timer);
      if (rec && rec.state !== "inactive") rec.stop();
    }
    function review(msg) {
      html("review", '<p class="vtime">' + icon("mic") + " " + clock(ms / 1000) + "</p>" +
        '<div class="vrow"><button type="button" data-v="play">' + icon("play") + T.rec_listen + "</button>" +
        '<button type="button" data-v="again">' + icon("again") + T.rec_again + "</button></div>" +
        (msg ? '<p class="vmsg" role="alert">' + esc(msg) + "</p>" : "") +
        (ctx.save ? '<div class="vrow"><button type="button" class="vsave" data-v="save">' + icon("save") + T.rec_save + "</button></div>"
          : '<p class="vmsg">' + T.rec_send + "</p>" +
        '<div class="vrow"><button type="button" class="vk vk-blocker" data-v="blocker">' + ctx.icons.blocker + T.blocker + "</button>" +
        '<button type="button" class="vk vk-lever" data-v="lever">' + ctx.icons.lever + T.lever + "</button></div>"));
    }
    function save() { // the console: hand the recording over; `done(error)` closes on success
      if (!blob) return;
      var b = box.querySelector("[data-v=save]");
      if (b) b.disabled = true;
      if (audio) audio.pause();
      ctx.save(blob, Math.max(1, ms), function (error) { if (!panel) return; if (error) review(error); else close(); });
    }
    function listen() {
      if (!blob) return;
      if (audio) audio.pause();
      audio = new Audio(URL.createObjectURL(blob));
      audio.play();
    }
    function keep(kind) {
      if (!blob) return;
      var card = { client_id: ctx.uid(), kind: kind, text: "", voice: { duration_ms: Math.max(1, ms) }, status: "waiting" };
      var mime = blob.type;
      bytes(blob, function (data) {
        put({ client_id: card.client_id, mime: mime, data: data }, function () {
          close();
          ctx.add(card);
        });
      });
    }
    start();
  }

  window.FacilitationVoice = { open: open, send: send };
})();
