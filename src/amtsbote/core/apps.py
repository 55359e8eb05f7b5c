from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "amtsbote.core"
    label = "core"
