from django.apps import AppConfig


class DocRequestsConfig(AppConfig):
    name = "amtsbote.doc_requests"
    label = "doc_requests"
