/* The synthesis charts on the projected board (key G or the "Charts" tool): the very SVGs
   the documents contain, drawn by the server (/api/sessions/<id>/charts/<name>.svg), so the
   room sees the chart the report will show. Charts without data stay out. */
(function () {
  "use strict";
  var section = document.getElementById("charts");
  var root = document.getElementById("board");
  if (!section || !root) return;
  var sessionId = root.getAttribute("data-session");
  var button = document.querySelector("[data-charts]");
  var on = false, seq = -1;

  function load(force) {
    Array.prototype.forEach.call(section.querySelectorAll("figure"), function (figure) {
      var img = figure.querySelector("img");
      if (!img) { // made here, not in the page: the board's own markup holds no image
        img = document.createElement("img");
        img.alt = figure.getAttribute("data-alt");
        figure.appendChild(img);
      }
      var name = figure.getAttribute("data-chart");
      if (!force && img.getAttribute("data-seq") === String(seq)) return;
      img.onload = function () { figure.hidden = false; };
      img.onerror = function () { figure.hidden = true; }; // nothing to draw yet
      img.setAttribute("data-seq", String(seq));
      img.src = "/api/sessions/" + encodeURIComponent(sessionId) + "/charts/" + name + ".svg?seq=" + seq;
    });
  }
  function show(value) {
    on = value;
    section.hidden = !on;
    document.body.classList.toggle("charts-on", on);
    if (button) button.setAttribute("aria-pressed", on ? "true" : "false");
    if (on) load(false);
  }
  document.addEventListener("board:extras", function (e) {
    seq = e.detail.seq;
    if (on) load(false);
  });
  if (button) button.addEventListener("click", function () { show(!on); });
  document.addEventListener("keydown", function (e) {
    if (e.target.tagName === "INPUT" || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === "g") show(!on);
  });
})();
