from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "amtsbote.portal"
    label = "portal"
