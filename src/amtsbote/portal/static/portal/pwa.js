/*
 * Amtsbote portal as an installable app, on every portal page (components/pwa_head.html):
 *
 * - registers the service worker (/portal/sw.js?lang=…, scope /portal/): the page's language
 *   is in the script's address, so that the offline page speaks it, and a change of language
 *   installs the worker again with the new one;
 * - sends what waits in the outbox (outbox.js) when the page loads and when the phone is
 *   online again; afterwards it shows the receipt (on the request's own page it opens it);
 * - says when the phone is offline;
 * - offers to install the app (beforeinstallprompt; on iPhones a short instruction), once,
 *   dismissible, never in the way.
 *
 * Texts come translated in the data-text-* attributes of this script's element.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script) { return; }
  var outbox = window.AmtsboteOutbox;
  var DISMISSED = "amtsbote-install-dismissed";
  var RETRY_MS = 30000;
  var retryTimer = null;
  var leaving = false;

  function text(name) { return script.getAttribute("data-text-" + name) || ""; }

  // ---- notices at the top of the page ---------------------------------------------------------

  function area() {
    var main = document.getElementById("main");
    if (!main) { return null; }
    var node = document.getElementById("pwa-notices");
    if (!node) {
      node = document.createElement("div");
      node.id = "pwa-notices";
      node.className = "pwa-notices";
      node.setAttribute("role", "status");
      node.setAttribute("aria-live", "polite");
      main.insertBefore(node, main.firstChild);
    }
    return node;
  }

  function notice(kind, testid, parts) {
    var host = area();
    if (!host) { return null; }
    var old = host.querySelector('[data-testid="' + testid + '"]');
    if (old) { old.parentNode.removeChild(old); }
    var box = document.createElement("div");
    box.className = "kern-alert kern-alert--" + kind + " pwa-notice";
    box.setAttribute("data-testid", testid);
    var body = document.createElement("div");
    body.className = "kern-alert__body pwa-notice__body";
    parts.forEach(function (part) { body.appendChild(part); });
    box.appendChild(body);
    host.appendChild(box);
    return box;
  }

  function paragraph(value) {
    var p = document.createElement("p");
    p.className = "kern-body";
    p.textContent = value;
    return p;
  }

  function link(label, href, testid) {
    var a = document.createElement("a");
    a.className = "kern-link";
    a.href = href;
    a.textContent = label;
    if (testid) { a.setAttribute("data-testid", testid); }
    return a;
  }

  function button(label, kind, testid, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "kern-btn kern-btn--" + kind;
    b.setAttribute("data-testid", testid);
    var span = document.createElement("span");
    span.className = "kern-label";
    span.textContent = label;
    b.appendChild(span);
    b.addEventListener("click", onClick);
    return b;
  }

  function dropNotice(testid) {
    var old = document.querySelector('#pwa-notices [data-testid="' + testid + '"]');
    if (old) { old.parentNode.removeChild(old); }
  }

  // ---- the service worker -------------------------------------------------------------------

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(script.getAttribute("data-sw"), {
      scope: script.getAttribute("data-scope"),
      updateViaCache: "none",
    }).catch(function () { /* not allowed here (private mode, old browser): the site works anyway */ });
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "amtsbote-outbox") { showOutbox(); }
    });
  }

  // ---- the outbox -----------------------------------------------------------------------------

  function samePage(url) {
    return new URL(url, window.location.href).pathname === window.location.pathname;
  }

  // Shows what the outbox has to say: sent (receipt), refused (back to the request).
  function showOutbox() {
    if (!outbox) { return Promise.resolve(); }
    return outbox.all().then(function (records) {
      records.forEach(function (record) {
        if (record.state === "sent") {
          if (samePage(record.url)) {
            // The request's own page, where the person pressed "send": go on as after a send
            // (once: a second navigation would cancel the first).
            if (!leaving) {
              leaving = true;
              outbox.remove(record.id).then(function () { window.location.assign(record.receipt); });
            }
            return;
          }
          notice("success", "outbox-sent", [
            paragraph(text("sent")),
            link(text("receipt") + (record.reference ? " " + record.reference : ""), record.receipt, "outbox-receipt"),
          ]);
          outbox.remove(record.id);
        } else if (record.state === "failed" && !samePage(record.url)) {
          // upload.js puts the pages back on the request's own page.
          notice("danger", "outbox-failed", [
            paragraph(text("failed") + " " + (record.error || "")),
            link(text("open-request"), record.url, "outbox-open-request"),
          ]);
        }
      });
      document.dispatchEvent(new CustomEvent("amtsbote:outbox-shown", { detail: records }));
      // A bad line may never say "offline": while sends wait, try again now and then.
      var waiting = records.some(function (record) { return record.state === "waiting"; });
      if (waiting && !retryTimer) {
        retryTimer = window.setTimeout(function () { retryTimer = null; flush(); }, RETRY_MS);
      }
    }).catch(function () { /* no IndexedDB */ });
  }

  var flushing = null;
  function flush() {
    if (!outbox || !navigator.onLine || flushing) { return flushing || Promise.resolve(); }
    flushing = outbox.flush().catch(function () { return null; }).then(function () {
      flushing = null;
      return showOutbox();
    });
    return flushing;
  }
  window.AmtsbotePwa = { flush: flush, showOutbox: showOutbox };

  document.addEventListener("amtsbote:outbox", showOutbox);
  window.addEventListener("online", function () {
    dropNotice("pwa-offline");
    flush();
  });
  window.addEventListener("offline", function () {
    notice("warning", "pwa-offline", [paragraph(text("offline"))]);
  });
  if (!navigator.onLine) { notice("warning", "pwa-offline", [paragraph(text("offline"))]); }
  showOutbox().then(flush);

  // ---- install hint ----------------------------------------------------------------------------

  function dismissed() {
    try { return window.localStorage.getItem(DISMISSED) === "1"; } catch (error) { return false; }
  }

  function dismiss() {
    try { window.localStorage.setItem(DISMISSED, "1"); } catch (error) { /* private mode */ }
    dropNotice("install-hint");
  }

  var standalone = (window.matchMedia && window.matchMedia("(display-mode: standalone)").matches) ||
    window.navigator.standalone === true;
  if (standalone || dismissed()) { return; }

  window.addEventListener("beforeinstallprompt", function (event) {
    event.preventDefault();
    var prompt = event;
    notice("info", "install-hint", [
      paragraph(text("install")),
      button(text("install-button"), "primary", "install-accept", function () {
        dropNotice("install-hint");
        prompt.prompt();
        prompt.userChoice.then(function (choice) { if (choice.outcome !== "accepted") { dismiss(); } });
      }),
      button(text("dismiss"), "tertiary", "install-dismiss", dismiss),
    ]);
  });
  window.addEventListener("appinstalled", function () { dropNotice("install-hint"); });

  // iPhone and iPad Safari have no install prompt: a short instruction instead.
  var ios = /iphone|ipad|ipod/i.test(window.navigator.userAgent) && window.navigator.standalone === false;
  if (ios) {
    notice("info", "install-hint", [
      paragraph(text("ios")),
      button(text("dismiss"), "tertiary", "install-dismiss", dismiss),
    ]);
  }
})();
