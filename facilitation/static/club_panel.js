/* The console's "Club projects" panel, in a club meeting: one row per member, updated in a
   few keystrokes. Keys: P comes here; on a row ↑/↓ move, 1–4 set the stage, Enter goes to
   the next-step field; there Enter adds the step (a date may follow "@"), ↑/↓ go to the
   same field of the next member, Escape goes back to the row. Difficulties are saved when
   the field is left. Every update is posted with this meeting's id; what was typed stays
   in its field until the server has taken it. All text goes in with textContent. */
(function () {
  "use strict";
  var panel = document.getElementById("club-panel");
  if (!panel) return;
  var T = JSON.parse(panel.getAttribute("data-i18n"));
  var clubId = panel.getAttribute("data-club");
  var sessionId = panel.getAttribute("data-session");
  var lang = panel.getAttribute("data-lang") || "fr";
  var csrf = panel.getAttribute("data-csrf");
  var list = document.getElementById("cp-list");
  var STAGES = ["idea", "creation", "launch", "development"];
  var STEPS_MAX = 8;
  var names = {};     // stage → its name in the console's language
  var members = {};   // member id → the member as the server last said
  var rows = {};      // member id → its <li>
  var lastSeq = 0;
  var lastRow = null; // where P comes back to

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }
  function trim(s) { return String(s || "").replace(/^\s+|\s+$/g, ""); }
  function fill(template, name) { return String(template).replace("{name}", name); }
  function orderedRows() { return Array.prototype.slice.call(list.querySelectorAll(".cp-row")); }

  /* -- "voir la banque @2026-12-10" → {text, due} ---------------------------------------- */
  function isoDay(y, m, d) {
    var day = new Date(Date.UTC(y, m - 1, d));
    if (day.getUTCFullYear() !== y || day.getUTCMonth() !== m - 1 || day.getUTCDate() !== d) return null;
    return y + "-" + ("0" + m).slice(-2) + "-" + ("0" + d).slice(-2);
  }
  function parseDue(raw) {
    var m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(raw);
    if (m) return isoDay(+m[1], +m[2], +m[3]);
    m = /^(\d{1,2})[\/.\-](\d{1,2})(?:[\/.\-](\d{2}|\d{4}))?$/.exec(raw);  // French order: day first
    if (!m) return null;
    var today = new Date(), year = m[3] ? +m[3] : today.getFullYear();
    if (m[3] && m[3].length === 2) year += 2000;
    var iso = isoDay(year, +m[2], +m[1]);
    if (iso && !m[3] && new Date(iso + "T23:59:59") < today) iso = isoDay(year + 1, +m[2], +m[1]);
    return iso;
  }
  function parseStep(raw) {
    var text = trim(raw), due = null;
    var at = /^(.*?)\s*@\s*([\d\/.\-]+)$/.exec(text);  // only a date-like word after a final @
    if (at) {
      due = parseDue(at[2]);
      if (!due) return { error: T.bad_date };
      text = trim(at[1]);
    }
    if (!text) return { error: T.empty_step };
    return due ? { step: { text: text, due: due } } : { step: { text: text } };
  }
  function dayLabel(iso) {
    try {
      return new Date(iso + "T12:00:00").toLocaleDateString(lang, { day: "numeric", month: "short", year: "numeric" });
    } catch (e) { return iso; }
  }
  function plainSteps(steps) {
    return (steps || []).map(function (s) {
      var out = { text: s.text };
      if (s.due) out.due = s.due;
      if (s.helper) out.helper = s.helper;
      return out;
    });
  }

  /* -- saving: one request at a time per member, built from the latest state ------------ */
  function setState(row, state, message) {
    var box = row.querySelector(".cp-state");
    box.setAttribute("data-state", state);
    box.textContent = state === "saving" ? T.saving : state === "saved" ? "✓ " + T.saved
      : state === "error" ? message : "";
  }
  function post(memberId, changes, done) {
    var xhr = new XMLHttpRequest();
    xhr.open("POST", "/clubs/" + encodeURIComponent(clubId) + "/members/" +
      encodeURIComponent(memberId) + "/project");
    xhr.setRequestHeader("Content-Type", "application/json");
    xhr.setRequestHeader("Accept", "application/json");
    if (csrf) xhr.setRequestHeader("X-CSRFToken", csrf);
    xhr.timeout = 15000;
    xhr.onload = function () {
      var data = null;
      try { data = JSON.parse(xhr.responseText); } catch (e) { /* a login page, a proxy's error */ }
      if (data && data.ok) done(null, data);
      else done((data && data.error && data.error.message) || T.unreachable);
    };
    xhr.onerror = xhr.ontimeout = function () { done(T.unreachable); };
    xhr.send(JSON.stringify({ changes: changes, session_id: sessionId }));
  }
  function enqueue(row, build, ok, ko) {
    row.queue.push({ build: build, ok: ok, ko: ko });
    if (!row.busy) next(row);
  }
  function next(row) {
    var job = row.queue.shift();
    if (!job) { row.busy = false; return; }
    row.busy = true;
    var changes = job.build(members[row.memberId]);
    if (!changes) { next(row); return; }
    setState(row, "saving");
    post(row.memberId, changes, function (error, data) {
      if (error) {
        setState(row, "error", error);
        paint(row);  // the server's state again (the typed text stays in its field)
        if (job.ko) job.ko(error);
      } else {
        members[row.memberId] = data.member;
        paint(row);
        setState(row, "saved");
        if (job.ok) job.ok(data);
      }
      next(row);
    });
  }

  /* -- the actions ------------------------------------------------------------------------- */
  function setStage(row, stage) {
    row.wanted = stage;
    paintStage(row);
    function settled() { if (row.wanted === stage) { row.wanted = null; paintStage(row); } }
    enqueue(row, function () {
      return row.wanted === stage ? { stage: stage } : null;  // a later key won: skip this one
    }, settled, settled);
  }
  function addStep(row) {
    var input = row.querySelector(".cp-step");
    var raw = input.value;
    var parsed = parseStep(raw);
    if (parsed.error) { setState(row, "error", parsed.error); input.focus(); return; }
    if (row.sendingStep === raw) return;  // Enter twice before the answer: once is enough
    if ((members[row.memberId].project.next_steps || []).length >= STEPS_MAX) {
      setState(row, "error", T.steps_full);
      return;
    }
    row.sendingStep = raw;
    function settled() { if (row.sendingStep === raw) row.sendingStep = null; }
    enqueue(row, function (m) {
      return { next_steps: plainSteps(m.project.next_steps).concat([parsed.step]) };
    }, function () {
      settled();
      if (input.value === raw) input.value = "";
    }, settled);
  }
  function saveDifficulties(row) {
    var area = row.querySelector(".cp-diff");
    var typed = area.value;
    if (trim(typed) === trim(members[row.memberId].project.difficulties)) { row.dirty = false; return; }
    enqueue(row, function (m) {
      return trim(typed) === trim(m.project.difficulties) ? null : { difficulties: typed };
    }, function () {
      if (area.value === typed) row.dirty = false;
      paint(row);
    });
  }

  /* -- drawing ----------------------------------------------------------------------------- */
  function paintStage(row) {
    var m = members[row.memberId];
    var stage = row.wanted || m.project.stage;
    Array.prototype.forEach.call(row.querySelectorAll(".cp-stages button"), function (b) {
      b.setAttribute("aria-pressed", b.getAttribute("data-stage") === stage ? "true" : "false");
    });
    row.setAttribute("data-stage", stage || "");
    row.setAttribute("aria-label", m.name + " · " + (m.project.project || T.no_project) + " · " +
      T.stage + " " + (names[stage] || "—"));
  }
  function fit(area) {  // the whole text in sight, however long (grows, never scrolls)
    area.style.height = "auto";
    if (area.scrollHeight) area.style.height = (area.scrollHeight + 4) + "px";
  }
  function paint(row) {
    var m = members[row.memberId];
    row.querySelector(".cp-name").textContent = m.name;
    var project = row.querySelector(".cp-project");
    project.textContent = m.project.project || T.no_project;
    project.classList.toggle("none", !m.project.project);
    paintStage(row);
    var steps = row.querySelector(".cp-steps");
    steps.textContent = "";
    (m.project.next_steps || []).forEach(function (s) {
      var li = el("li", "", s.text);
      var extra = [];
      if (s.due) extra.push(dayLabel(s.due));
      if (s.helper_name) extra.push(T["with"] + " " + s.helper_name);
      if (extra.length) li.appendChild(el("span", "when", " · " + extra.join(" · ")));
      steps.appendChild(li);
    });
    var area = row.querySelector(".cp-diff");
    if (!row.dirty && document.activeElement !== area) area.value = m.project.difficulties || "";
    fit(area);
    row.querySelector(".cp-step").setAttribute("aria-label", fill(T.step_of, m.name));
    area.setAttribute("aria-label", fill(T.difficulties_of, m.name));
  }
  function build(m) {
    var row = el("li", "cp-row");
    row.tabIndex = 0;
    row.memberId = m.id;
    row.queue = [];
    row.setAttribute("data-member", m.id);
    row.setAttribute("aria-keyshortcuts", "1 2 3 4 ArrowUp ArrowDown Enter");

    var who = el("div", "cp-who");
    who.appendChild(el("b", "cp-name"));
    who.appendChild(el("span", "cp-project"));
    var state = el("span", "cp-state");
    state.setAttribute("role", "status");
    who.appendChild(state);
    row.appendChild(who);

    var stages = el("div", "cp-stages");
    stages.setAttribute("role", "group");
    stages.setAttribute("aria-label", T.stage);
    STAGES.forEach(function (stage, i) {
      var b = el("button", "s" + i);
      b.type = "button";
      b.tabIndex = -1;  // the row's keys 1–4 reach them; Tab goes on to the fields
      b.setAttribute("data-stage", stage);
      b.appendChild(el("span", "k", String(i + 1)));
      b.appendChild(document.createTextNode(" " + (names[stage] || stage)));
      b.addEventListener("click", function () { setStage(row, stage); row.focus(); });
      stages.appendChild(b);
    });
    row.appendChild(stages);

    var next = el("div", "cp-next");
    var line = el("div", "cp-line");
    var input = el("input", "cp-step");
    input.maxLength = 220;  // 200 for the step, room for " @2026-12-10"
    input.autocomplete = "off";
    input.placeholder = "… @2026-12-10";
    line.appendChild(input);
    var add = el("button", "small cp-add", "+");
    add.type = "button";
    add.title = T.add_step;
    add.setAttribute("aria-label", T.add_step);
    add.addEventListener("click", function () { addStep(row); });
    line.appendChild(add);
    next.appendChild(line);
    next.appendChild(el("ul", "cp-steps"));
    row.appendChild(next);

    var area = el("textarea", "cp-diff");
    area.rows = 2;
    area.maxLength = 600;
    area.addEventListener("input", function () { row.dirty = true; fit(area); });
    area.addEventListener("blur", function () { saveDifficulties(row); });
    row.appendChild(area);

    rows[m.id] = row;
    return row;
  }
  function show(view) {
    if (typeof view.seq === "number") {
      if (view.seq < lastSeq) return;  // an older push overtaken by a newer one
      lastSeq = view.seq;
    }
    (view.members || []).forEach(function (m) {
      members[m.id] = m;
      var row = rows[m.id] || list.appendChild(build(m));
      paint(row);
    });
    var n = (view.members || []).length;
    document.getElementById("cp-count").textContent = n ? String(n) : "";
    document.getElementById("cp-empty").hidden = n > 0;
  }

  /* -- keys ---------------------------------------------------------------------------------- */
  function rowOf(node) { return node && node.closest ? node.closest(".cp-row") : null; }
  function neighbour(row, step) {
    var all = orderedRows(), at = all.indexOf(row);
    return all[at + step] || null;
  }
  function stageKey(e) {
    var m = /^(?:Digit|Numpad)([1-4])$/.exec(e.code || "");
    if (m) return +m[1];  // AZERTY: the digit row without Shift still says Digit1…
    return /^[1-4]$/.test(e.key) ? +e.key : 0;
  }
  list.addEventListener("focusin", function (e) { lastRow = rowOf(e.target) || lastRow; });
  list.addEventListener("keydown", function (e) {
    var row = rowOf(e.target);
    if (!row || e.ctrlKey || e.metaKey || e.altKey) return;
    var target = e.target, other;
    if (target.classList.contains("cp-step")) {
      if (e.key === "Enter") { e.preventDefault(); addStep(row); }
      else if (e.key === "Escape") { e.preventDefault(); row.focus(); }
      else if (e.key === "ArrowUp" || e.key === "ArrowDown") {
        other = neighbour(row, e.key === "ArrowUp" ? -1 : 1);
        if (other) { e.preventDefault(); other.querySelector(".cp-step").focus(); }
      }
      return;
    }
    if (target.classList.contains("cp-diff")) {
      if (e.key === "Escape") { e.preventDefault(); row.focus(); }  // blur saves
      return;
    }
    if (target.tagName === "INPUT" || target.tagName === "TEXTAREA") return;
    var digit = stageKey(e);
    if (digit) {
      e.preventDefault();
      setStage(row, STAGES[digit - 1]);
    } else if (e.key === "ArrowUp" || e.key === "ArrowDown") {
      e.preventDefault();
      other = neighbour(row, e.key === "ArrowUp" ? -1 : 1);
      if (other) other.focus();
    } else if (e.key === "Home" || e.key === "End") {
      e.preventDefault();
      var all = orderedRows();
      if (all.length) all[e.key === "Home" ? 0 : all.length - 1].focus();
    } else if (e.key === "Enter" && target === row) {
      e.preventDefault();
      row.querySelector(".cp-step").focus();
    }
  });
  document.addEventListener("keydown", function (e) {
    var tag = e.target.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || e.target.isContentEditable) return;
    if (e.ctrlKey || e.metaKey || e.altKey || (e.key !== "p" && e.key !== "P")) return;
    var row = (lastRow && list.contains(lastRow)) ? lastRow : orderedRows()[0];
    if (row) { e.preventDefault(); row.focus(); }
  });

  window.addEventListener("resize", function () {
    Array.prototype.forEach.call(list.querySelectorAll(".cp-diff"), fit);
  });
  window.addEventListener("beforeunload", function (e) {
    var unsaved = orderedRows().some(function (row) {
      return row.dirty || row.busy || trim(row.querySelector(".cp-step").value);
    });
    if (unsaved) { e.preventDefault(); e.returnValue = ""; }
  });

  /* -- loading, then live ------------------------------------------------------------------- */
  function failed() {
    var box = document.getElementById("cp-error");
    box.textContent = T.load_failed;
    box.hidden = false;
  }
  var xhr = new XMLHttpRequest();
  xhr.open("GET", "/api/clubs/" + encodeURIComponent(clubId) + "?lang=" + encodeURIComponent(lang));
  xhr.setRequestHeader("Accept", "application/json");
  xhr.onload = function () {
    var view = null;
    try { view = JSON.parse(xhr.responseText); } catch (e) { /* below */ }
    if (xhr.status !== 200 || !view || !view.members) { failed(); return; }
    names = view.stage_names || {};
    show(view);
    panel.setAttribute("data-ready", "1");
    // the member's own updates (their phone) and another console's arrive live
    var socket = io();
    socket.on("connect", function () {
      socket.emit("join_club", { club_id: clubId }, function (ack) { if (ack && ack.ok) show(ack.club); });
    });
    socket.on("club", show);
  };
  xhr.onerror = failed;
  xhr.send();
})();
