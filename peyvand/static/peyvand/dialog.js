// Quick-create dialogs: a form fetched by htmx into #quick-dialog-body ("+ Call" on a deal's page) opens as a
// modal dialog; Cancel or Escape closes it. Saving refreshes the page the user stayed on.
(function () {
  "use strict";

  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target.id !== "quick-dialog-body") { return; }
    var dialog = document.getElementById("quick-dialog");
    if (!dialog.open) { dialog.showModal(); }
    var first = dialog.querySelector("input:not([type=hidden]), select, textarea");
    if (first && !dialog.querySelector("[aria-invalid=true], .has-error")) { first.focus(); }
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-close-dialog]")) {
      var dialog = event.target.closest("dialog");
      if (dialog) { dialog.close(); }
    }
  });
})();
