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
