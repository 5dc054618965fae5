// The pipeline board: drag a deal card to another stage; the server moves it through the same service
// as the API (version checked, history written) and answers the updated card, or why it refused.
(function () {
  "use strict";

  function csrfToken() {
    var headers = document.body.getAttribute("hx-headers");
    try { return JSON.parse(headers)["X-CSRFToken"]; } catch (e) { return ""; }
  }

  function toast(text) {
    var box = document.getElementById("toast");
    if (!box) { return; }
    box.textContent = text;
    box.hidden = false;
    clearTimeout(box._timer);
    box._timer = setTimeout(function () { box.hidden = true; }, 6000);
  }

  function shiftCount(column, delta) {
    var label = column.querySelector("[data-count]");
    var total = parseInt(column.dataset.total || "0", 10) + delta;
    column.dataset.total = String(total);
    if (label) { label.textContent = total.toLocaleString(document.documentElement.lang); }
  }

  function moveCard(board, card, column) {
    var origin = card.parentElement;
    var drop = column.querySelector("[data-drop]");
    if (origin === drop) { return; }
    drop.appendChild(card);
    card.classList.add("moving");
    var body = new FormData();
    body.append("stage", column.dataset.stage);
    body.append("version", card.dataset.version);
    if (column.classList.contains("stage-lost") && card.querySelector("[data-lose]")) {
      // An open deal is lost through the dialog that asks its reason from the list (outcomes.js).
      origin.appendChild(card);
      card.classList.remove("moving");
      card.dispatchEvent(new CustomEvent("deal:lose", {bubbles: true, detail: card}));
      return;
    }
    if (column.classList.contains("stage-lost")) {
      var reason = window.prompt(board.dataset.lostPrompt || "");
      if (reason === null) {
        origin.appendChild(card);
        card.classList.remove("moving");
        return;
      }
      body.append("lost_reason", reason);
    }
    fetch(card.dataset.moveUrl, {
      method: "POST", body: body, credentials: "same-origin",
      headers: {"X-CSRFToken": csrfToken(), "X-Requested-With": "fetch"}
    }).then(function (response) {
      if (response.ok) {
        return response.text().then(function (html) {
          var holder = document.createElement("div");
          holder.innerHTML = html.trim();
          var fresh = holder.firstElementChild;
          card.replaceWith(fresh);
          shiftCount(origin.closest(".column"), -1);
          shiftCount(column, 1);
        });
      }
      return response.json().then(function (error) {
        origin.appendChild(card);
        card.classList.remove("moving");
        toast(error.detail + (error.errors && error.errors.length ? " " + error.errors.map(function (e) { return e.message; }).join(" ") : ""));
      });
    }).catch(function () {
      origin.appendChild(card);
      card.classList.remove("moving");
      toast(board.dataset.offlineMessage);
    });
  }

  function setUpBoard(board) {
    if (window.Sortable) {
      // SortableJS drags by mouse and by touch alike. The card is put back where it was and moved by moveCard,
      // which asks the server first, as a drag without it does.
      board.querySelectorAll("[data-drop]").forEach(function (drop) {
        window.Sortable.create(drop, {
          group: "board", sort: false, animation: 150, delay: 150, delayOnTouchOnly: true,
          draggable: ".deal-card", ghostClass: "dragging",
          onEnd: function (event) {
            if (event.from === event.to) { return; }
            event.from.appendChild(event.item);
            moveCard(board, event.item, event.to.closest(".column"));
          }
        });
      });
      return;
    }
    var dragged = null;
    board.addEventListener("dragstart", function (event) {
      var card = event.target.closest(".deal-card");
      if (!card) { return; }
      dragged = card;
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", card.dataset.deal);
      card.classList.add("dragging");
    });
    board.addEventListener("dragend", function () {
      if (dragged) { dragged.classList.remove("dragging"); }
      board.querySelectorAll(".drop-target").forEach(function (c) { c.classList.remove("drop-target"); });
    });
    board.addEventListener("dragover", function (event) {
      var column = event.target.closest(".column");
      if (!column) { return; }
      event.preventDefault();
      board.querySelectorAll(".drop-target").forEach(function (c) { if (c !== column) { c.classList.remove("drop-target"); } });
      column.classList.add("drop-target");
    });
    board.addEventListener("drop", function (event) {
      var column = event.target.closest(".column");
      if (!column) { return; }
      event.preventDefault();
      column.classList.remove("drop-target");
      var id = event.dataTransfer.getData("text/plain");
      var card = dragged || board.querySelector('.deal-card[data-deal="' + id + '"]');
      dragged = null;
      if (card) { moveCard(board, card, column); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-board]").forEach(setUpBoard);
  });
})();

// The calendar: drag an activity to another day (month view) or day and hour (week and day views). The server
// reschedules it through the same service as the API, checked against the version the page showed; a refusal
// (someone changed it meanwhile) puts the activity back where it was and says why.
(function () {
  "use strict";

  function csrfToken() {
    var headers = document.body.getAttribute("hx-headers");
    try { return JSON.parse(headers)["X-CSRFToken"]; } catch (e) { return ""; }
  }

  function toast(text) {
    var box = document.getElementById("toast");
    if (!box) { return; }
    box.textContent = text;
    box.hidden = false;
    clearTimeout(box._timer);
    box._timer = setTimeout(function () { box.hidden = true; }, 6000);
  }

  function putBack(item, origin, before) {
    origin.insertBefore(item, before && before.parentNode === origin ? before : null);
    item.classList.remove("moving");
  }

  function moveEvent(calendar, item, cell) {
    var origin = item.parentElement;
    if (origin === cell) { return; }
    var before = item.nextSibling;
    cell.appendChild(item);
    item.classList.add("moving");
    var body = new FormData();
    body.append("version", item.dataset.version);
    body.append("date", cell.dataset.date);
    if (cell.dataset.hour !== undefined) { body.append("hour", cell.dataset.hour); }
    fetch(item.dataset.moveUrl, {
      method: "POST", body: body, credentials: "same-origin",
      headers: {"X-CSRFToken": csrfToken(), "X-Requested-With": "fetch"}
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) {
          putBack(item, origin, before);
          toast(data.detail + (data.errors && data.errors.length ? " " + data.errors.map(function (e) { return e.message; }).join(" ") : ""));
          return;
        }
        item.dataset.version = String(data.version);
        item.classList.remove("moving");
        item.classList.toggle("overdue", Boolean(data.overdue));
        var badge = item.querySelector(".cal-overdue");
        if (badge && !data.overdue) { badge.remove(); }
        var time = item.querySelector(".cal-time");
        if (time) { time.textContent = data.time; }
        item.classList.add("moved");
      });
    }).catch(function () {
      putBack(item, origin, before);
      toast(calendar.dataset.offlineMessage);
    });
  }

  function setUpCalendar(calendar) {
    var dragged = null;
    calendar.addEventListener("dragstart", function (event) {
      var item = event.target.closest && event.target.closest(".cal-event");
      if (!item) { return; }
      dragged = item;
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", item.dataset.activity);
      item.classList.add("dragging");
    });
    calendar.addEventListener("dragend", function () {
      if (dragged) { dragged.classList.remove("dragging"); }
      calendar.querySelectorAll(".drop-target").forEach(function (c) { c.classList.remove("drop-target"); });
    });
    calendar.addEventListener("dragover", function (event) {
      var cell = event.target.closest && event.target.closest("[data-drop]");
      if (!cell) { return; }
      event.preventDefault();
      calendar.querySelectorAll(".drop-target").forEach(function (c) { if (c !== cell) { c.classList.remove("drop-target"); } });
      cell.classList.add("drop-target");
    });
    calendar.addEventListener("drop", function (event) {
      var cell = event.target.closest && event.target.closest("[data-drop]");
      if (!cell) { return; }
      event.preventDefault();
      cell.classList.remove("drop-target");
      var id = event.dataTransfer.getData("text/plain");
      var item = dragged || calendar.querySelector('.cal-event[data-activity="' + id + '"]');
      dragged = null;
      if (item) {
        item.classList.remove("dragging");
        moveEvent(calendar, item, cell);
      }
    });
    // Week and day views open on the working morning rather than at midnight.
    var scroller = calendar.querySelector("[data-scroll-hour]");
    if (scroller) {
      var row = scroller.querySelector('tr[data-hour="' + scroller.dataset.scrollHour + '"]');
      if (row) { scroller.scrollTop = row.offsetTop - (scroller.querySelector("thead") || row).offsetHeight; }
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-calendar]").forEach(setUpCalendar);
  });
})();

