// Money inputs ([data-money]): digits grouped by thousands while typing, in the page's digits (Persian on a
// Persian page), the caret kept after the same digit; Persian, Arabic and Latin digits all accepted. The
// server reads whatever this leaves (core/money.py), so a page without this script still works.
(function () {
  "use strict";
  if (window.peyvandMoney) { return; }
  window.peyvandMoney = true;

  var PERSIAN = "۰۱۲۳۴۵۶۷۸۹";
  var ARABIC = "٠١٢٣٤٥٦٧٨٩";

  function persianPage() {
    return (document.documentElement.lang || "").slice(0, 2) === "fa";
  }

  function toLatin(text) {
    return text.replace(/[۰-۹٠-٩]/g, function (d) {
      var i = PERSIAN.indexOf(d);
      return String(i >= 0 ? i : ARABIC.indexOf(d));
    });
  }

  function toPage(text) {
    if (!persianPage()) { return text; }
    return text.replace(/[0-9]/g, function (d) { return PERSIAN.charAt(+d); }).replace(/,/g, "٬").replace(/\./g, "٫");
  }

  // The digits and the one decimal point in what was typed; anything else (separators, spaces) dropped.
  function clean(text) {
    var latin = toLatin(text).replace(/[٫/]/g, ".");
    var out = "";
    var point = false;
    for (var i = 0; i < latin.length; i++) {
      var c = latin.charAt(i);
      if (c >= "0" && c <= "9") { out += c; }
      else if (c === "." && !point) { out += c; point = true; }
    }
    return out;
  }

  function group(plain) {
    var parts = plain.split(".");
    var whole = parts[0].replace(/^0+(?=\d)/, "");
    var grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return parts.length > 1 ? grouped + "." + parts[1] : grouped;
  }

  function countDigits(text) {
    var n = 0;
    var latin = toLatin(text);
    for (var i = 0; i < latin.length; i++) {
      var c = latin.charAt(i);
      if ((c >= "0" && c <= "9") || c === "." || c === "٫" || c === "/") { n++; }
    }
    return n;
  }

  function caretAfter(text, digits) {
    if (digits <= 0) { return 0; }
    var latin = toLatin(text);
    var n = 0;
    for (var i = 0; i < latin.length; i++) {
      var c = latin.charAt(i);
      if ((c >= "0" && c <= "9") || c === "." || c === "٫") { n++; }
      if (n === digits) { return i + 1; }
    }
    return text.length;
  }

  function reformat(input) {
    var value = input.value;
    if (/[^\s0-9۰-۹٠-٩,٬،.٫/'_\u00a0\u202f\u2009]/.test(value)) { return; } // not a number: left for the server to name
    var caret = input.selectionStart === null ? value.length : input.selectionStart;
    var before = countDigits(value.slice(0, caret));
    var shown = toPage(group(clean(value)));
    if (shown === value) { return; }
    input.value = shown;
    if (document.activeElement === input) {
      var at = caretAfter(shown, before);
      input.setSelectionRange(at, at);
    }
  }

  function unitFor(form, currency) {
    form.querySelectorAll("input[data-money][data-currency-input]").forEach(function (input) {
      if (input.getAttribute("data-currency-input") !== currency.name) { return; }
      var unit = input.parentElement && input.parentElement.querySelector(".money-unit");
      if (!unit) { return; }
      var code = currency.value.trim().toUpperCase();
      unit.textContent = !code || code === "IRR" ? unit.getAttribute("data-rial-unit") : code;
    });
  }

  document.addEventListener("input", function (event) {
    var target = event.target;
    if (!(target instanceof HTMLInputElement)) { return; }
    if (target.hasAttribute("data-money")) { reformat(target); }
    else if (target.form && target.form.querySelector("[data-currency-input='" + target.name + "']")) {
      unitFor(target.form, target);
    }
  });
})();
