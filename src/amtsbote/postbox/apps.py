from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PostboxConfig(AppConfig):
    name = "amtsbote.postbox"
    label = "postbox"
    verbose_name = _("Postbox")
