"""Django settings for Xinyong; every deployment choice is an ``XINYONG_*`` variable."""

from __future__ import annotations

from pathlib import Path

import dj_database_url

from xinyong import config

BASE_DIR = Path(__file__).resolve().parent
DEBUG = config.env_bool("XINYONG_DEBUG", default=False)
SECRET_KEY = config.secret_key()
PII_KEY = config.pii_key(SECRET_KEY)
DATA_DIR = config.data_dir()
ALLOWED_HOSTS = (config.env("XINYONG_ALLOWED_HOSTS") or "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [
    o for o in (config.env("XINYONG_CSRF_TRUSTED_ORIGINS") or "").split(",") if o
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # With ninja installed as an app its API docs use its bundled Swagger UI, not a CDN.
    "ninja",
    "xinyong.catalog",
    "xinyong.departments",
    "xinyong.subjects",
    "xinyong.lists",
    "xinyong.workdays",
    "xinyong.records",
    "xinyong.ingest",
    "xinyong.jrp",
    "xinyong.objections",
    "xinyong.repair",
    "xinyong.commitments",
    "xinyong.integrity",
    "xinyong.recruit",
    "xinyong.arrears",
    "xinyong.complaints",
    "xinyong.pledges",
    "xinyong.feeds",
    "xinyong.audit",
    "xinyong.portal",
    "xinyong.api",
    "xinyong.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "xinyong.keys.KeysBeyondRange",
]

ROOT_URLCONF = "xinyong.urls"
WSGI_APPLICATION = "xinyong.wsgi.application"

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
                "xinyong.portal.context.site",
                "xinyong.jrp.context.inbox",
            ],
        },
    },
]

DATABASES = {"default": dj_database_url.parse(config.database_url(), conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the portal read while an import writes; a busy timeout instead of instant errors.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    # Connections persist per server thread as on PostgreSQL: opening one (with its PRAGMAs)
    # cost several times a whole API call.
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "departments.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "uploads"

LOGIN_URL = "/admin/login/"
SITE_NAME = config.env("XINYONG_SITE_NAME") or "信用示范县"
REGION_NAME = config.env("XINYONG_REGION_NAME") or "示范县"

# Uploads: refuse anything larger before it is parsed (R-SEC-4).
XINYONG_MAX_UPLOAD_BYTES = int(config.env("XINYONG_MAX_UPLOAD_MB") or "200") * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Web uploads run in a background thread so the page can show progress; tests run inline.
XINYONG_INGEST_INLINE = config.env_bool("XINYONG_INGEST_INLINE", default=False)

SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": config.env("XINYONG_LOG_LEVEL") or "WARNING"},
}