// Small behaviours the pages ask for with data attributes (the content security policy allows no inline
// handlers): a select that submits its form when changed, a form that asks before it is sent, a field whose
// text is selected when focused. Delegated from the document, so parts swapped in by htmx get them too.
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var field = event.target.closest && event.target.closest("[data-submit-on-change]");
    if (field && field.form) { field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit(); }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target.closest && event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) { event.preventDefault(); }
  });

  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches("[data-select-on-focus]")) { event.target.select(); }
  });
})();

// The header's menu button (phones): opens and closes the navigation and the user menu.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-menu-toggle]");
    if (!button) { return; }
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(open));
    button.closest(".topbar").classList.toggle("menu-open", open);
  });
})();

// Lists: "tick every record on this page", and a confirmation before deleting the ticked records.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    if (!event.target.matches("[data-check-all]")) { return; }
    var table = event.target.closest("table");
    Array.prototype.forEach.call(table.querySelectorAll("input[name=ids]"), function (box) {
      box.checked = event.target.checked;
    });
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.id !== "bulk-form" || form.elements.action.value !== "delete") { return; }
    // the export buttons only download the ticked rows; nothing is deleted
    if (event.submitter && event.submitter.hasAttribute("formaction")) { return; }
    if (!window.confirm(form.dataset.confirmDelete)) { event.preventDefault(); }
  });
})();

// Saving a list's view keeps the filters as they are now: the table is filtered in place (htmx) and the address
// follows, so the query is read from the address when the form is sent.
document.addEventListener("submit", function (event) {
  "use strict";
  if (!event.target.classList.contains("save-view")) { return; }
  event.target.elements.query.value = window.location.search.replace(/^\?/, "");
});

// A record page's field edited in place: its input takes the focus when it opens, the pencil when it closes
// (saved or cancelled), so the keyboard stays where it was; Escape puts the value back.
(function () {
  "use strict";
  var swapping = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    swapping = target && target.id && target.id.indexOf("inline-") === 0 ? target.id : null;
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!swapping) { return; }
    var field = document.getElementById(swapping);
    swapping = null;
    if (!field) { return; }
    var focus = field.matches("[data-inline-edit]")
      ? field.querySelector("input:not([type=hidden]), select, textarea")
      : field.querySelector(".inline-pencil");
    if (focus) { focus.focus(); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var form = event.target.closest && event.target.closest("[data-inline-edit]");
    if (!form) { return; }
    event.preventDefault();
    // Asked of htmx directly rather than by clicking the cancel button: htmx wires up swapped-in content only
    // once it settles, so an Escape typed at once would click a button that does nothing yet.
    var cancel = form.querySelector("[data-inline-cancel]");
    window.htmx.ajax("GET", cancel.getAttribute("hx-get"), { target: form, swap: "outerHTML" });
  });
})();
