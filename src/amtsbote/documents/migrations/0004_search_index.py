"""The full-text search index and the triggers that keep it in step (see documents.search).

PostgreSQL: a tsvector column with a GIN index; SQLite: an FTS5 table. Other databases get
no index (search then finds nothing).
"""

from django.db import migrations


def install(apps, schema_editor):
    from amtsbote.documents.search import search_index_install

    search_index_install(schema_editor.connection)


def uninstall(apps, schema_editor):
    from amtsbote.documents.search import search_index_uninstall

    search_index_uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("documents", "0003_document_lock_version")]
    operations = [migrations.RunPython(install, uninstall, elidable=False)]
