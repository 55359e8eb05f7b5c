import pytest


@pytest.fixture
def database_tasks(settings):
    """The database task backend that ``manage.py worker`` serves, not the ImmediateBackend."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
