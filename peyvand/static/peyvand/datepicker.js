// A calendar on every date field (inputs marked data-picker="date" or "datetime" by the forms): Jalali on
// Persian pages (jalalidatepicker, opened by the field), Gregorian on English ones (flatpickr, opened by a button
// beside the field). The field stays a text field in the format the server reads ("1405/09/16 14:30",
// "2026-12-07 14:30"): what is typed is sent as typed, so a mistyped date is refused by the server with its
// field named instead of being rolled over into another date by the calendar.
(function () {
  "use strict";

  var persian = document.documentElement.lang === "fa";
  var CALENDAR_ICON = '<svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">' +
    '<path fill="currentColor" d="M7 2h2v2h6V2h2v2h2a2 2 0 0 1 2 2v13a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V6a2 2 0 0 1 ' +
    '2-2h2V2zm-2 8v9h14v-9H5zm2 2h3v3H7v-3z"/></svg>';

  function attach(root) {
    var inputs = (root || document).querySelectorAll("input[data-picker]");
    Array.prototype.forEach.call(inputs, function (input) {
      var withTime = input.dataset.picker === "datetime";
      if (persian) {
        input.setAttribute("data-jdp", "");
        if (!withTime) { input.setAttribute("data-jdp-only-date", ""); }
      } else if (window.flatpickr && !input.dataset.pickerReady) {
        input.dataset.pickerReady = "1";
        var holder = document.createElement("span");
        holder.className = "date-field";
        input.insertAdjacentElement("beforebegin", holder);
        holder.appendChild(input);
        var button = document.createElement("button");
        button.type = "button";
        button.className = "date-pick";
        button.innerHTML = CALENDAR_ICON;
        button.setAttribute("aria-label", input.dataset.pickerLabel || "");
        button.title = input.dataset.pickerLabel || "";
        holder.appendChild(button);
        var format = withTime ? "Y-m-d H:i" : "Y-m-d";
        var picker = window.flatpickr(holder, {
          enableTime: withTime, time_24hr: true, disableMobile: true, dateFormat: format, positionElement: input,
          clickOpens: false,
          onOpen: function (_dates, _text, picker) {
            var typed = picker.parseDate(input.value, format);
            if (typed && picker.formatDate(typed, format) === input.value.trim()) { picker.setDate(typed, false); }
          },
          onChange: function (_dates, text) {
            input.value = text;
            input.dispatchEvent(new Event("change", {bubbles: true}));
          }
        });
        button.addEventListener("click", function () { picker.toggle(); });
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    attach(document);
    if (persian && window.jalaliDatepicker) {
      // It watches focus on the whole page, so fields that arrive later (a dialog's form) get it too.
      window.jalaliDatepicker.startWatch({
        time: true, hasSecond: false, autoReadOnlyInput: false, persianDigits: false, zIndex: 2000,
        showCloseBtn: true
      });
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) { attach(event.target); });
})();
