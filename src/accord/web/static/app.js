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
  // Report filters: a preset clears the dates and a date clears the preset; blank fields
  // are left out of the address; charts are drawn again after HTMX swaps the report.
  document.addEventListener("change", function (event) {
    var field = event.target;
    var form = field.closest && field.closest("form.filters");
    if (!form) { return; }
    if (field.hasAttribute("data-preset") && field.value) {
      form.querySelectorAll("[data-day]").forEach(function (d) { d.value = ""; });
    } else if (field.hasAttribute("data-day") && field.value) {
      form.querySelector("[data-preset]").value = "";
    }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form.filters")) { return; }
    var blank = Array.prototype.filter.call(form.elements, function (e) {
      return e.name && !e.disabled && e.type !== "checkbox" && e.value === "";
    });
    blank.forEach(function (e) { e.disabled = true; });
    setTimeout(function () { blank.forEach(function (e) { e.disabled = false; }); }, 0);
  }, true);
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.target && event.target.id === "report") {
      document.body.dataset.chartsReady = "";
      drawCharts();
    }
  });
})();
