/* Draws every stored Plotly figure on the page and makes its cells open their explanation.
 *
 * A chart is <div class="score-chart" data-figure="ID" data-link-base="/review/scores/"> with its
 * figure in <script type="application/json" id="ID">. Figures carry relative links in customdata;
 * the page supplies the base, so no inline script is needed (the CSP allows none). The mode bar is
 * hidden: its styles would be inline ones, and the data table below each chart does its job.
 */
(function () {
  "use strict";

  function draw(container) {
    var source = document.getElementById(container.dataset.figure);
    if (!source || typeof Plotly === "undefined") { return; }
    var figure = JSON.parse(source.textContent);
    var base = container.dataset.linkBase || "";
    Plotly.newPlot(container, figure.data, figure.layout, {
      displayModeBar: false,
      responsive: true,
      scrollZoom: false
    }).then(function () {
      container.setAttribute("data-drawn", "true");
    });
    if (base) {
      container.on("plotly_click", function (event) {
        var point = event && event.points && event.points[0];
        var link = point && point.customdata;
        if (link) { window.location.assign(base + link); }
      });
    }
  }

  function drawAll() {
    document.querySelectorAll(".score-chart[data-figure]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
