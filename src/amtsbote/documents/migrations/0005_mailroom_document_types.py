from django.db import migrations

from amtsbote.documents.migrations._catalogue import load_catalogue


class Migration(migrations.Migration):
    """The catalogue grows by the types the mailroom's classifier knows (issue 3)."""

    dependencies = [("documents", "0004_search_index")]
    operations = [migrations.RunPython(load_catalogue, migrations.RunPython.noop)]
