/* The projected club board: redraws the stage columns on every `club` push. */
(function () {
  "use strict";
  var road = document.getElementById("road");
  var names = JSON.parse(road.getAttribute("data-names"));
  var none = JSON.parse(road.getAttribute("data-none"));
  var withWord = JSON.parse(road.getAttribute("data-with"));

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function card(m) {
    var box = el("div", "m");
    box.appendChild(el("b", "", m.name));
    if (m.project.project) box.appendChild(el("div", "p", m.project.project));
    var next = m.project.next_steps[0];
    if (next) {
      var text = next.text + (next.due ? " · " + next.due : "") +
        (next.helper_name ? " · " + withWord + " " + next.helper_name : "");
      box.appendChild(el("div", "n", text));
    }
    return box;
  }
  function draw(club) {
    Array.prototype.forEach.call(road.querySelectorAll(".col"), function (col) {
      var stage = col.getAttribute("data-stage");
      var members = club.members.filter(function (m) { return m.project.stage === stage; });
      col.textContent = "";
      var h = el("h2", "", names[stage] + " ");
      h.appendChild(el("span", "", String(members.length)));
      col.appendChild(h);
      members.forEach(function (m) { col.appendChild(card(m)); });
    });
    var waiting = club.members.filter(function (m) { return !m.project.stage; });
    document.getElementById("later").textContent = waiting.length
      ? none + " " + waiting.map(function (m) { return m.name; }).join(", ") : "";
  }
  var socket = io();
  socket.on("connect", function () {
    socket.emit("join_club", { club_id: road.getAttribute("data-club") }, function (ack) {
      if (ack && ack.ok) draw(ack.club);
    });
  });
  socket.on("club", draw);
})();
