// positivesum workspace: live run progress, of one run and of the run list (server-sent events), and the dashboards' Vega-Lite charts.
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
  // The run list: one stream (/api/run-events) reports every queued or running run the reader may read.
  function followList(table) {
    var active = table.querySelector('tr[data-status="queued"], tr[data-status="running"]');
    if (!active || !window.EventSource) return;
    var labels = JSON.parse(table.getAttribute("data-labels") || "{}");
    var q = new URLSearchParams(window.location.search).get("q");  // the same filter as the list's
    var source = new EventSource("/api/run-events" + (q ? "?q=" + encodeURIComponent(q) : ""));
    source.addEventListener("progress", function (event) {
      var data = JSON.parse(event.data);
      var row = table.querySelector('tr[data-run="' + data.id + '"]');
      if (!row) { source.close(); window.location.reload(); return; }  // a run queued since: show its row
      row.setAttribute("data-status", data.status);
      row.querySelector(".status").textContent = labels[data.status] || data.status;
      row.querySelector("progress").value = data.progress;
      var done = data.status === "done" || data.status === "failed";
      row.querySelector(".progress-text").textContent = done ? "" : data.progress_text;
    });
    source.addEventListener("end", function () { source.close(); });
    source.onerror = function () { source.close(); };
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
    var list = document.getElementById("run-list");
    if (list) followList(list);
  });
  window.addEventListener("load", charts);
})();
