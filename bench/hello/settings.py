"""A bare Django project with one "hello" view: the ceiling of this machine for ``bench/load.py``.

Served by the same granian configuration as Amtsbote; no database, no sessions, no templates.
"""

SECRET_KEY = "bench-hello-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "hello.urls"
WSGI_APPLICATION = "hello.wsgi.application"
INSTALLED_APPS: list[str] = []
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
]
DATABASES: dict[str, dict[str, str]] = {}
USE_TZ = True
