import pytest


@pytest.fixture
def database_tasks(settings):
    """The database task backend that ``manage.py worker`` serves, not the ImmediateBackend."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }


@pytest.fixture(scope="session")
def s3_server():
    """A local S3-compatible server (moto in server mode) on 127.0.0.1 and a free port.

    A stand-in for a real S3-compatible object store (MinIO, Ceph, AWS S3), which is outside
    these machines: the storage reaches it over HTTP through boto3 as it would the real one.
    See ``s3_server.py``.
    """
    from .s3_server import running_s3_server

    with running_s3_server() as server:
        yield server
