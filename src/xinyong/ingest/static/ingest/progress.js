/* Batch page: poll progress.json every second while the file is processed, then reload.
   Plain JavaScript, no libraries (the platform runs on isolated networks). */
(function () {
  "use strict";
  var panel = document.getElementById("progress-panel");
  if (!panel || !panel.dataset.progressUrl) { return; }
  var url = panel.dataset.progressUrl;
  var bar = document.getElementById("batch-progress");
  var text = document.getElementById("progress-text");
  var status = document.getElementById("batch-status");
  var keys = ["submitted", "accepted", "rejected", "created", "updated", "unchanged", "late"];
  var failures = 0;

  function show(data) {
    keys.forEach(function (key, index) {
      var cell = panel.querySelector('[data-count="' + index + '"]');
      if (cell) { cell.textContent = data[key]; }
    });
    if (status) { status.textContent = data.status_display; }
    if (bar) {
      if (data.percent === null || data.percent === undefined) { bar.removeAttribute("value"); }
      else { bar.value = data.percent; }
    }
    if (text) {
      text.textContent = "已处理 " + data.done + " 行" +
        (data.total_estimate ? "，约 " + data.total_estimate + " 行" : "") +
        "（接收 " + data.accepted + "，拒绝 " + data.rejected + "）";
    }
  }

  function poll() {
    var request = new XMLHttpRequest();
    request.open("GET", url, true);
    request.setRequestHeader("Accept", "application/json");
    request.onload = function () {
      if (request.status !== 200) { return retry(); }
      var data;
      try { data = JSON.parse(request.responseText); } catch (e) { return retry(); }
      failures = 0;
      show(data);
      if (data.running) { window.setTimeout(poll, 1000); }
      else { window.location.reload(); }
    };
    request.onerror = retry;
    request.send();
  }

  function retry() {
    failures += 1;
    if (failures < 30) { window.setTimeout(poll, 2000); }
    else if (text) { text.textContent = "暂时无法获取进度，请稍后刷新页面"; }
  }

  window.setTimeout(poll, 1000);
})();
