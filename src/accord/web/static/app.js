// Accord: draw the Vega-Lite charts of a page, then mark it ready (for tests and people).
// Each chart is an element with data-vega-spec="ID" and a <script type="application/json"
// id="ID"> holding its spec; the vendored vega, vega-lite and vega-embed load first.
(function () {
  "use strict";
  function drawCharts() {
    var nodes = document.querySelectorAll("[data-vega-spec]");
    var jobs = [];
    nodes.forEach(function (node) {
      var source = document.getElementById(node.getAttribute("data-vega-spec"));
      if (!source || typeof window.vegaEmbed !== "function") { return; }
      var spec = JSON.parse(source.textContent);
      jobs.push(window.vegaEmbed(node, spec, { actions: false, renderer: "svg" }));
    });
    Promise.all(jobs).then(
      function () { document.body.dataset.chartsReady = "1"; },
      function (error) { document.body.dataset.chartsReady = "error"; console.error(error); }
    );
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawCharts);
  } else {
    drawCharts();
  }
})();
