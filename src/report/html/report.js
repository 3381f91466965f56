// seglint HTML report: sortable tables, filters by severity and rule, copy buttons, and every
// <details> open while printing. Nothing is fetched; without script the page is still complete.
(function () {
  "use strict";
  var each = function (list, f) { Array.prototype.forEach.call(list, f); };

  function sortKey(row, i) {
    var cell = row.cells[i];
    if (!cell) return "";
    var key = cell.getAttribute("data-sort");
    return key === null ? cell.textContent.trim() : key;
  }

  each(document.querySelectorAll("table.sortable"), function (table) {
    var heads = table.tHead.rows[0].cells;
    each(heads, function (th, i) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      th.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        each(heads, function (h) { h.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = sortKey(a, i), y = sortKey(b, i);
          var nx = Number(x), ny = Number(y);
          var order = x !== "" && y !== "" && !isNaN(nx) && !isNaN(ny) ? nx - ny : x.localeCompare(y);
          return ascending ? order : -order;
        });
        each(rows, function (r) { body.appendChild(r); });
      });
    });
  });

  var filters = document.getElementById("filters");
  if (filters) {
    var apply = function () {
      var shown = {};
      each(filters.querySelectorAll("input[name=severity]"), function (c) { shown[c.value] = c.checked; });
      var rule = filters.querySelector("select[name=rule]").value;
      var visible = 0;
      each(document.querySelectorAll("tr[data-rule]"), function (tr) {
        var keep = shown[tr.getAttribute("data-severity")] && (rule === "" || tr.getAttribute("data-rule") === rule);
        tr.hidden = !keep;
        if (keep) visible += 1;
      });
      document.getElementById("shown").textContent = visible + " shown";
    };
    filters.addEventListener("change", apply);
    apply();
  }

  each(document.querySelectorAll("button.copy"), function (button) {
    button.addEventListener("click", function () {
      var text = document.getElementById(button.getAttribute("data-copy")).textContent;
      var done = function () { button.textContent = "Copied"; };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, function () { button.textContent = "Select the text and copy it"; });
      } else {
        var range = document.createRange();
        range.selectNodeContents(document.getElementById(button.getAttribute("data-copy")));
        var selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        button.textContent = "Selected: press Ctrl+C";
      }
    });
  });

  var opened = [];
  window.addEventListener("beforeprint", function () {
    each(document.querySelectorAll("details:not([open])"), function (d) { d.open = true; opened.push(d); });
  });
  window.addEventListener("afterprint", function () {
    each(opened, function (d) { d.open = false; });
    opened = [];
  });
})();
