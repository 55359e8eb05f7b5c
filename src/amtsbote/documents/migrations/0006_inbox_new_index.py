from django.conf import settings
from django.db import migrations, models

from amtsbote.core.migration_operations import AddIndexConcurrentlyOnPostgreSQL


class Migration(migrations.Migration):
    # The index is built concurrently on PostgreSQL: outside a transaction.
    atomic = False

    dependencies = [
        ("cases", "0004_representation_invitation"),
        ("documents", "0005_mailroom_document_types"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgreSQL(
            model_name="document",
            index=models.Index(
                condition=models.Q(("inbox_status", "new")),
                fields=["-received_at", "-id"],
                name="documents_inbox_new",
            ),
        ),
    ]
