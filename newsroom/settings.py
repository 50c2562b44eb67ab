"""Newsroom settings: one module, configured from the environment.

Every value that differs between machines is an environment variable with a safe
local default, so `make run` works on a fresh clone and production only sets
variables (see README.md, "Configuration").
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django_prose_editor.config import html_tags
from js_asset import static_lazy

from newsroom.security import (
    DEVELOPMENT_SECRET_KEY,
    media_origin,
)
from newsroom.storage_url import storages_from_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# Off unless asked for: a deployment that forgets the variable must not run in
# debug mode (`make run` and the tests turn it on).
DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or DEVELOPMENT_SECRET_KEY
# Local hosts are a development default only: production names its hosts.
ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
# With DEBUG off, the web server refuses to start without a real key and named
# hosts (`newsroom/wsgi.py`); `check --deploy` reports the same.
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "articles.admin_site.NewsroomAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "taggit",
    "reversion",
    "reversion_compare",
    "django_prose_editor",
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    "ninja",
    "articles",
    # The demo content and synthetic archive (load_demo, seed_archive).
    "demo",
    # Security (see SECURITY.md): CSP header, login lock-outs, two-factor.
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "articles.security",
]

MIDDLEWARE = [
    "newsroom.head.HeadAsGetMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "newsroom.routers.ReplicaMiddleware",
    # Security: sets Content-Security-Policy on every response, cached ones too.
    "articles.security.csp.CSPMiddleware",
    # Speed: static files and photo renditions, then readers' pages from the page
    # cache. Keep these right after SecurityMiddleware and CSP: a page served from
    # the cache skips the middleware below (their headers are stored with it).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "articles.photos.serving.RenditionFilesMiddleware",
    "articles.cache.middleware.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Security: second factor, right after the user is known.
    "django_otp.middleware.OTPMiddleware",
    "articles.security.twofactor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "articles.site.redirects.OldAddressMiddleware",
    # Security: turns a lock-out into its page; stays last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            # Speed: templates are compiled once per process (in development the
            # autoreloader empties this cache when a template changes).
            "loaders": [
                (
                    "django.template.loaders.cached.Loader",
                    [
                        "django.template.loaders.filesystem.Loader",
                        "django.template.loaders.app_directories.Loader",
                    ],
                )
            ],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.site.context_processors.site",
            ],
        },
    },
]

# Speed: connections are kept between requests (DJANGO_CONN_MAX_AGE seconds) and
# checked before reuse, so a restarted database costs one retry, not an error.
DATABASES = {
    "default": {
        **dj_database_url.parse(
            os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
        ),
        "CONN_MAX_AGE": int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        "CONN_HEALTH_CHECKS": True,
    }
}

# Read replicas (PostgreSQL streaming replicas): public page reads go to them,
# see newsroom/routers.py. A comma-separated list of database URLs.
for _number, _url in enumerate(env_list("DATABASE_REPLICA_URL", []), start=1):
    DATABASES[f"replica_{_number}"] = {
        **dj_database_url.parse(_url),
        "CONN_MAX_AGE": int(os.environ.get("DJANGO_CONN_MAX_AGE", "0")),
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"MIRROR": "default"},
    }
if len(DATABASES) > 1:
    DATABASE_ROUTERS = ["newsroom.routers.ReplicaRouter"]

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers queue for the lock instead of failing when two requests (or two
    # scheduler runs) write at once; the test database is a file for the same reason.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "test-db.sqlite3")}

# Speed: caches. "default" serves small lookups; "pages" holds readers' pages and
# the site-wide content generation, and must be shared by every process (all
# gunicorn workers, the scheduler, imports): Redis when REDIS_URL is set, else a
# folder on this machine. A Redis fault never fails a request: "default" ignores
# it (and logs it), the page cache logs it and serves pages uncached.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHE_PREFIX = os.environ.get("DJANGO_CACHE_PREFIX", "newsroom")
if REDIS_URL:
    _redis_options = {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5}
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_PREFIX,
            "OPTIONS": {**_redis_options, "IGNORE_EXCEPTIONS": True},
        },
        "pages": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"{CACHE_PREFIX}-pages",
            "OPTIONS": _redis_options,
        },
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pages": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get(
                "NEWSROOM_PAGE_CACHE_DIR", str(BASE_DIR / "page-cache")
            ),
            "OPTIONS": {"MAX_ENTRIES": 20000},
        },
    }

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "admin:login"

# Mail (set-password links for new staff): printed to the console unless an SMTP
# host is configured.
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "newsroom@localhost")
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))

# Media: photos and their renditions. On the local disk by default; with
# DJANGO_STORAGE_URL (s3://KEY:SECRET@BUCKET?endpoint_url=…&custom_domain=…) in
# S3-compatible object storage through django-storages, and nothing on the disk.
MEDIA_URL = os.environ.get("DJANGO_MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
# Photos as uploaded, kept apart from MEDIA_ROOT so that no public address serves
# them: readers only ever get renditions (MEDIA_ROOT/renditions/).
NEWSROOM_PHOTO_ORIGINALS_ROOT = Path(
    os.environ.get("NEWSROOM_PHOTO_ORIGINALS_ROOT", BASE_DIR / "photo-originals")
)
STORAGES = storages_from_url(os.environ.get("DJANGO_STORAGE_URL", ""))
# Speed: in production (DEBUG off) static files are served by WhiteNoise with
# hashed names (cached for ever) and gzip/Brotli copies; `collectstatic` makes them.
if not DEBUG:
    STORAGES["staticfiles"] = {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    }

# Background work (renditions, index refreshes, the scheduled sweep, cache
# warming) runs on django-tasks: in the database by default (`manage.py
# db_worker`), on Redis through RQ with NEWSROOM_TASK_BACKEND=redis (`manage.py
# rqworker`), or at once in the caller with `immediate`.
NEWSROOM_TASK_BACKEND = os.environ.get("NEWSROOM_TASK_BACKEND", "database")
TASK_BACKENDS = {
    "database": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    "redis": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]},
    "immediate": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
}
TASKS = {"default": TASK_BACKENDS[NEWSROOM_TASK_BACKEND]}
RQ_QUEUES = {
    "default": {
        "URL": os.environ.get("NEWSROOM_TASK_REDIS_URL", "")
        or REDIS_URL
        or "redis://127.0.0.1:6379/0",
        "DEFAULT_TIMEOUT": 600,
    }
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Tag names keep the case an editor typed ("Hunan province"), but "ai" typed later
# finds the existing "AI" instead of creating a near-duplicate.
TAGGIT_CASE_INSENSITIVE = True

# The article body editor's own extensions: the page's body styles and photos from
# the library. What is stored is decided by articles/sanitize.py, not by this list.
DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {
        "js": [static_lazy("articles/admin/photo-embed.js")],
        "extensions": {
            "ArticleBody": html_tags([]),
            "PhotoEmbed": html_tags(
                ["figure"], {"figure": ["data-photo", "data-caption", "data-alt"]}
            ),
        },
    }
]

NEWSROOM_SITE_NAME = os.environ.get("NEWSROOM_SITE_NAME", "Newsroom")
# The language of the search index: a PostgreSQL text search configuration
# (english, simple, german, …); on SQLite, english stems words, others do not.
NEWSROOM_SEARCH_LANGUAGE = os.environ.get("NEWSROOM_SEARCH_LANGUAGE", "english")
# The public site's address, for links in webhook events (sent outside a request).
NEWSROOM_SITE_URL = os.environ.get("NEWSROOM_SITE_URL", "http://127.0.0.1:8000")
# Webhooks are sent by a thread once the event commits; off, they are sent in the
# committing process before it goes on (retries always come from cron).
NEWSROOM_WEBHOOKS_IN_BACKGROUND = env_bool("NEWSROOM_WEBHOOKS_IN_BACKGROUND", True)
# Webhooks reach public addresses only; these hosts (names or addresses, as
# written in the webhook's URL) are receivers on the site's own network that
# they may reach as well.
NEWSROOM_WEBHOOK_ALLOWED_HOSTS = env_list("NEWSROOM_WEBHOOK_ALLOWED_HOSTS", [])
NEWSROOM_PAGE_SIZE = int(os.environ.get("NEWSROOM_PAGE_SIZE", "20"))
NEWSROOM_RELATED_COUNT = int(os.environ.get("NEWSROOM_RELATED_COUNT", "5"))
# Photos whose licence ends within this many days are flagged to editors.
NEWSROOM_LICENCE_WARNING_DAYS = int(
    os.environ.get("NEWSROOM_LICENCE_WARNING_DAYS", "14")
)
# Unsaved work (autosaved working copies) and the versions editors opened are
# kept this many days, then cleared by the scheduled sweep.
NEWSROOM_WORKING_COPY_MAX_AGE_DAYS = int(
    os.environ.get("NEWSROOM_WORKING_COPY_MAX_AGE_DAYS", "30")
)
# How long a shared preview link works, in seconds (default three days).
NEWSROOM_PREVIEW_LINK_MAX_AGE = int(
    os.environ.get("NEWSROOM_PREVIEW_LINK_MAX_AGE", str(3 * 24 * 3600))
)

# Photo uploads (see README.md, "Photos"): larger files or pictures are refused.
NEWSROOM_MAX_UPLOAD_BYTES = int(
    os.environ.get("NEWSROOM_MAX_UPLOAD_BYTES", str(40 * 1024 * 1024))
)
NEWSROOM_MAX_IMAGE_PIXELS = int(
    os.environ.get("NEWSROOM_MAX_IMAGE_PIXELS", str(64_000_000))
)
NEWSROOM_MAX_UPLOAD_FILES = int(os.environ.get("NEWSROOM_MAX_UPLOAD_FILES", "200"))
# `import_wordpress` (see README.md, "Moving from WordPress"): a larger export
# is refused before it is read; a post whose text (body and excerpt) is larger is
# refused with a message. Each attachment is held to NEWSROOM_MAX_UPLOAD_BYTES.
NEWSROOM_WORDPRESS_MAX_EXPORT_BYTES = int(
    os.environ.get("NEWSROOM_WORDPRESS_MAX_EXPORT_BYTES", str(500 * 1000 * 1000))
)
NEWSROOM_WORDPRESS_MAX_POST_BYTES = int(
    os.environ.get("NEWSROOM_WORDPRESS_MAX_POST_BYTES", str(1000 * 1000))
)
DATA_UPLOAD_MAX_NUMBER_FILES = NEWSROOM_MAX_UPLOAD_FILES + 1

# Speed: the page cache for readers (see README.md, "Speed"). On unless DEBUG (so
# template edits show at once in development); NEWSROOM_PAGE_CACHE=0 or 1 decides.
# Off, pages still carry ETags and Cache-Control.
NEWSROOM_PAGE_CACHE = env_bool("NEWSROOM_PAGE_CACHE", not DEBUG)
# A cached page is dropped after this long even if nothing changed.
NEWSROOM_PAGE_CACHE_SECONDS = int(os.environ.get("NEWSROOM_PAGE_CACHE_SECONDS", "600"))
# What pages read that is the same for many of them (the navigation, the home
# page's lists, related stories) is kept for the current content generation in the
# same shared cache (articles/cache/fragments.py), page cache on or off.
NEWSROOM_FRAGMENT_CACHE = env_bool("NEWSROOM_FRAGMENT_CACHE", not DEBUG)
# With the page cache on Redis, each process keeps copies of up to this many
# entries it read, used until the next change of content is announced
# (articles/cache/copies.py); 0 reads Redis on every request.
NEWSROOM_PAGE_CACHE_COPIES = int(os.environ.get("NEWSROOM_PAGE_CACHE_COPIES", "500"))
# What browsers and a CDN are told: fresh for max-age, then served stale while
# they revalidate for stale-while-revalidate seconds.
NEWSROOM_PAGE_MAX_AGE = int(os.environ.get("NEWSROOM_PAGE_MAX_AGE", "10"))
NEWSROOM_PAGE_STALE_WHILE_REVALIDATE = int(
    os.environ.get("NEWSROOM_PAGE_STALE_WHILE_REVALIDATE", "60")
)

# The edge (README.md, "The edge cache"): every public response names what it
# shows in this header (`Cache-Tag` for Cloudflare), and each change purges
# exactly those keys through NEWSROOM_PURGER: varnish, fastly, cloudflare or none.
NEWSROOM_SURROGATE_KEY_HEADER = os.environ.get(
    "NEWSROOM_SURROGATE_KEY_HEADER", "Surrogate-Key"
)
NEWSROOM_PURGER = os.environ.get("NEWSROOM_PURGER", "none")
if NEWSROOM_PURGER not in ("none", "varnish", "fastly", "cloudflare"):
    raise ImproperlyConfigured(
        f"NEWSROOM_PURGER must be none, varnish, fastly or cloudflare, "
        f"not {NEWSROOM_PURGER!r}"
    )
# How long the edge keeps a page (Surrogate-Control) when a purger is set.
NEWSROOM_EDGE_MAX_AGE = int(os.environ.get("NEWSROOM_EDGE_MAX_AGE", "86400"))
# Soft purges mark pages stale (served while refetched) rather than drop them.
NEWSROOM_PURGE_SOFT = env_bool("NEWSROOM_PURGE_SOFT", True)
NEWSROOM_VARNISH_URLS = [
    url.strip().rstrip("/")
    for url in os.environ.get("NEWSROOM_VARNISH_URLS", "").split(",")
    if url.strip()
]
NEWSROOM_FASTLY_SERVICE_ID = os.environ.get("NEWSROOM_FASTLY_SERVICE_ID", "")
NEWSROOM_FASTLY_API_TOKEN = os.environ.get("NEWSROOM_FASTLY_API_TOKEN", "")
NEWSROOM_FASTLY_API_URL = os.environ.get(
    "NEWSROOM_FASTLY_API_URL", "https://api.fastly.com"
).rstrip("/")
NEWSROOM_CLOUDFLARE_ZONE_ID = os.environ.get("NEWSROOM_CLOUDFLARE_ZONE_ID", "")
NEWSROOM_CLOUDFLARE_API_TOKEN = os.environ.get("NEWSROOM_CLOUDFLARE_API_TOKEN", "")
NEWSROOM_CLOUDFLARE_API_URL = os.environ.get(
    "NEWSROOM_CLOUDFLARE_API_URL", "https://api.cloudflare.com"
).rstrip("/")

# --- Security (see SECURITY.md) ------------------------------------------------
# Headers. No inline script and no eval anywhere: public pages run no script, and
# the admin's only inline element, the rich-text editor's import map, is allowed by
# its hash (articles/security/csp.py). Uploads may come from another origin.
MEDIA_ORIGIN = media_origin(MEDIA_URL)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, *MEDIA_ORIGIN],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        **({} if DEBUG else {"upgrade-insecure-requests": True}),
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

# Sessions: one row per login, carrying its user, so that "log out everywhere" can
# end them all; a session ends after NEWSROOM_SESSION_IDLE_SECONDS without a request.
SESSION_ENGINE = "articles.security.sessions"
SESSION_COOKIE_AGE = int(os.environ.get("NEWSROOM_SESSION_IDLE_SECONDS", "3600"))
SESSION_SAVE_EVERY_REQUEST = True

# Login lock-outs (django-axes): a username, or an address, is locked for
# NEWSROOM_LOGIN_LOCKOUT_MINUTES after NEWSROOM_LOGIN_FAILURE_LIMIT failures at the
# admin login, the password-reset form or the set-password form.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("NEWSROOM_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(
    minutes=int(os.environ.get("NEWSROOM_LOGIN_LOCKOUT_MINUTES", "15"))
)
AXES_LOCKOUT_PARAMETERS = "articles.security.lockout.lockout_parameters"
AXES_LOCKOUT_CALLABLE = "articles.security.lockout.lockout_page"
AXES_CLIENT_IP_CALLABLE = "articles.security.lockout.client_ip"
# Kept out of the failure records shown in the admin (passwords always are).
AXES_SENSITIVE_PARAMETERS = [
    "code",
    "new_password1",
    "new_password2",
    "csrfmiddlewaretoken",
]
# Proxies in front of the app that append to X-Forwarded-For (0: none, trust
# REMOTE_ADDR); the client is the address that many hops from the right.
NEWSROOM_TRUSTED_PROXY_COUNT = int(os.environ.get("NEWSROOM_TRUSTED_PROXY_COUNT", "0"))

# Two-factor sign-in (django-otp, TOTP apps and recovery codes).
OTP_TOTP_ISSUER = NEWSROOM_SITE_NAME
# The admin never shows anyone's two-factor secret (or its QR code) to another
# person; each sets up their own under Account security.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
NEWSROOM_RECOVERY_CODE_COUNT = 10

# Load balancers check health over plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
