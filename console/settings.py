"""Django settings for Stratolab. Everything that differs between machines comes from the
environment or the home folder (see console/home.py)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from console import home

BASE_DIR = Path(__file__).resolve().parent.parent
HOME = home.home_dir()


def _secret_key() -> str:
    if key := os.environ.get("SECRET_KEY"):
        return key
    # A key per installation, kept in its home so sessions survive a restart.
    path = HOME / "secret_key"
    if not path.exists():
        HOME.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
# Earlier keys, comma-separated, while rotating SECRET_KEY: sessions signed and secrets
# sealed (services/core/sealed.py) under them still open.
SECRET_KEY_FALLBACKS = [k for k in os.environ.get("SECRET_KEY_FALLBACKS", "").split(",") if k]
DEBUG = os.environ.get("STRATOLAB_DEBUG", "") == "1"
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "*").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "django_htmx",
    "services.core",
    "services.iam",
    "services.vpc",
    "services.ec2",
    "services.cloudtrail",
    "services.sts",
    "services.s3",
    "services.sqs",
    "services.sns",
    "services.events",
    "services.classrooms",
]

MIDDLEWARE = [
    "services.core.middleware.RequestIdMiddleware",
    "services.core.gateway.middleware.GatewayMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Serves collected static files from gunicorn itself (no separate web server).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "services.core.middleware.ConsoleSessionMiddleware",
]

ROOT_URLCONF = "console.urls"
WSGI_APPLICATION = "console.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.messages.context_processors.messages",
                "services.core.context_processors.console",
            ],
        },
    },
]

DATABASES = {"default": home.database_settings()}
DATABASES["default"]["CONN_MAX_AGE"] = 60
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": home.redis_url(),
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_NAME = "stratolab_session"
SESSION_COOKIE_AGE = 12 * 3600
# No script reads the CSRF cookie: htmx and the upload script take the token from the
# page (hx-headers on <body>, the form's csrfmiddlewaretoken).
CSRF_COOKIE_HTTPONLY = True


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


# A classroom server behind a TLS-terminating proxy (README, "Classroom server behind
# TLS"): what `manage.py check --deploy` asks for, each from the environment variable of
# its name. The defaults suit the plain-http `stratolab up` on 127.0.0.1.
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0") or 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_flag("SECURE_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = _env_flag("SECURE_HSTS_PRELOAD")
SECURE_SSL_REDIRECT = _env_flag("SECURE_SSL_REDIRECT")
# Static files stay reachable over plain http, for a container's health check.
SECURE_REDIRECT_EXEMPT = [r"^static/"]
SESSION_COOKIE_SECURE = _env_flag("SESSION_COOKIE_SECURE")
CSRF_COOKIE_SECURE = _env_flag("CSRF_COOKIE_SECURE")
# `X-Forwarded-Proto`: the header the proxy sets to `https` (only trust a proxy that
# always sets or strips it).
if _proto_header := os.environ.get("SECURE_PROXY_SSL_HEADER", "").strip():
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proto_header.upper().replace("-", "_"), "https")

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = HOME / "static"

LOGIN_URL = "/signin"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "services.core.api.auth.AccessKeyAuthentication",
        "services.core.api.auth.ConsoleSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["services.core.api.auth.IsSandboxPrincipal"],
    "DEFAULT_PAGINATION_CLASS": "services.core.api.pagination.ResourcePagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "services.core.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Stratolab REST API",
    "DESCRIPTION": (
        "The JSON door to the simulated cloud. Every write calls the same operation as the "
        "console and the AWS door, so errors carry the AWS error code."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
}

# Celery: the broker is the same Redis; results are not kept (tasks act on rows).
CELERY_BROKER_URL = home.celery_broker_url()
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 4
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * 3600}
CELERY_TASK_ALWAYS_EAGER = os.environ.get("STRATOLAB_EAGER_TASKS", "") == "1"
CELERY_BEAT_SCHEDULE = {
    "lifecycle-sweep": {
        "task": "services.core.tasks.sweep_lifecycles",
        "schedule": float(os.environ.get("STRATOLAB_SWEEP_SECONDS", "5")),
    },
    # Object files left by a crash between writing a body and committing its row.
    "s3-orphan-sweep": {"task": "services.s3.tasks.sweep_orphans", "schedule": 3600.0},
    # Keys made ahead of CreateKeyPair (services/ec2/keypool.py); a no-op when full.
    "ec2-key-pool": {"task": "services.ec2.tasks.refill_key_pool", "schedule": 15.0},
    "sqs-retention": {"task": "services.sqs.tasks.expire_messages", "schedule": 60.0},
    # EventBridge's scheduled rules (rate/cron, time-scaled) that are due.
    "events-schedules": {"task": "services.events.tasks.fire_schedules", "schedule": 5.0},
}
# Keys of each type (RSA 2048, ED25519) the pool keeps ready: a class creating its key
# pairs at once takes them without generating RSA keys in the web process.
STRATOLAB_KEY_POOL_SIZE = int(os.environ.get("STRATOLAB_KEY_POOL_SIZE", "40"))

# Lifecycles: seconds each transitional state lasts before the worker moves it on, as
# AWS roughly takes. STRATOLAB_TIME_SCALE multiplies them all (0: at once, for tests).
STRATOLAB_TIME_SCALE = float(os.environ.get("STRATOLAB_TIME_SCALE", "1"))
STRATOLAB_LIFECYCLE_SECONDS: dict[str, float] = {
    "ec2.volume.creating": 4,
    "ec2.volume.deleting": 3,
    "ec2.attachment.attaching": 2,
    "ec2.attachment.detaching": 3,
    "ec2.snapshot.pending": 12,
    "ec2.image.pending": 20,
    "ec2.instance.pending": 10,
    "ec2.instance.stopping": 12,
    "ec2.instance.shutting-down": 10,
    "ec2.instance.terminated": 3600,  # terminated instances stay listed for an hour
    "ec2.instance.initializing": 60,  # status checks after a boot
}

# EC2 quotas of every account, as a new AWS account gets them; raised for load tests
# (bench/ec2_workload.py) that launch hundreds of instances.
STRATOLAB_EC2_VCPU_QUOTA = int(os.environ.get("STRATOLAB_EC2_VCPU_QUOTA", "32"))
STRATOLAB_EC2_RUNNING_INSTANCES = int(os.environ.get("STRATOLAB_EC2_RUNNING_INSTANCES", "20"))

STRATOLAB_DEFAULT_REGION = "us-east-1"
STRATOLAB_PUBLIC_URL = os.environ.get("STRATOLAB_PUBLIC_URL", "http://127.0.0.1:8000")
# Set behind a reverse proxy (docker-compose with nginx, say) so X-Forwarded-For names
# the real client; otherwise a client could claim any aws:SourceIp.
STRATOLAB_TRUST_X_FORWARDED_FOR = os.environ.get("STRATOLAB_TRUST_X_FORWARDED_FOR", "") == "1"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("STRATOLAB_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
