/*
 * Amtsbote portal service worker, the logic (the script at /portal/sw.js sets
 * self.AMTSBOTE_SW = {version, scope, offline, language, precache, staticPrefix} and imports
 * outbox.js, this file and sw-push.js).
 *
 * - The app shell (styles, fonts, scripts, icons: the listed static files) is kept in a cache
 *   named after the version and served from there first; a new version replaces it.
 * - Pages are always loaded from the network. Without a connection the kept offline page
 *   ("You are offline") is shown instead. No page of the portal is kept: letters, documents
 *   and messages are social data and a phone may be shared.
 * - Background Sync ("amtsbote-outbox") sends the uploads kept on this phone (outbox.js).
 */
/* global self, caches, AmtsboteOutbox */
(function () {
  "use strict";

  var CONFIG = self.AMTSBOTE_SW;
  var PREFIX = "amtsbote-shell-";
  var CACHE = PREFIX + CONFIG.version;
  var OFFLINE = CONFIG.offline;
  var shell = {};
  CONFIG.precache.forEach(function (url) { shell[new URL(url, self.location.href).pathname] = true; });

  // The offline page in the worker's language (the page's, from the script's address), kept
  // under its plain URL. A page in another language registers the worker again.
  function keepOfflinePage(cache) {
    var url = OFFLINE + "?lang=" + encodeURIComponent(CONFIG.language);
    return fetch(url, { credentials: "omit", cache: "no-store" }).then(function (response) {
      if (!response.ok) { throw new Error("offline page " + response.status); }
      return cache.put(OFFLINE, response);
    });
  }

  self.addEventListener("install", function (event) {
    event.waitUntil(caches.open(CACHE).then(function (cache) {
      return Promise.all([cache.addAll(CONFIG.precache), keepOfflinePage(cache)]);
    }).then(function () { return self.skipWaiting(); }));
  });

  self.addEventListener("activate", function (event) {
    event.waitUntil(caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf(PREFIX) === 0 && name !== CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); }));
  });

  function offlinePage() {
    return caches.open(CACHE).then(function (cache) { return cache.match(OFFLINE); }).then(function (response) {
      return response || new Response("Offline", { status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" } });
    });
  }

  self.addEventListener("fetch", function (event) {
    var request = event.request;
    if (request.method !== "GET") { return; } // sends go to the network, always
    var url = new URL(request.url);
    if (url.origin !== self.location.origin) { return; }
    if (request.mode === "navigate") {
      if (url.pathname.indexOf(CONFIG.scope) !== 0) { return; }
      event.respondWith(fetch(request).catch(offlinePage));
      return;
    }
    if (shell[url.pathname]) {
      event.respondWith(caches.open(CACHE).then(function (cache) {
        return cache.match(request, { ignoreSearch: true }).then(function (hit) {
          return hit || fetch(request);
        });
      }));
    }
    // Everything else (fragments, pictures of documents, files) only from the network.
  });

  self.addEventListener("sync", function (event) {
    if (event.tag !== AmtsboteOutbox.SYNC_TAG) { return; }
    event.waitUntil(AmtsboteOutbox.flush().then(function (counts) {
      // Still waiting (no connection, signed out): let the browser try again later.
      if (counts.waiting) { throw new Error("outbox: " + counts.waiting + " waiting"); }
    }));
  });
})();
