from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "amtsbote.documents"
    label = "documents"

    def ready(self) -> None:
        # HEIC/HEIF photos (iPhones) open through Pillow once the plugin is registered.
        from pillow_heif import register_heif_opener

        # System checks: is the virus scanner there (an error under `check --deploy`)?
        from . import checks  # noqa: F401

        register_heif_opener()

        # /readyz: with scanning on, a web process without an answering clamd is not ready
        # (every upload would be refused).
        from amtsbote.core.health import readiness_check_register

        from . import antivirus

        def clamd_answers() -> None:
            if antivirus.enabled() and not antivirus.Clamd(antivirus.address(), timeout=3).ping():
                raise RuntimeError("clamd did not answer PING")

        readiness_check_register("antivirus", clamd_answers)

        # On SQLite, a later migration that rebuilds a table drops the search triggers; put
        # them back after every migrate (idempotent).
        from django.db.models.signals import post_migrate

        from .search.index import search_index_ensure

        post_migrate.connect(search_index_ensure, sender=self)
