/* htmx polling that waits while someone works inside the polled element.
 *
 * An element with data-poll-pause-on-focus skips its htmx requests while the focus is
 * inside it (the batch list: someone types a quality-check note). This replaces an htmx
 * trigger filter ("every 2s [...]"), which htmx evaluates with Function() — the
 * Content-Security-Policy (no 'unsafe-eval') forbids that.
 */
(function () {
  "use strict";
  document.addEventListener("htmx:beforeRequest", function (event) {
    var element = event.detail && event.detail.elt;
    if (element && element.hasAttribute && element.hasAttribute("data-poll-pause-on-focus") &&
        element.contains(document.activeElement)) {
      event.preventDefault();
    }
  });
})();
