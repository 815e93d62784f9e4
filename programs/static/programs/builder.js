// The program builder's drag and drop. Without it (or without JavaScript) the arrow buttons
// reorder; with it, dropping a row posts the whole new order once.
(function () {
  "use strict";

  function sendOrder(list) {
    var box = document.getElementById("program-items");
    var order = Array.prototype.map.call(list.children, function (row) { return row.dataset.id; });
    htmx.ajax("POST", box.dataset.reorderUrl, {
      source: box,
      target: "#program-items",
      values: { order: order.join(","), next: box.dataset.next || "" },
    });
  }

  // On page load `root` is the document; after an htmx swap it is each new element, which may be
  // the list itself.
  function makeSortable(root) {
    if (!root.querySelectorAll) return;
    var lists = Array.prototype.slice.call(root.querySelectorAll("[data-sortable]"));
    if (root.matches && root.matches("[data-sortable]")) lists.push(root);
    lists.forEach(function (list) {
      if (list.sortable || typeof Sortable === "undefined") return;
      list.sortable = Sortable.create(list, {
        handle: ".grip",
        animation: 150,
        // Pointer events rather than the browser's native drag: the same on touch screens, mice and tests.
        forceFallback: true,
        ghostClass: "drag-ghost",
        chosenClass: "drag-chosen",
        onEnd: function (event) {
          if (event.oldIndex !== event.newIndex) sendOrder(list);
        },
      });
    });
  }

  // A row's dosage is saved on each change; its answer replaces the row. If the practitioner typed
  // on in the row meanwhile, that answer is already out of date and would wipe what they typed:
  // it is dropped, and the save their next change queues brings the row back.
  function formText(form) {
    return new URLSearchParams(new FormData(form)).toString();
  }

  document.addEventListener("htmx:configRequest", function (event) {
    var form = event.detail.elt;
    if (form.matches && form.matches(".dosage-inline")) form.dataset.sent = formText(form);
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    var form = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (form && form.matches && form.matches(".dosage-inline") && form.dataset.sent !== formText(form)) {
      event.detail.shouldSwap = false;
    }
  });

  function start() {
    var builder = document.querySelector(".builder");
    if (builder) builder.classList.add("builder-live");
    makeSortable(document);
    htmx.onLoad(makeSortable);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
