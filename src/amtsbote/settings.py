"""Amtsbote settings.

Everything comes from environment variables (prefix ``AMTSBOTE_``) with safe defaults: with no
configuration at all Amtsbote runs embedded on one machine (SQLite in WAL mode, files under
``var/``, tasks in the database). See ``docs/configuration.md`` for the full list.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path
from typing import cast
from urllib.parse import urlsplit

import dj_database_url
import django.conf.locale
from django.utils.translation import gettext_lazy as _

from amtsbote.core.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(f"AMTSBOTE_{name}", default)


def env_bool(name: str, default: bool = False) -> bool:
    return env(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


VAR_DIR = Path(env("VAR_DIR", str(PROJECT_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """Use AMTSBOTE_SECRET_KEY; on an embedded install, create one once and keep it in var/."""
    if key := env("SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "amtsbote.core",
    "amtsbote.audit",
    "amtsbote.accounts",
    "amtsbote.notifications",
    "amtsbote.cases",
    "amtsbote.documents",
    "amtsbote.doc_requests",
    "amtsbote.postbox",
    "amtsbote.messaging",
    "amtsbote.eforms",
    "amtsbote.intake",
    "amtsbote.records",
    "amtsbote.integrations",
    "amtsbote.portal",
    "amtsbote.desk",
    "amtsbote.api",
    "amtsbote.demo",
]

MIDDLEWARE = [
    "amtsbote.core.logs.RequestLogMiddleware",
    "amtsbote.core.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "amtsbote.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "amtsbote.desk.middleware.DeskLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "amtsbote.accounts.middleware.StaffIdleTimeoutMiddleware",
    "amtsbote.accounts.middleware.StaffSecondFactorMiddleware",
]

ROOT_URLCONF = "amtsbote.urls"
WSGI_APPLICATION = "amtsbote.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    }
]

# --- database -----------------------------------------------------------------------------
# PostgreSQL connections are kept AMTSBOTE_DATABASE_CONN_MAX_AGE seconds (checked before
# reuse): one per request halved the throughput of bench/load.py. SQLite opens a file in
# microseconds and a connection kept by another thread would block restore's exclusive lock.
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'amtsbote.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=int(
            env("DATABASE_CONN_MAX_AGE", "0" if DATABASE_URL.startswith("sqlite") else "60")
        ),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers go on while the worker writes; synchronous=FULL makes a commit
        # durable before it returns (an acknowledged upload survives a power cut);
        # IMMEDIATE avoids lock-upgrade deadlocks between web and worker.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
        "PRAGMA busy_timeout=10000;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
else:
    # No JIT compiling: it pays off for long reports, not for pages. A search whose plan
    # crossed jit_above_cost spent 77 ms of its 1.4 s compiling (bench/million.py). Options
    # given in AMTSBOTE_DATABASE_URL come after, so they win.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = " ".join(["-c jit=off", _options.get("options", "")]).strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- files --------------------------------------------------------------------------------
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns about a missing directory
STATICFILES_DIRS = [
    ("kern", PROJECT_DIR / "node_modules" / "@kern-ux" / "native" / "dist"),
    # KERN's Fira Sans cut by language (scripts/subset_fonts.py, run by make setup).
    ("fonts", PROJECT_DIR / "build" / "fonts"),
    ("htmx", PROJECT_DIR / "node_modules" / "htmx.org" / "dist"),
]
# Stored files are encrypted (AES-256-GCM, docs/encryption.md) with keys "keyid:base64,...";
# the first encrypts new files, all of them read. Unset: var/keys/storage.keys, made once.
STORAGE_KEYS = env("STORAGE_KEYS")
if env("S3_BUCKET"):
    _default_storage = {
        "BACKEND": "amtsbote.core.storage.EncryptedS3Storage",
        "OPTIONS": {
            "bucket_name": env("S3_BUCKET"),
            "endpoint_url": env("S3_ENDPOINT_URL") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {
        "BACKEND": "amtsbote.core.storage.DurableFileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT), "base_url": None},
    }
# Static files: `collectstatic` with AMTSBOTE_STATIC_MANIFEST=1 (make run does) writes them
# hashed and precompressed (gzip, brotli) into STATIC_ROOT; from then on ("auto": a manifest is
# there) pages link the hashed names and browsers keep them for a year. Without a collection
# (tests, development) the files are served from the apps' folders as they are.
STATIC_MANIFEST = env("STATIC_MANIFEST", "auto")
_static_manifest = STATIC_MANIFEST == "1" or (
    STATIC_MANIFEST == "auto" and (STATIC_ROOT / "staticfiles.json").exists()
)
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "amtsbote.core.static.CompressedManifestStaticFilesStorage"
        if _static_manifest
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 60
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# Limits for customer uploads (named in the error messages customers see).
UPLOAD_MAX_FILE_BYTES = int(env("UPLOAD_MAX_FILE_MB", "20")) * 1024 * 1024
UPLOAD_MAX_FILES = int(env("UPLOAD_MAX_FILES", "30"))
UPLOAD_MAX_PIXELS = int(env("UPLOAD_MAX_MEGAPIXELS", "40")) * 1_000_000
UPLOAD_MAX_PDF_PAGES = int(env("UPLOAD_MAX_PDF_PAGES", "200"))

# --- mailroom (intake) -----------------------------------------------------------------------
INTAKE_DESTROY_AFTER_DAYS = int(env("INTAKE_DESTROY_AFTER_DAYS", "56"))  # paper kept 8 weeks
INTAKE_OCR_PROCESSES = int(env("INTAKE_OCR_PROCESSES", "0")) or (os.cpu_count() or 1)
INTAKE_OCR_LANGUAGES = env("INTAKE_OCR_LANGUAGES", "deu")
INTAKE_CONSUME_DIR = Path(env("INTAKE_CONSUME_DIR", str(VAR_DIR / "consume")))
INTAKE_CONSUME_SETTLE_SECONDS = float(env("INTAKE_CONSUME_SETTLE_SECONDS", "5"))
INTAKE_STALE_MINUTES = int(env("INTAKE_STALE_MINUTES", "10"))
INTAKE_FILES_PER_TASK = int(env("INTAKE_FILES_PER_TASK", "20"))
INTAKE_TESSDATA_DIR = env("INTAKE_TESSDATA_DIR", "")
INTAKE_MAX_FILE_MB = int(env("INTAKE_MAX_FILE_MB", "500"))

# --- tasks --------------------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# A task worker (`manage.py worker`) whose heartbeat stopped this long ago is dead:
# `manage.py tasks_recover` hands the tasks it was running back to the queue.
TASKS_WORKER_TIMEOUT_SECONDS = float(env("TASKS_WORKER_TIMEOUT_SECONDS", "120"))

# --- auth ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
# A customer's address is confirmed before the account can be used: by a 6-character code
# sent there, typed in the same tab (no switching to a link on a small phone).
ACCOUNT_EMAIL_VERIFICATION = env("EMAIL_VERIFICATION", "mandatory")
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Amtsbote: "
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_ADAPTER = "amtsbote.accounts.adapter.AccountAdapter"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_SIGNUP_REDIRECT_URL = "portal:activate"
# Throttles (docs/login.md): failed logins per IP and per account; "login" counts every attempt.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reauthenticate": "10/m/user",
}
# Sends of files from the portal per account and hour (accounts.throttles).
UPLOAD_SENDS_PER_HOUR = int(env("UPLOAD_SENDS_PER_HOUR", "60"))
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "Amtsbote"
# Staff (every role but customer) need a second factor (TOTP or passkey) in every session;
# a single sign-on login counts as one when AMTSBOTE_SSO_COUNTS_AS_SECOND_FACTOR is on.
STAFF_SECOND_FACTOR_REQUIRED = env_bool("STAFF_SECOND_FACTOR_REQUIRED", True)
SSO_COUNTS_AS_SECOND_FACTOR = env_bool("SSO_COUNTS_AS_SECOND_FACTOR", True)
# Staff sessions end after this many minutes without a request (htmx polling does not count).
STAFF_IDLE_MINUTES = int(env("STAFF_IDLE_MINUTES", "30"))
# Sessions are recorded at login only; tracking every request would cost queries on each page.
USERSESSIONS_TRACK_ACTIVITY = False


def oidc_apps() -> list[dict[str, object]]:
    """Single sign-on for staff: AMTSBOTE_OIDC_PROVIDERS=keycloak,azure and per provider
    AMTSBOTE_OIDC_<ID>_SERVER_URL, _CLIENT_ID, _SECRET and _NAME (docs/login.md)."""
    apps: list[dict[str, object]] = []
    for provider_id in env_list("OIDC_PROVIDERS"):
        prefix = f"OIDC_{provider_id.upper().replace('-', '_')}_"
        apps.append(
            {
                "provider_id": provider_id,
                "name": env(prefix + "NAME", provider_id),
                "client_id": env(prefix + "CLIENT_ID"),
                "secret": env(prefix + "SECRET"),
                "settings": {
                    "server_url": env(prefix + "SERVER_URL"),
                    "oauth_pkce_enabled": True,
                },
            }
        )
    return apps


SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": oidc_apps()}}
SOCIALACCOUNT_ADAPTER = "amtsbote.accounts.adapter.SocialAccountAdapter"
# An SSO login signs in the existing staff account with the e-mail address the IdP confirms;
# nobody gets a new account through single sign-on.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_LOGIN_ON_GET = False
# The jobcenter's own identity provider vouches for its staff's addresses: no e-mail code
# after single sign-on (customers confirm theirs: ACCOUNT_EMAIL_VERIFICATION).
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SESSION_COOKIE_HTTPONLY = True
# Served over HTTPS (production): cookies only over HTTPS, and HSTS (security headers below).
SECURE_COOKIES = env_bool("SECURE_COOKIES")
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_AGE = 60 * 60 * 8

ACTIVATION_CODE_VALID_DAYS = 30
# Break-glass: how long access to a case outside one's teams lasts once a reason is given.
BREAK_GLASS_HOURS = int(env("BREAK_GLASS_HOURS", "8"))
# The audit chain's anchors outside the database (manage.py audit_anchor); keep on other storage.
AUDIT_ANCHOR_FILE = env("AUDIT_ANCHOR_FILE", str(VAR_DIR / "audit-anchors.jsonl"))
AUDIT_ANCHOR_SECONDS = int(env("AUDIT_ANCHOR_SECONDS", "900"))
# Archive packages (case hand-over): the largest unpacked size an import accepts.
ARCHIVE_MAX_BYTES = int(env("ARCHIVE_MAX_BYTES", str(10 * 1024**3)))
ACTIVATION_MAX_ATTEMPTS_PER_HOUR = int(env("ACTIVATION_MAX_ATTEMPTS_PER_HOUR", "5"))

# --- REST API (docs/api.md) -----------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["amtsbote.api.authentication.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["amtsbote.api.permissions.HasScope"],
    "DEFAULT_THROTTLE_CLASSES": ["amtsbote.api.throttling.ClientRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "amtsbote.api.schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "amtsbote.api.errors.exception_handler",
    "DEFAULT_METADATA_CLASS": None,
    "UNAUTHENTICATED_USER": None,
    "URL_FORMAT_OVERRIDE": None,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Amtsbote API",
    "DESCRIPTION": "REST API v1 for the benefits software and scanners (docs/api.md).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "amtsbote.cases.constants.CaseStatus",
        "RequestStatusEnum": "amtsbote.doc_requests.constants.RequestStatus",
        "RequestItemStatusEnum": "amtsbote.doc_requests.constants.ItemStatus",
        "LetterStatusEnum": "amtsbote.postbox.constants.LetterStatus",
        "IntakeStatusEnum": "amtsbote.intake.constants.IntakeStatus",
    },
}
# Requests per API client (all its keys together), e.g. "600/min", "20000/day"; empty: none.
API_THROTTLE_RATE = env("API_THROTTLE_RATE", "600/min")
# Webhooks: attempts per event (back-off doubles from the base), the time a receiver has to
# answer, and whether plain http:// addresses are allowed (tests on loopback; never else).
WEBHOOK_MAX_ATTEMPTS = int(env("WEBHOOK_MAX_ATTEMPTS", "8"))
WEBHOOK_RETRY_BASE_SECONDS = int(env("WEBHOOK_RETRY_BASE_SECONDS", "60"))
WEBHOOK_TIMEOUT_SECONDS = float(env("WEBHOOK_TIMEOUT_SECONDS", "10"))
WEBHOOK_ALLOW_HTTP = env_bool("WEBHOOK_ALLOW_HTTP")

# --- cache (throttles) ----------------------------------------------------------------------
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "amtsbote_cache",
    }
}

# --- i18n ---------------------------------------------------------------------------------
LANGUAGE_CODE = "de"
# Leichte Sprache is German in plain words: Django code "de-ls" (locale de_LS), written
# lang="de-x-ls" in pages (core.templatetags.i18n_extra); what it does not say in plain words
# falls back to German (gettext looks in de_LS, then de).
LANGUAGES = [
    ("de", "Deutsch"),
    ("de-ls", "Leichte Sprache"),
    ("en", "English"),
    ("uk", "Українська"),
    ("ar", "العربية"),
    ("tr", "Türkçe"),
    ("ru", "Русский"),
    ("fa", "فارسی"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Staff pages exist in these (desk.middleware); the first is the default.
DESK_LANGUAGES = ("de", "en")
django.conf.locale.LANG_INFO["de-ls"] = {
    "bidi": False,
    "code": "de-ls",
    "name": "Easy German",
    "name_local": "Leichte Sprache",
}
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

# --- mail ---------------------------------------------------------------------------------
EMAIL_HOST = env("EMAIL_HOST")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_TIMEOUT = 15
DEFAULT_FROM_EMAIL = env("EMAIL_FROM", "Amtsbote <noreply@amtsbote.localhost>")
# With no SMTP host configured (the embedded demo), mail is printed to the console.
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)

# --- web push (notifications.push; docs/configuration.md#web-push) -------------------------
# VAPID: AMTSBOTE_PUSH_VAPID_PRIVATE_KEY (a P-256 key in PEM); unset, one is made once and kept
# in var/keys/ (the public key browsers subscribe with is derived from it). Changing the key
# makes every device subscribe again.


def _vapid_private_key() -> str:
    if key := env("PUSH_VAPID_PRIVATE_KEY"):
        return key.replace("\\n", "\n")
    path = VAR_DIR / "keys" / "vapid_private_key.pem"
    if not path.exists():
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ec

        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        temporary.write_bytes(pem)
        temporary.chmod(0o600)
        try:
            os.link(temporary, path)  # two processes starting at once keep the first key
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return path.read_text()


PUSH_VAPID_PRIVATE_KEY = _vapid_private_key()


def _vapid_subject() -> str:
    """Who the push services can contact about our pushes (a mailto: or https: URL)."""
    from email.utils import parseaddr

    return env("PUSH_VAPID_SUBJECT") or "mailto:" + (
        parseaddr(DEFAULT_FROM_EMAIL)[1] or "noreply@localhost"
    )


PUSH_VAPID_SUBJECT = _vapid_subject()
# Push endpoints come from browsers: only these push services are contacted (scheme://host,
# "*." for any subdomain; any port). Tests on loopback add http://127.0.0.1.
PUSH_ALLOWED_HOSTS = env_list(
    "PUSH_ALLOWED_HOSTS",
    "https://fcm.googleapis.com,https://*.push.services.mozilla.com,"
    "https://*.notify.windows.com,https://web.push.apple.com,https://*.push.apple.com",
)
PUSH_TTL_SECONDS = int(env("PUSH_TTL_SECONDS", str(24 * 3600)))
PUSH_TIMEOUT_SECONDS = float(env("PUSH_TIMEOUT_SECONDS", "10"))
PUSH_MAX_ATTEMPTS = int(env("PUSH_MAX_ATTEMPTS", "5"))
PUSH_RETRY_BASE_SECONDS = int(env("PUSH_RETRY_BASE_SECONDS", "60"))
PUSH_MAX_DEVICES = int(env("PUSH_MAX_DEVICES", "10"))
# Deadline reminders: a push this many days before an open document request's deadline;
# `manage.py doc_request_reminders --every` looks every AMTSBOTE_PUSH_REMINDER_INTERVAL_SECONDS.
PUSH_DEADLINE_REMINDER_DAYS = int(env("PUSH_DEADLINE_REMINDER_DAYS", "3"))
PUSH_REMINDER_INTERVAL_SECONDS = int(env("PUSH_REMINDER_INTERVAL_SECONDS", "3600"))

# --- legal --------------------------------------------------------------------------------
DOC_REQUEST_DEFAULT_DAYS = int(env("DOC_REQUEST_DEFAULT_DAYS", "14"))
# Postbox (docs/postbox.md): § 37 Abs. 2a SGB X counts a Bescheid as notified on the N-th day
# after the notification was sent (4 since the 2025 postal reform); "vwvfg" selects the
# § 41 Abs. 2a VwVfG policy instead (the day after retrieval, provision ends after 10 days).
POSTBOX_BEKANNTGABE_DAYS = int(env("POSTBOX_BEKANNTGABE_DAYS", "4"))
POSTBOX_POLICY = env("POSTBOX_POLICY", "sgb_x")
POSTBOX_REMINDER_DAYS = int(env("POSTBOX_REMINDER_DAYS", "3"))
POSTBOX_PAPER_FALLBACK_DAYS = int(env("POSTBOX_PAPER_FALLBACK_DAYS", "10"))
POSTBOX_SWEEP_INTERVAL_SECONDS = int(env("POSTBOX_SWEEP_INTERVAL_SECONDS", "900"))

# --- accessibility statement (portal/accessibility/; BITV 2.0 § 7) ---------------------------
# The contact for reported barriers: every report from the statement's form is mailed to
# AMTSBOTE_ACCESSIBILITY_CONTACT_EMAIL (unset: reports are only stored). The address may use
# "\n" for line breaks. The statement's date is the day it was last prepared or reviewed.
ACCESSIBILITY_CONTACT_NAME = env("ACCESSIBILITY_CONTACT_NAME")
ACCESSIBILITY_CONTACT_EMAIL = env("ACCESSIBILITY_CONTACT_EMAIL")
ACCESSIBILITY_CONTACT_PHONE = env("ACCESSIBILITY_CONTACT_PHONE")
ACCESSIBILITY_CONTACT_ADDRESS = env("ACCESSIBILITY_CONTACT_ADDRESS").replace("\\n", "\n")
ACCESSIBILITY_STATEMENT_DATE = env("ACCESSIBILITY_STATEMENT_DATE", "2026-11-22")
ACCESSIBILITY_FEEDBACK_PER_HOUR = int(env("ACCESSIBILITY_FEEDBACK_PER_HOUR", "10"))
ACCESSIBILITY_FEEDBACK_MAX_LENGTH = int(env("ACCESSIBILITY_FEEDBACK_MAX_LENGTH", "5000"))
# Arbitration (Schlichtungsverfahren): unset, the board under § 16 BGG (jobcenters run jointly
# with the BA). A jobcenter run by its district alone names its Land's board instead.
ACCESSIBILITY_ARBITRATION_NAME = env("ACCESSIBILITY_ARBITRATION_NAME")
ACCESSIBILITY_ARBITRATION_ADDRESS = env("ACCESSIBILITY_ARBITRATION_ADDRESS").replace("\\n", "\n")
ACCESSIBILITY_ARBITRATION_PHONE = env("ACCESSIBILITY_ARBITRATION_PHONE")
ACCESSIBILITY_ARBITRATION_EMAIL = env("ACCESSIBILITY_ARBITRATION_EMAIL")
ACCESSIBILITY_ARBITRATION_URL = env("ACCESSIBILITY_ARBITRATION_URL")

# --- electronic seal on receipts (core.sealing; a demo certificate in var/keys/ if unset) ----
SEAL_PKCS12 = env("SEAL_PKCS12")
SEAL_PKCS12_PASSWORD = env("SEAL_PKCS12_PASSWORD")
SEAL_TRUST_ROOTS = env("SEAL_TRUST_ROOTS")
SEAL_TSA_URL = env("SEAL_TSA_URL")

# --- security headers (docs/security.md#headers, docs/operations.md#production-settings) ------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"  # nothing of ours is shown in a frame


def content_security_policy(oidc: list[dict[str, object]]) -> str:
    """The policy for our pages. The single sign-on buttons post to us and we redirect the
    form to the identity provider; browsers apply ``form-action`` to that redirect too, so
    each provider's origin (from its server URL) is allowed there (docs/login.md)."""
    form_action = ["'self'"]
    for app in oidc:
        server_url = urlsplit(str(cast(dict[str, object], app["settings"])["server_url"]))
        origin = f"{server_url.scheme}://{server_url.netloc}"
        if server_url.netloc and origin not in form_action:
            form_action.append(origin)
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
        "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
        f"form-action {' '.join(form_action)}; frame-ancestors 'none'"
    )


