from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "amtsbote.audit"
    label = "audit"
