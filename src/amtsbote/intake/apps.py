from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "amtsbote.intake"
    label = "intake"