# core.middleware.SecurityHeadersMiddleware: no inline script or style anywhere; stored files
# bring their own sandboxing policy (core.http.file_response). Report-only to try a change.
CONTENT_SECURITY_POLICY = content_security_policy(SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"])
CONTENT_SECURITY_POLICY_REPORT_ONLY = env_bool("CSP_REPORT_ONLY")
# The camera is allowed on the portal's photo pages only (core.middleware.CAMERA_VIEWS).
PERMISSIONS_POLICY = {
    "camera": "()",
    "microphone": "()",
    "geolocation": "()",
    "payment": "()",
    "usb": "()",
}
# HTTPS: HSTS for a year once cookies are secure (the site is HTTPS-only then); the redirect
# to HTTPS and the proxy's header (e.g. "X-Forwarded-Proto", value "https") are set explicitly.
SECURE_HSTS_SECONDS = int(env("HSTS_SECONDS", str(365 * 24 * 3600 if SECURE_COOKIES else 0)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", True)
SECURE_SSL_REDIRECT = env_bool("SSL_REDIRECT")
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]  # a load balancer may check over HTTP
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_" + env("PROXY_SSL_HEADER").upper().replace("-", "_"), "https")
    if env("PROXY_SSL_HEADER")
    else None
)

# Structured logs (core/logs.py): JSON lines when stderr goes to a file or a collector,
# readable lines in a terminal (AMTSBOTE_LOG_FORMAT=json|console decides otherwise); every
# line of a request carries its request id.
LOGGING = logging_config(
    log_format=env("LOG_FORMAT", "console" if sys.stderr.isatty() else "json"),
    level=env("LOG_LEVEL", "INFO"),
)

# --- metrics (core/metrics.py; docs/operations.md) -------------------------------------------
# /metrics answers only with this bearer token (none set: no metrics, 404).
METRICS_TOKEN = env("METRICS_TOKEN")
# Counters of all web and worker processes of this machine, added up at each scrape.
METRICS_DIR = Path(env("METRICS_DIR", str(VAR_DIR / "metrics")))
METRICS_DIR.mkdir(parents=True, exist_ok=True)
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(METRICS_DIR))

SITE_NAME = _("Amtsbote")

# --- virus scanning of uploads (documents.antivirus; docs/security.md) ------------------------
# clamd's socket: a path, unix:/path, host:port or tcp://host:port (default: Debian's socket).
# Fails closed: with clamd unreachable uploads are refused. AMTSBOTE_ANTIVIRUS=off accepts
# files unscanned (`manage.py check --deploy` reports that as an error).
ANTIVIRUS = env("ANTIVIRUS", "on")
ANTIVIRUS_CLAMD = env("CLAMD", "/var/run/clamav/clamd.ctl")
ANTIVIRUS_TIMEOUT_SECONDS = float(env("CLAMD_TIMEOUT_SECONDS", "60"))
# What the streams of an uploaded PDF may inflate to, together (zip bombs inside PDFs).
UPLOAD_MAX_PDF_DECODED_MB = int(env("UPLOAD_MAX_PDF_DECODED_MB", "400"))
