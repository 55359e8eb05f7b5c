"""Portal URLs: push (included by portal.urls, in the portal namespace)."""

from django.urls import URLPattern, path

from .views import push

urlpatterns: list[URLPattern] = [
    path("devices/", push.devices, name="devices"),
    path("devices/subscribe/", push.device_subscribe, name="device_subscribe"),
    path("devices/<uuid:subscription_uuid>/remove/", push.device_remove, name="device_remove"),
]
