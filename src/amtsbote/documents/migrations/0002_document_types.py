from django.db import migrations

from amtsbote.documents.migrations._catalogue import load_catalogue


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]
    operations = [migrations.RunPython(load_catalogue, migrations.RunPython.noop)]
