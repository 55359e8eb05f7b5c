/* Turn on web push for this device (portal/devices.html): ask for permission, subscribe
 * with the server's VAPID key through the portal's service worker, and send the
 * subscription to the server. The texts come translated in data-text-* attributes; without
 * JavaScript the page says that this needs JavaScript, and removing devices works anyway. */
(function () {
  "use strict";

  var setup = document.querySelector("[data-push-setup]");
  if (!setup) { return; }
  var statusLine = setup.querySelector("[data-push-status]");
  var button = setup.querySelector("[data-push-enable]");
  var csrfInput = setup.querySelector("input[name=csrfmiddlewaretoken]");

  function say(name) {
    statusLine.textContent = setup.getAttribute("data-text-" + name) || "";
    statusLine.setAttribute("data-state", name);
  }

  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = window.atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) { bytes[i] = raw.charCodeAt(i); }
    return bytes;
  }

  function sameKey(buffer, bytes) {
    if (!buffer) { return false; }
    var other = new Uint8Array(buffer);
    if (other.length !== bytes.length) { return false; }
    for (var i = 0; i < bytes.length; i += 1) { if (other[i] !== bytes[i]) { return false; } }
    return true;
  }

  /* The service worker at /portal/sw.js, registered by the portal app; null if it does not
   * come within a few seconds (not there, or not allowed in this browser). */
  function serviceWorker(timeoutMs) {
    return Promise.race([
      navigator.serviceWorker.ready,
      new Promise(function (resolve) { window.setTimeout(function () { resolve(null); }, timeoutMs); })
    ]);
  }

  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    say("unsupported");
    return;
  }
  if (Notification.permission === "denied") {
    say("denied");
    return;
  }
  serviceWorker(5000).then(function (registration) {
    if (!registration) { say("no-service-worker"); return; }
    say("ready");
    button.hidden = false;
  });

  button.addEventListener("click", function () {
    var key = keyBytes(setup.getAttribute("data-vapid-key"));
    button.disabled = true;
    say("working");
    Promise.resolve(Notification.requestPermission()).then(function (permission) {
      if (permission !== "granted") { throw new Error("denied"); }
      return serviceWorker(5000);
    }).then(function (registration) {
      if (!registration) { throw new Error("no-service-worker"); }
      return registration.pushManager.getSubscription().then(function (existing) {
        if (existing && sameKey(existing.options && existing.options.applicationServerKey, key)) {
          return existing;
        }
        /* Subscribed with an older server key: that subscription no longer works. */
        var gone = existing ? existing.unsubscribe() : Promise.resolve(true);
        return gone.then(function () {
          return registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
        });
      });
    }).then(function (subscription) {
      return fetch(setup.getAttribute("data-subscribe-url"), {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          "Accept": "application/json",
          "X-Requested-With": "fetch",
          "X-CSRFToken": csrfInput ? csrfInput.value : ""
        },
        body: JSON.stringify(subscription.toJSON())
      });
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (answer) {
        if (!response.ok) {
          var error = new Error("server");
          error.serverMessage = answer.message;
          throw error;
        }
        say("on");
        /* Show the device in the list (and the server's confirmation). */
        window.location.reload();
      });
    }).catch(function (error) {
      button.disabled = false;
      var reason = error && error.message;
      if (reason === "denied" || reason === "no-service-worker") {
        say(reason);
        if (reason === "denied") { button.hidden = true; }
      } else if (error && error.serverMessage) {
        statusLine.textContent = error.serverMessage;
        statusLine.setAttribute("data-state", "refused");
      } else {
        say("failed");
      }
    });
  });
}());
