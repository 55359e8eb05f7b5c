"""Shared by the data migrations that load the document type catalogue."""


def load_catalogue(apps, schema_editor):
    from amtsbote.documents.constants import DEFAULT_DOCUMENT_TYPES

    DocumentType = apps.get_model("documents", "DocumentType")
    for code, name, register in DEFAULT_DOCUMENT_TYPES:
        DocumentType.objects.update_or_create(
            code=code, defaults={"name": name, "default_register_code": register}
        )
