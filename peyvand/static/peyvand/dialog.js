// Quick-create dialogs: a form fetched by htmx into #quick-dialog-body ("+ Call" on a deal's page) opens over
// the page; Cancel or Escape closes it. Saving refreshes the page the user stayed on. It is opened non-modal
// (styled as modal in app.css) because a modal dialog sits above everything, the date picker's calendar too.
(function () {
  "use strict";

  // Opened once htmx has settled the form: htmx binds the swapped-in fields (the record picker's search) only
  // then, so text typed into a dialog shown earlier could go unanswered.
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.target.id !== "quick-dialog-body") { return; }
    var dialog = document.getElementById("quick-dialog");
    if (!dialog.open) { dialog.show(); }
    var first = dialog.querySelector("[autofocus]") || dialog.querySelector("input:not([type=hidden]), select, textarea");
    if (first && !dialog.querySelector("[aria-invalid=true], .has-error")) { first.focus(); }
  });

  document.addEventListener("keydown", function (event) {
    var dialog = document.getElementById("quick-dialog");
    if (event.key === "Escape" && dialog && dialog.open && !document.querySelector("jdp-container[style*=block], .flatpickr-calendar.open")) {
      dialog.close();
    }
  });

  // The header's "+ New" menu folds up once an item is chosen, or when the user clicks elsewhere.
  document.addEventListener("click", function (event) {
    var menus = document.querySelectorAll("[data-new-menu][open]");
    Array.prototype.forEach.call(menus, function (menu) {
      if (!menu.contains(event.target) || event.target.closest(".new-menu-items a")) { menu.open = false; }
    });
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-close-dialog]")) {
      var dialog = event.target.closest("dialog");
      if (dialog) { dialog.close(); }
    }
  });
})();
