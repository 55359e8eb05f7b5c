/* Web push in the portal's service worker (loaded there with importScripts). The payload is
 * JSON {title, body, url, tag}, encrypted for this browser (RFC 8291); it carries no personal
 * data, only that something waits in the portal and where. A click opens (or focuses) that
 * page of the portal. */
/* global self, clients */
(function () {
  "use strict";

  var FALLBACK = { title: "Amtsbote", body: "", url: "/portal/", tag: "amtsbote" };

  function sameOriginUrl(url) {
    try {
      var resolved = new URL(url || FALLBACK.url, self.location.origin);
      return resolved.origin === self.location.origin ? resolved.href : new URL(FALLBACK.url, self.location.origin).href;
    } catch (error) {
      return new URL(FALLBACK.url, self.location.origin).href;
    }
  }

  self.addEventListener("push", function (event) {
    var data = {};
    if (event.data) {
      try { data = event.data.json(); } catch (error) { data = { body: event.data.text() }; }
    }
    var title = data.title || FALLBACK.title;
    event.waitUntil(self.registration.showNotification(title, {
      body: data.body || FALLBACK.body,
      tag: data.tag || FALLBACK.tag,
      renotify: Boolean(data.tag),
      icon: data.icon || undefined,
      data: { url: sameOriginUrl(data.url) }
    }));
  });

  self.addEventListener("notificationclick", function (event) {
    event.notification.close();
    var url = (event.notification.data && event.notification.data.url) || sameOriginUrl(FALLBACK.url);
    event.waitUntil(clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
      for (var i = 0; i < windows.length; i += 1) {
        var client = windows[i];
        if (client.url === url && "focus" in client) { return client.focus(); }
      }
      for (var j = 0; j < windows.length; j += 1) {
        var other = windows[j];
        if (new URL(other.url).origin === self.location.origin && "navigate" in other) {
          return other.navigate(url).then(function (navigated) { return (navigated || other).focus(); });
        }
      }
      return clients.openWindow(url);
    }));
  });
}());
