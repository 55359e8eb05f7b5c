/*
 * Amtsbote portal: the outbox of sends kept on this phone until there is a connection.
 *
 * Used by the pages (upload.js keeps a send, pwa.js sends what waits when the phone is online
 * again and on every portal page load) and by the service worker (Background Sync, sw-core.js).
 * One send is one record in IndexedDB ("amtsbote-outbox", store "sends"), keyed by the send's
 * idempotency key (client_key): however often it is repeated - after a lost answer, by the
 * page and the worker at once - the server files it once and answers with the first receipt.
 *
 * Record: {id: client_key, url: the request's upload URL, owner: marker of the signed-in user,
 * label, pages, createdAt, state: "waiting" | "sent" | "failed", files: [{field, name, blob}],
 * receipt, reference, error}. After a successful send the files are deleted at once; the small
 * "sent" record stays until a page has shown its receipt link.
 *
 * Before each send the request page is loaded again: that gives a fresh CSRF token (a token
 * kept from before a reload or a new sign-in would be refused) and the marker of who is signed
 * in. A send is only made for the person who saved it (a shared phone).
 */
/* global self */
(function (scope) {
  "use strict";

  var DB_NAME = "amtsbote-outbox";
  var STORE = "sends";
  var LOCK = "amtsbote-outbox";
  var SYNC_TAG = "amtsbote-outbox";

  function open() {
    return new Promise(function (resolve, reject) {
      if (!scope.indexedDB) { reject(new Error("no IndexedDB")); return; }
      var request = scope.indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        if (!request.result.objectStoreNames.contains(STORE)) {
          request.result.createObjectStore(STORE, { keyPath: "id" });
        }
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function run(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result;
        var request = work(tx.objectStore(STORE));
        if (request) { request.onsuccess = function () { result = request.result; }; }
        tx.oncomplete = function () { db.close(); resolve(result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
        tx.onabort = function () { db.close(); reject(tx.error || new Error("aborted")); };
      });
    });
  }

  function all() {
    return run("readonly", function (store) { return store.getAll(); }).then(function (records) {
      return (records || []).sort(function (a, b) { return a.createdAt - b.createdAt; });
    });
  }

  function put(record) { return run("readwrite", function (store) { return store.put(record); }); }
  function remove(id) { return run("readwrite", function (store) { return store.delete(id); }); }

  // Tell every open page (from the worker) or this page (from a page) that the outbox changed.
  function changed() {
    if (scope.clients && scope.clients.matchAll) {
      return scope.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
        windows.forEach(function (client) { client.postMessage({ type: "amtsbote-outbox" }); });
      });
    }
    if (scope.document) { scope.document.dispatchEvent(new CustomEvent("amtsbote:outbox")); }
    return Promise.resolve();
  }

  function withLock(work) {
    if (scope.navigator && scope.navigator.locks && scope.navigator.locks.request) {
      return scope.navigator.locks.request(LOCK, work);
    }
    return work();
  }

  function Transient(reason) { this.reason = reason; }

  function field(html, pattern) {
    var match = pattern.exec(html);
    return match ? match[1] : "";
  }

  // A fresh CSRF token and the signed-in user's marker from the request page itself.
  function freshPage(record) {
    return fetch(record.url, { credentials: "same-origin", headers: { Accept: "text/html" }, cache: "no-store" })
      .catch(function () { throw new Transient("network"); })
      .then(function (response) {
        var path = new URL(response.url, scope.location.href).pathname;
        if (!response.ok || path !== new URL(record.url, scope.location.href).pathname) {
          // Signed out (the login page), or the server is not well: later.
          throw new Transient("page");
        }
        return response.text();
      })
      .then(function (html) {
        return {
          token: field(html, /name="csrfmiddlewaretoken" value="([^"]+)"/),
          owner: field(html, /name="amtsbote-outbox-owner" content="([^"]*)"/),
        };
      });
  }

  function sendOne(record) {
    return freshPage(record).then(function (page) {
      if (!page.owner || page.owner !== record.owner) { throw new Transient("owner"); }
      var body = new FormData();
      body.append("csrfmiddlewaretoken", page.token);
      body.append("client_key", record.id);
      record.files.forEach(function (file) { body.append(file.field, file.blob, file.name); });
      return fetch(record.url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch", Accept: "application/json", "X-CSRFToken": page.token },
      }).catch(function () { throw new Transient("network"); });
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") < 0) { throw new Transient("answer " + response.status); }
      return response.json().then(function (data) {
        if (response.ok && data && data.redirect) {
          // Filed: the pages leave the phone now; the receipt link stays until shown.
          return put({
            id: record.id, url: record.url, owner: record.owner, label: record.label,
            pages: record.pages, createdAt: record.createdAt, state: "sent", files: [],
            receipt: data.redirect, reference: data.reference || "",
          }).then(function () { return "sent"; });
        }
        if (response.status === 400 && data && data.error) {
          // Refused for good (a file not accepted, the request closed): the person decides.
          record.state = "failed";
          record.error = data.error;
          return put(record).then(function () { return "failed"; });
        }
        throw new Transient("answer " + response.status);
      });
    });
  }

  // Send everything that waits, one after the other. Resolves with {sent, failed, waiting}.
  function flush() {
    return withLock(function () {
      return all().then(function (records) {
        var counts = { sent: 0, failed: 0, waiting: 0 };
        return records.filter(function (record) { return record.state === "waiting"; })
          .reduce(function (chain, record) {
            return chain.then(function () {
              return sendOne(record).then(function (outcome) { counts[outcome] += 1; }, function (error) {
                if (!(error instanceof Transient)) { throw error; }
                counts.waiting += 1;
              });
            });
          }, Promise.resolve())
          .then(function () { return counts; });
      });
    }).then(function (counts) {
      return (counts.sent || counts.failed ? changed() : Promise.resolve()).then(function () { return counts; });
    });
  }

  // Keep a send: {id, url, owner, label, pages, files}. Asks for a Background Sync too.
  function keep(record) {
    record.state = "waiting";
    record.createdAt = Date.now();
    return put(record).then(function () {
      var sw = scope.navigator && scope.navigator.serviceWorker;
      if (!sw || !sw.ready) { return null; }
      // Not waiting for a worker that may never come (an unsupported browser, the first visit).
      return Promise.race([
        sw.ready.then(function (registration) {
          return registration.sync ? registration.sync.register(SYNC_TAG) : null;
        }).catch(function () { return null; }),
        new Promise(function (resolve) { setTimeout(resolve, 1000); }),
      ]);
    });
  }

  scope.AmtsboteOutbox = {
    SYNC_TAG: SYNC_TAG,
    all: all,
    keep: keep,
    remove: remove,
    flush: flush,
    changed: changed,
  };
})(self);
