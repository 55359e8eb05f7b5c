from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "amtsbote.documents"
    label = "documents"

    def ready(self) -> None:
        # HEIC/HEIF photos (iPhones) open through Pillow once the plugin is registered.
        from pillow_heif import register_heif_opener

        register_heif_opener()
