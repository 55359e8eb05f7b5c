from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "amtsbote.cases"
    label = "cases"
