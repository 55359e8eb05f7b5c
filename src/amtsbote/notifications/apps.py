from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "amtsbote.notifications"
    label = "notifications"
