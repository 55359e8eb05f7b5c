"""Portal URLs: pwa (included by portal.urls, in the portal namespace)."""

from django.urls import URLPattern, path

from .views import pwa

urlpatterns: list[URLPattern] = [
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("offline/", pwa.offline, name="offline"),
]
