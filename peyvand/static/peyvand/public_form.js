// The public lead form, framed on a customer's site by embed.js: tell the page around it how tall the form is,
// so its frame grows and shrinks with the form (errors shown, the thank-you after sending) and never scrolls.
// Only a height is sent, nothing the visitor typed, so any page may hear it.
(function () {
  "use strict";
  if (window.parent === window) { return; }
  var last = 0;
  function report() {
    var height = Math.ceil(document.body.getBoundingClientRect().height);
    if (height === last) { return; }
    last = height;
    window.parent.postMessage({ type: "peyvand-form-height", height: height }, "*");
  }
  if (window.ResizeObserver) { new ResizeObserver(report).observe(document.body); }
  window.addEventListener("load", report);
  report();
})();
