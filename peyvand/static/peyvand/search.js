// The header's global search: Ctrl+K (or Cmd+K) or "/" focuses it; arrow keys walk the results, Enter opens
// one (or, with none chosen, the whole results page), Escape closes the list.
(function () {
  "use strict";

  function box() { return document.getElementById("global-search"); }
  function list() { return document.getElementById("search-results"); }
  function hits() { return Array.prototype.slice.call(list().querySelectorAll("a")); }

  function choose(index) {
    var all = hits();
    all.forEach(function (a, i) { a.classList.toggle("active", i === index); a.setAttribute("aria-selected", i === index); });
    if (all[index]) { all[index].scrollIntoView({block: "nearest"}); }
  }

  function chosen() { return hits().findIndex(function (a) { return a.classList.contains("active"); }); }

  document.addEventListener("keydown", function (event) {
    var input = box();
    if (!input) { return; }
    var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName) || document.activeElement.isContentEditable;
    if ((event.key === "k" || event.key === "K") && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      input.focus();
      input.select();
      return;
    }
    if (event.key === "/" && !typing) {
      event.preventDefault();
      input.focus();
      return;
    }
    if (document.activeElement !== input) { return; }
    var index = chosen();
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      var count = hits().length;
      if (!count) { return; }
      choose(event.key === "ArrowDown" ? (index + 1) % count : (index - 1 + count) % count);
    } else if (event.key === "Enter" && index >= 0) {
      event.preventDefault();
      window.location.href = hits()[index].href;
    } else if (event.key === "Escape") {
      list().innerHTML = "";
    }
  });

  document.addEventListener("click", function (event) {
    var input = box();
    if (input && !input.closest("form").contains(event.target)) { list().innerHTML = ""; }
  });
})();
