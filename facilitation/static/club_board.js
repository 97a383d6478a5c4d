/* The projected club board: redraws the stage columns on every `club` push. A member who
   arrives in a column fades in; when a column fills up, the cards condense (smaller text,
   one line each, then without the next step, then names only) rather than scroll. */
(function () {
  "use strict";
  var road = document.getElementById("road");
  var names = JSON.parse(road.getAttribute("data-names"));
  var none = JSON.parse(road.getAttribute("data-none"));
  var withWord = JSON.parse(road.getAttribute("data-with"));
  var lang = road.getAttribute("data-lang") || "fr";
  var DENSITY = ["", "dense", "dense denser", "dense denser densest", "dense denser densest crammed"];
  var where = null;  // member id → stage at the last drawing (null before the first)
  var lastSeq = 0;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function day(iso) {
    var date = new Date(iso + "T12:00:00");
    if (isNaN(date.getTime())) return iso;
    var options = { day: "numeric", month: "short" };
    if (date.getFullYear() !== new Date().getFullYear()) options.year = "numeric";
    try { return date.toLocaleDateString(lang, options); } catch (e) { return iso; }
  }
  function card(m, arrived) {
    var box = el("div", arrived ? "m arrived" : "m");
    box.setAttribute("data-member", m.id);
    box.appendChild(el("b", "", m.name));
    if (m.project.project) box.appendChild(el("div", "p", m.project.project));
    var next = m.project.next_steps[0];
    if (next) {
      var line = el("div", "n", next.text);
      if (next.due) {
        line.appendChild(document.createTextNode(" · "));
        line.appendChild(el("span", "d", day(next.due)));
      }
      if (next.helper_name) line.appendChild(document.createTextNode(" · " + withWord + " " + next.helper_name));
      box.appendChild(line);
    }
    return box;
  }
  function overflowing() {
    return Array.prototype.some.call(road.querySelectorAll(".col"), function (col) {
      return col.scrollHeight > col.clientHeight + 1;
    });
  }
  function fit() {
    for (var i = 0; i < DENSITY.length; i++) {
      document.body.className = DENSITY[i];
      if (!overflowing()) return;
    }
  }
  function draw(club) {
    if (typeof club.seq === "number") {
      if (club.seq < lastSeq) return;
      lastSeq = club.seq;
    }
    var now = {};
    Array.prototype.forEach.call(road.querySelectorAll(".col"), function (col, i) {
      var stage = col.getAttribute("data-stage");
      var members = club.members.filter(function (m) { return m.project.stage === stage; });
      col.textContent = "";
      var h = el("h2");
      h.appendChild(el("span", "k", String(i + 1))).setAttribute("aria-hidden", "true");
      h.appendChild(el("span", "t", names[stage]));
      h.appendChild(el("span", "c", String(members.length)));
      col.appendChild(h);
      members.forEach(function (m) {
        now[m.id] = stage;
        col.appendChild(card(m, where !== null && where[m.id] !== stage));
      });
    });
    where = now;
    var waiting = club.members.filter(function (m) { return !m.project.stage; });
    document.getElementById("later").textContent = waiting.length
      ? none + " " + waiting.map(function (m) { return m.name; }).join(", ") : "";
    fit();
  }
  window.addEventListener("resize", fit);
  var socket = io();
  socket.on("connect", function () {
    socket.emit("join_club", { club_id: road.getAttribute("data-club") }, function (ack) {
      if (ack && ack.ok) { draw(ack.club); road.setAttribute("data-ready", "1"); }
    });
  });
  socket.on("club", draw);
})();
