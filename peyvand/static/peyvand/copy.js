// Copy buttons (the web form's address and embed code): a button with data-copy="ID" copies the value of the
// field with that id and says so for a moment. The clipboard API needs HTTPS (or localhost); elsewhere the
// field's text is selected and copied the older way.
(function () {
  "use strict";
  function said(button) {
    var label = button.textContent;
    button.textContent = button.dataset.copied || label;
    window.setTimeout(function () { button.textContent = label; }, 2000);
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy]");
    if (!button) { return; }
    var field = document.getElementById(button.dataset.copy);
    if (!field) { return; }
    function fallback() {
      field.focus();
      field.select();
      try { document.execCommand("copy"); said(button); } catch (ignored) { /* the text stays selected */ }
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(function () { said(button); }, fallback);
    } else {
      fallback();
    }
  });
})();
