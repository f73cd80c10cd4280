/* Rapport's few behaviours that HTML and HTMX do not cover. No inline scripts:
   everything hangs off data- attributes through event delegation, so it keeps
   working after HTMX swaps the table. */
(function () {
  "use strict";

  function rowBoxes(scope) {
    return Array.prototype.slice.call(
      (scope || document).querySelectorAll('input[type="checkbox"][name="ids"]')
    );
  }

  function updateSelection() {
    var bar = document.querySelector("[data-bulk]");
    if (!bar) return;
    var boxes = rowBoxes();
    var chosen = boxes.filter(function (b) { return b.checked; }).length;
    var label = bar.querySelector("[data-selected-count]");
    if (label) label.textContent = chosen ? chosen + " selected:" : "With selected rows:";
    var all = document.querySelector("[data-select-all]");
    if (all) {
      all.checked = boxes.length > 0 && chosen === boxes.length;
      all.indeterminate = chosen > 0 && chosen < boxes.length;
    }
  }

  function showBulkInputs(form) {
    var select = form.querySelector('select[name="action"]');
    if (!select) return;
    form.querySelectorAll("[data-for-action]").forEach(function (el) {
      el.hidden = el.getAttribute("data-for-action") !== select.value;
    });
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches("[data-select-all]")) {
      var table = target.closest("table");
      rowBoxes(table).forEach(function (b) { b.checked = target.checked; });
      updateSelection();
    } else if (target.matches('input[name="ids"]')) {
      updateSelection();
    } else if (target.matches('[data-bulk] select[name="action"]')) {
      showBulkInputs(target.form);
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (form.matches("[data-bulk]")) {
      var action = form.querySelector('select[name="action"]');
      var count = rowBoxes().filter(function (b) { return b.checked; }).length;
      if (count === 0) {
        event.preventDefault();
        window.alert("Select at least one row first.");
        return;
      }
      if (action && action.value === "delete") {
        question = "Move " + count + " selected record" + (count === 1 ? "" : "s") + " to the trash?";
      }
    }
    if (question && !window.confirm(question)) event.preventDefault();
  });

  // The header search popover: close it with Escape or a click elsewhere.
  function closeSearch() {
    var results = document.getElementById("global-results");
    if (results) results.innerHTML = "";
  }
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") closeSearch();
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest(".global-search")) closeSearch();
    // "Download PDF": the browser prints the page through the print stylesheet.
    if (event.target.closest("[data-print]")) window.print();
  });

  function init() {
    // On a phone the filters would push the rows off screen: start them folded.
    if (window.matchMedia("(max-width: 900px)").matches) {
      document.querySelectorAll("[data-collapse-on-narrow]").forEach(function (d) { d.open = false; });
    }
    document.querySelectorAll("[data-bulk]").forEach(showBulkInputs);
    updateSelection();
  }
  document.addEventListener("DOMContentLoaded", init);
  document.addEventListener("htmx:afterSwap", updateSelection);
})();
