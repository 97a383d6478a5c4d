/* Double-espace on the projected board: when the session is linked to another room, the
   "here / there" view shows both rooms' themes side by side, the shared ones highlighted.
   It is fetched from /api/sessions/<id>/pair after this room's events and after the other
   room's `pair_changed` nudges (the other room's cards never travel through this socket). */
(function () {
  "use strict";
  var section = document.getElementById("pair");
  var root = document.getElementById("board");
  if (!section || !root || !window.boardSocket) return;
  var T = JSON.parse(section.getAttribute("data-i18n"));
  var sessionId = root.getAttribute("data-session");
  var button = document.querySelector("[data-pair]");
  var linked = null, chosen = null, phase = "welcome", timer = null, busy = false, again = false;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function wanted() {
    if (!linked) return false;
    if (chosen !== null) return chosen;
    return phase === "group" || phase === "vote" || phase === "synthesis";
  }
  function show() {
    var on = wanted();
    section.hidden = !on;
    document.body.classList.toggle("pair-on", on);
    if (button) {
      button.hidden = !linked;
      button.setAttribute("aria-pressed", on ? "true" : "false");
    }
    if (on) load();
  }
  function sideName(side) {
    return side.territory || side.title;
  }
  function cell(side, cls) {
    var box = el("div", "pc " + cls);
    if (!side) { box.classList.add("absent"); box.textContent = "—"; return box; }
    box.appendChild(el("span", "pl", side.labels[0]));
    var n = side.cards + " " + (side.cards === 1 ? T.card : T.cards) + (side.votes ? " · " + side.votes + " " + (side.votes === 1 ? T.vote : T.votes) : "") +
      (side.labels.length > 1 ? " · +" + (side.labels.length - 1) : "");
    box.appendChild(el("span", "pn", n));
    return box;
  }
  function draw(data) {
    document.getElementById("pair-here").textContent = T.here + " · " + sideName(data.here);
    document.getElementById("pair-there").textContent = T.there + " · " + sideName(data.there);
    ["blocker", "lever"].forEach(function (kind) {
      var list = document.getElementById("pair-" + kind);
      var themes = data[kind + "s"];
      list.textContent = "";
      if (!themes.length) { list.appendChild(el("li", "empty", T.none)); return; }
      themes.forEach(function (t) {
        var li = el("li", t.shared ? "shared" : "");
        li.appendChild(cell(t.here, "h"));
        var mid = el("span", "pm", t.shared ? "⇄" : "");
        if (t.shared) mid.title = T.shared;
        li.appendChild(mid);
        li.appendChild(cell(t.there, "t"));
        list.appendChild(li);
      });
      var guard = 40;
      while (list.scrollHeight > list.clientHeight + 1 && list.children.length > 1 && guard-- > 0) {
        list.removeChild(list.lastChild);
      }
    });
  }
  function answers(found) {
    var box = document.getElementById("pair-answers");
    var list = document.getElementById("pair-answers-list");
    list.textContent = "";
    (found || []).slice(0, 3).forEach(function (a, i) {
      if (i) list.appendChild(document.createTextNode(" · "));
      list.appendChild(el("span", "al", a.lever));
      list.appendChild(el("span", "arrow", " → "));
      list.appendChild(el("span", "ab", a.blocker));
    });
    box.hidden = !list.childNodes.length;
  }
  function load() {
    clearTimeout(timer);
    timer = setTimeout(function () {
      if (busy) { again = true; return; }
      busy = true;
      var xhr = new XMLHttpRequest();
      xhr.open("GET", "/api/sessions/" + encodeURIComponent(sessionId) + "/pair");
      xhr.onloadend = function () {
        busy = false;
        if (xhr.status === 200) {
          try {
            var data = JSON.parse(xhr.responseText);
            answers(data.answers_from_there);
            draw(data);
          } catch (e) { /* keep the last view */ }
        }
        if (again) { again = false; load(); }
      };
      xhr.send();
    }, 800);
  }
  document.addEventListener("board:extras", function (e) {
    var changed = e.detail.linked !== linked || e.detail.phase !== phase;
    linked = e.detail.linked || null;
    phase = e.detail.phase;
    if (changed) show();
    else if (wanted()) load();
  });
  window.boardSocket.on("pair_changed", function () { if (wanted()) load(); });
  if (button) button.addEventListener("click", function () { chosen = !wanted(); show(); });
  document.addEventListener("keydown", function (e) {
    if (e.target.tagName === "INPUT" || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === "d" && linked) { chosen = !wanted(); show(); }
  });
})();
