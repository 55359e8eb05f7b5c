from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "amtsbote.desk"
    label = "desk"
