// positivesum workspace: live run progress (server-sent events) and the dashboards' Vega-Lite charts.
(function () {
  "use strict";
  function follow(box) {
    var id = box.getAttribute("data-run");
    var status = box.getAttribute("data-status");
    if (!id || status === "done" || status === "failed" || !window.EventSource) return;
    var source = new EventSource("/api/runs/" + id + "/events");
    source.addEventListener("progress", function (event) {
      var data = JSON.parse(event.data);
      box.setAttribute("data-status", data.status);
      box.querySelector(".status").textContent = data.status;
      box.querySelector("progress").value = data.progress;
      box.querySelector(".progress-text").textContent = data.progress_text;
      if (data.status === "done" || data.status === "failed") {
        source.close();
        window.location.reload();
      }
    });
    source.onerror = function () { source.close(); setTimeout(function () { window.location.reload(); }, 3000); };
  }
  function charts() {
    if (!window.vegaEmbed) return;
    document.querySelectorAll("script.vl-spec").forEach(function (node) {
      var target = document.getElementById(node.getAttribute("data-target"));
      var figure = target.closest("figure");
      window.vegaEmbed(target, JSON.parse(node.textContent), { actions: false, renderer: "svg" })
        .then(function () { figure.classList.add("rendered"); })
        .catch(function (e) { figure.classList.add("failed"); console.error(e); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("run-status");
    if (box) follow(box);
  });
  window.addEventListener("load", charts);
})();
