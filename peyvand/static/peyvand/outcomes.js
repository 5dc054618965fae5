// Deal outcomes: the Lost button (on the deal page and on each board card) opens a dialog that asks why the deal
// was lost; the dialog's form posts to the same address the button links to, which shows the form as a page of
// its own when scripts are off. A card dropped on the board's lost column asks the same way.
(function () {
  "use strict";

  function openFor(link) {
    var dialog = document.getElementById("lose-dialog");
    if (!dialog || typeof dialog.showModal !== "function") { return false; }
    var form = dialog.querySelector("form");
    form.reset();
    form.setAttribute("action", link.getAttribute("href"));
    form.elements.version.value = link.dataset.version || "";
    var title = dialog.querySelector("[data-deal-title]");
    if (title) { title.textContent = link.dataset.title || ""; }
    dialog.showModal();
    var first = form.querySelector('input[name="reason"]');
    if (first) { first.focus(); }
    return true;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-lose]");
    if (link && openFor(link)) {
      event.preventDefault();
      return;
    }
    var close = event.target.closest("[data-close-dialog]");
    if (close) {
      close.closest("dialog").close();
    }
  });

  // The board asks for the card's reason when it is dropped on a lost column (see app.js).
  document.addEventListener("deal:lose", function (event) {
    var link = event.detail && event.detail.querySelector("[data-lose]");
    if (link) { openFor(link); }
  });
})();
