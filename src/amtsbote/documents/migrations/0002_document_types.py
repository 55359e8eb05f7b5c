from django.db import migrations


def load_catalogue(apps, schema_editor):
    from amtsbote.documents.constants import DEFAULT_DOCUMENT_TYPES

    DocumentType = apps.get_model("documents", "DocumentType")
    for code, name, register in DEFAULT_DOCUMENT_TYPES:
        DocumentType.objects.update_or_create(
            code=code, defaults={"name": name, "default_register_code": register}
        )


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]
    operations = [migrations.RunPython(load_catalogue, migrations.RunPython.noop)]
