from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "amtsbote.demo"
    label = "demo"
    verbose_name = "Demo data"
