/* mltriad site: the status filter of the decision log. No dependencies, works offline. */
(function () {
  "use strict";

  function table(bar) {
    return document.querySelector("table." + bar.getAttribute("data-triad-filter"));
  }

  function apply(bar, state) {
    var rows = table(bar) ? table(bar).querySelectorAll("tbody tr") : [];
    var shown = 0;
    Array.prototype.forEach.call(bar.querySelectorAll("button"), function (button) {
      var pressed = button.getAttribute("data-status") === state;
      button.setAttribute("aria-pressed", pressed ? "true" : "false");
    });
    Array.prototype.forEach.call(rows, function (row) {
      var show = state === "all" || row.getAttribute("data-status") === state;
      row.hidden = !show;
      if (show) shown += 1;
    });
    var empty = document.querySelector(".triad-empty");
    if (empty) empty.hidden = shown > 0;
  }

  function setup() {
    var wanted = /^#status=([a-z-]+)$/.exec(window.location.hash);
    Array.prototype.forEach.call(document.querySelectorAll("[data-triad-filter]"), function (bar) {
      bar.hidden = false;
      var known = wanted && bar.querySelector('button[data-status="' + wanted[1] + '"]');
      apply(bar, known ? wanted[1] : "all");
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-triad-filter] button") : null;
    if (!button) return;
    var state = button.getAttribute("data-status");
    apply(button.closest("[data-triad-filter]"), state);
    var hash = state === "all" ? "" : "#status=" + state;
    window.history.replaceState(null, "", window.location.pathname + window.location.search + hash);
  });

  // Material for MkDocs swaps pages without reloading when instant navigation is on.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(setup);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
