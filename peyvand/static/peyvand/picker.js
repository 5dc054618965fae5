// The record picker of a new activity's form (activities/_record_picker.html): the search box lists matching
// records (htmx); choosing one fills the form's hidden record_type and record_id and shows it, "Clear" empties
// them. Enter in the search box must not send the whole form.
(function () {
  "use strict";

  function fields(picker) {
    var form = picker.closest("form");
    return {
      type: form.querySelector("input[name=record_type]"),
      id: form.querySelector("input[name=record_id]"),
      shown: picker.querySelector("[data-picked]"),
      label: picker.querySelector("[data-picked-label]"),
      search: picker.querySelector("[data-record-search]"),
      choices: picker.querySelector("#record-choices")
    };
  }

  document.addEventListener("click", function (event) {
    var hit = event.target.closest("[data-pick-record]");
    var clear = event.target.closest("[data-unpick]");
    var picker = (hit || clear) && (hit || clear).closest("[data-record-picker]");
    if (!picker) { return; }
    var f = fields(picker);
    if (hit) {
      f.type.value = hit.dataset.recordType;
      f.id.value = hit.dataset.recordId;
      f.label.textContent = hit.dataset.recordKind + ": ";
      var link = document.createElement(hit.dataset.recordUrl ? "a" : "span");
      if (hit.dataset.recordUrl) { link.href = hit.dataset.recordUrl; }
      link.textContent = hit.textContent.trim();
      f.label.appendChild(link);
      f.shown.hidden = false;
      f.search.value = "";
      f.choices.innerHTML = "";
    } else {
      f.type.value = "";
      f.id.value = "";
      f.label.textContent = "";
      f.shown.hidden = true;
      f.search.focus();
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.matches("[data-record-search]")) {
      event.preventDefault();
      var first = event.target.closest("[data-record-picker]").querySelector("[data-pick-record]");
      if (first) { first.click(); }
    }
  });
})();
