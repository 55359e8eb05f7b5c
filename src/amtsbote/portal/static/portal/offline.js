/* Amtsbote portal: the offline page. Says how many sends wait on this phone (outbox.js) and
 * loads the page that was asked for again as soon as the connection is back. */
(function () {
  "use strict";

  var node = document.querySelector("[data-offline-outbox]");
  if (node && window.AmtsboteOutbox) {
    window.AmtsboteOutbox.all().then(function (records) {
      var count = records.filter(function (record) { return record.state === "waiting"; }).length;
      if (!count) { return; }
      node.textContent = count === 1
        ? node.getAttribute("data-text-one")
        : node.getAttribute("data-text-many").split("%(count)s").join(String(count));
      node.hidden = false;
    }).catch(function () { /* no IndexedDB: nothing to say */ });
  }

  window.addEventListener("online", function () { window.location.reload(); });
  // The browser may say "online" before its service worker reaches the network again (the
  // reload then shows this page once more, and no second "online" event comes): while the
  // phone believes it is online, try again every few seconds.
  window.setInterval(function () {
    if (navigator.onLine) { window.location.reload(); }
  }, 5000);
})();
