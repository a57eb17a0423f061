"""One settings module for every environment, switched by environment variables.

With nothing set, Kisha runs the embedded default: SQLite in WAL mode, a cache on local disk
that every worker shares and database-backed counters, so `make demo` needs no server. Production sets DATABASE_URL, REDIS_URL,
SECRET_KEY and friends; nothing else differs (see docs/operations.md for the full table).
"""

import importlib.util
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp import constants as csp_constants

from django.conf import global_settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent


def config(name: str, default: str | None = None, *, required: bool = False) -> str:
    """Read one setting from the environment, once, at import time."""
    value = os.environ.get(name)
    if value is None or value == "":
        if required:
            raise ImproperlyConfigured(f"The environment variable {name} must be set.")
        return default or ""
    return value


TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off"}


def config_bool(name: str, default: bool = False) -> bool:
    value = config(name).strip().lower()
    if not value:
        return default
    if value not in TRUE | FALSE:
        raise ImproperlyConfigured(
            f"The environment variable {name} must be one of 1/0, true/false, yes/no or "
            f"on/off; it is {value!r}."
        )
    return value in TRUE


def config_int(name: str, default: int, *, minimum: int = 0) -> int:
    """A whole number from the environment; a typo stops the start with a sentence saying so,
    never a traceback from int()."""
    value = config(name).strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"The environment variable {name} must be a whole number; it is {value!r}."
        ) from None
    if number < minimum:
        raise ImproperlyConfigured(f"The environment variable {name} must be at least {minimum}.")
    return number


def config_float(name: str, default: float, *, unit: str = "seconds") -> float:
    value = config(name).strip()
    if not value:
        return default
    try:
        number = float(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"The environment variable {name} must be a number of {unit}; it is {value!r}."
        ) from None
    if not number >= 0:  # also refuses nan
        raise ImproperlyConfigured(f"The environment variable {name} must not be negative.")
    return number


def config_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in config(name, default).split(",") if item.strip()]


DEBUG = config_bool("DEBUG", False)


def _local_secret_key() -> str:
    """Without SECRET_KEY, keep a random key in var/ so a single machine's sessions survive
    restarts. Several application servers must share one key: set SECRET_KEY for them."""
    path = BASE_DIR / "var" / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = get_random_secret_key()
        path.write_text(key)
        path.chmod(0o600)
        return key


SECRET_KEY = config("SECRET_KEY") or _local_secret_key()

ALLOWED_HOSTS = config_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = config_list("CSRF_TRUSTED_ORIGINS")
KISHA_SITE_URL = config("KISHA_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
KISHA_SITE_NAME = config("KISHA_SITE_NAME", "週刊キシャ")

INSTALLED_APPS = [
    "kisha.accounts",
    "kisha.core",
    "kisha.news",
    "kisha.rankings",
    "kisha.wire",
    "kisha.search",
    "kisha.magazine",
    "kisha.recommend",
    "kisha.demo",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "health_check",  # its HTML report template (/-/health/)
    "django_prometheus",
    "axes",
    "csp",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",  # first: times every request
    # Outside the CSP and session middleware: it drops their Vary: Cookie for anonymous pages
    # and answers a revalidation with a 304 that carries no CSP nonce (core/middleware.py).
    "kisha.core.middleware.PublicCacheMiddleware",
    # Just inside it: marks pages assembled by Varnish from ESI includes (core/slots.py).
    "kisha.core.middleware.SurrogateControlMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "kisha.core.middleware.KishaCSPMiddleware",
    # Before everything else but the headers: an over-long URL costs nothing more and gets a
    # Japanese 414 page with the security headers and the CSP.
    "kisha.core.middleware.RequestLimitsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "kisha.core.sites.SiteMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Inside the redirects: a withdrawn article's 404 becomes its 410 notice (kisha/news).
    "kisha.news.middleware.KillNoticeMiddleware",
    # Next to last: it sees the view's response, and a lockout page made by axes.
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    # Last, as django-axes asks: it turns a lockout raised during authenticate() into the page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kisha.urls"
WSGI_APPLICATION = "kisha.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "kisha" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kisha.core.context_processors.site_chrome",
            ],
        },
    },
]


def _sqlite_test_path() -> str:
    folder = BASE_DIR / "var"
    folder.mkdir(exist_ok=True)
    return str(folder / f"test-{os.getpid()}.sqlite3")


# --- Database -------------------------------------------------------------------------------
# SQLite (WAL, immediate transactions so writers queue instead of failing) unless DATABASE_URL.
DATABASE_URL = config("DATABASE_URL")
if DATABASE_URL:
    if not DATABASE_URL.startswith(("postgres://", "postgresql://")):
        raise ImproperlyConfigured(
            "DATABASE_URL must be a PostgreSQL URL such as postgres://user@host:5432/name "
            "(unset it to use SQLite)."
        )
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=config_int("DB_CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": config("SQLITE_PATH", str(BASE_DIR / "var" / "kisha.sqlite3")),
            "OPTIONS": {
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA busy_timeout=5000;"
                    "PRAGMA mmap_size=134217728;"
                    "PRAGMA cache_size=-20000;"
                ),
                "transaction_mode": "IMMEDIATE",
            },
            # The test database is a file, not memory, so the tests can start real gunicorn
            # workers, task workers and schedulers against it.
            "TEST": {"NAME": config("SQLITE_TEST_PATH") or _sqlite_test_path()},
            # Kept open between requests too: a new connection runs the PRAGMAs above and
            # starts with an empty page cache (cache_size is per connection).
            "CONN_MAX_AGE": config_int("DB_CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": True,
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
# One cache that every process sees (DESIGN §4, rule 6), and whose failure is a miss, never an
# error. With REDIS_URL: django-redis with errors ignored behind a circuit breaker
# (kisha.core.cache). Without: diskcache on local disk, shared by every worker of the machine
# (a local-memory cache would give each worker its own answers).
REDIS_URL = config("REDIS_URL")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(
        "REDIS_URL must start with redis://, rediss:// or unix:// (unset it to run without Redis)."
    )
CACHE_KEY_PREFIX = config("CACHE_KEY_PREFIX", "kisha")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "kisha.core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "TIMEOUT": 300,
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": config_float("KISHA_CACHE_TIMEOUT", 0.25),
                "SOCKET_TIMEOUT": config_float("KISHA_CACHE_TIMEOUT", 0.25),
                "BREAKER_SECONDS": config_float("KISHA_CACHE_BREAKER_SECONDS", 2.0),
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "kisha.core.cache.SharedDiskCache",
            "LOCATION": config("KISHA_CACHE_DIR", str(BASE_DIR / "var" / "cache")),
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "TIMEOUT": 300,
            # Shards let workers write at once; a shard busy past DATABASE_TIMEOUT is a miss.
            "SHARDS": 8,
            "DATABASE_TIMEOUT": 0.05,
            "OPTIONS": {"size_limit": config_int("KISHA_CACHE_SIZE_MB", 512, minimum=1) * 2**20},
        }
    }

# Cache-tag purge times for Kisha's own page cache (kisha.core.pagecache): tiny, never evicted
# (an evicted purge time would make a purged page fresh again). In Redis they are keys without
# an expiry: run Redis with maxmemory-policy volatile-lru or noeviction (docs/operations.md).
if REDIS_URL:
    CACHES["tags"] = {**CACHES["default"], "TIMEOUT": None}
else:
    CACHES["tags"] = {
        **CACHES["default"],
        "LOCATION": str(Path(CACHES["default"]["LOCATION"]) / "tags"),
        "TIMEOUT": None,
        "OPTIONS": {"eviction_policy": "none"},
    }

# Wagtail writes every rendition it hands out to this cache, a write per image per page; the
# listings prefetch their renditions anyway, so the writes would only cost time (3 ms a page).
CACHES["renditions"] = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}

# --- Tasks ----------------------------------------------------------------------------------
# One task system (django-tasks, which Wagtail already uses). Production (DATABASE_URL set): the
# database queue, drained by `manage.py db_worker`. The embedded default and the tests run tasks
# in-process. `manage.py kisha_scheduler` enqueues the periodic jobs either way.
TASKS_BACKEND = config("KISHA_TASKS", "database" if DATABASE_URL else "immediate")
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if TASKS_BACKEND == "immediate"
            else "django_tasks_db.DatabaseBackend"
        ),
    }
}

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The servers the tests start (tests/processes.py) set KISHA_TEST_MD5_PASSWORDS: Django's MD5
# hasher instead of PBKDF2's million rounds, which cost a second per user made or login checked
# on a loaded 2-core CI machine (the test process itself overrides the hashers in
# tests/plugins/core.py). MD5 is no way to store a password, so the setting is refused unless the
# database is a test database: Django names PostgreSQL's test_<name>, and Kisha's SQLite test
# file is var/test-<pid>.sqlite3. A production process with it set does not start.
if config_bool("KISHA_TEST_MD5_PASSWORDS"):
    if not Path(str(DATABASES["default"]["NAME"])).name.startswith(("test_", "test-")):
        raise ImproperlyConfigured(
            "KISHA_TEST_MD5_PASSWORDS is only for the test suite's own servers, against a test "
            f"database (test_… or test-…); this one is {DATABASES['default']['NAME']!r}. "
            "Unset it: passwords must not be stored as MD5."
        )
    PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        *global_settings.PASSWORD_HASHERS,
    ]
LOGIN_URL = "/admin/login/"
# Axes first: it refuses a locked-out login before any password is checked, and needs the
# request (so tests log in with force_login, or with authenticate(request=...)).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Brute-force protection for every login form (/admin/login/, /django-admin/login/, /_util/login/).
# Failures are counted per account and, separately, per address, so neither many passwords
# against one account nor one password against many accounts gets far. The counts live in the
# database, which every worker shares; an administrator unlocks in /django-admin/axes/ or with
# `manage.py axes_reset_username <name>` (docs/security.md).
AXES_FAILURE_LIMIT = config_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=config_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_LOCKOUT_TEMPLATE = "429.html"
AXES_HTTP_RESPONSE_CODE = 429
# The address is REMOTE_ADDR, or the entry KISHA_RANKINGS_PROXY_COUNT trusted proxies back in
# X-Forwarded-For (the beacon's rule). Not AXES_IPWARE_*: ipware's proxy count expects the
# proxies' own addresses in the header and answers None for nginx's usual one-entry header, which
# would put every client in one lockout bucket.
AXES_CLIENT_IP_CALLABLE = "kisha.core.addresses.client_address"

# --- Language and time ------------------------------------------------------------------------
LANGUAGE_CODE = "ja"
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = [("ja", "日本語"), ("en", "English")]

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(config("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(config("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Serve media from the app in the embedded default; production puts a web server or S3 in front.
KISHA_SERVE_MEDIA = config_bool("KISHA_SERVE_MEDIA", not config("DATABASE_URL"))

# --- Wagtail --------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = KISHA_SITE_NAME
WAGTAILADMIN_BASE_URL = KISHA_SITE_URL
WAGTAILIMAGES_IMAGE_MODEL = "core.KishaImage"
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILDOCS_EXTENSIONS = ["pdf", "txt", "csv", "docx", "xlsx"]
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "kisha.search.backend"}}
WAGTAIL_DATE_FORMAT = "%Y-%m-%d"
# With seconds: editors schedule go-live and expiry to the second (docs/newsroom.md), typed in
# the admin's time zone (JST); the picker's time list stays in minutes.
WAGTAIL_DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"
WAGTAILEMBEDS_RESPONSIVE_HTML = True
# No avatars from gravatar.com: it would learn editors' e-mail hashes, and the admin's CSP
# would have to allow another origin.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Nor the dashboard's fetch of releases.wagtail.org from editors' browsers (connect-src 'self');
# upgrades are the operators' job (docs/operations.md).
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Documents only through Wagtail's view, which applies collection privacy; never by file URL.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# Width × height read from the file header before anything is decoded: a small PNG or a forged
# JPEG header can claim 121 million pixels and take gigabytes to decode.
KISHA_IMAGES_MAX_PIXELS = config_int("KISHA_IMAGES_MAX_PIXELS", 40_000_000, minimum=1)
WAGTAILIMAGES_MAX_IMAGE_PIXELS = KISHA_IMAGES_MAX_PIXELS
WAGTAILIMAGES_IMAGE_FORM_BASE = "kisha.core.forms.KishaImageForm"

# --- Security -------------------------------------------------------------------------------
# KISHA_HTTPS=1 says the site is served over HTTPS (directly or behind a proxy that sets
# X-Forwarded-Proto): secure cookies, HSTS and the redirect to HTTPS follow from it. The embedded
# default serves plain HTTP on 127.0.0.1, where secure cookies would make the admin unusable.
HTTPS = config_bool("KISHA_HTTPS", False)
SECURE_HSTS_SECONDS = config_int("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = config_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = config_bool("SECURE_HSTS_PRELOAD", False)
SECURE_SSL_REDIRECT = config_bool("SECURE_SSL_REDIRECT", HTTPS)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
# Wagtail's admin shows page previews in a same-origin iframe, so DENY would break the editor.
X_FRAME_OPTIONS = "SAMEORIGIN"
# HSTS preload (W021) is a months-long commitment for every subdomain, made by the operator with
# SECURE_HSTS_PRELOAD=1, not by a default.
SILENCED_SYSTEM_CHECKS = ["security.W019", "security.W021"]
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Longer paths plus query strings get a Japanese 414 (gunicorn's --limit-request-line, 4094 by
# default, answers its own plain 414 above that).
KISHA_MAX_URL_BYTES = config_int("KISHA_MAX_URL_BYTES", 2048, minimum=256)
# Japanese pages for a refused CSRF token (403) and for the other client errors (kisha/urls.py).
CSRF_FAILURE_VIEW = "kisha.core.views.csrf_failure"

# Content-Security-Policy (django-csp 4). Public pages: scripts and styles only from this site or
# with the request's nonce, so an injected <script> never runs. Embeds (YouTube, maps) are
# iframes, hence frame-src https:. The Wagtail admin gets its own looser policy
# (KISHA_CSP_ADMIN, chosen by path in kisha.core.middleware.KishaCSPMiddleware) because its
# templates and widgets still use inline scripts and styles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", csp_constants.NONCE],
        "style-src": ["'self'", csp_constants.NONCE],
        "img-src": ["'self'", "data:", "https:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'", "https:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    }
}
KISHA_CSP_ADMIN = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:", "https:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "frame-src": ["'self'", "https:"],
    "media-src": ["'self'", "blob:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'self'"],
}
# Drop folders must lie inside this folder (after symlinks): editors type the path, and without
# a root they could point a source at /etc or at Kisha's own var/.
KISHA_WIRE_DROP_ROOT = Path(config("KISHA_WIRE_DROP_ROOT", str(BASE_DIR / "var" / "wire-drop")))
# The wire app's limits and lifetimes (defaults and meaning: kisha/wire/conf.py, docs/wire.md).
KISHA_WIRE_MAX_BYTES = config_int("KISHA_WIRE_MAX_BYTES", 10_000_000, minimum=1)
KISHA_WIRE_FETCH_TIMEOUT = config_float("KISHA_WIRE_FETCH_TIMEOUT", 15.0)
KISHA_WIRE_ALLOW_PRIVATE_FETCH = config_bool("KISHA_WIRE_ALLOW_PRIVATE_FETCH", False)
KISHA_WIRE_LOG_DAYS = config_int("KISHA_WIRE_LOG_DAYS", 30, minimum=1)
KISHA_WIRE_ITEM_DAYS = config_int("KISHA_WIRE_ITEM_DAYS", 0, minimum=0)
KISHA_WIRE_DESK_SEARCH_WINDOW = config_int("KISHA_WIRE_DESK_SEARCH_WINDOW", 50_000, minimum=1)
KISHA_WIRE_BANNER_HOURS = config_float("KISHA_WIRE_BANNER_HOURS", 3.0, unit="hours")
KISHA_WIRE_TICKER_SECONDS = config_int("KISHA_WIRE_TICKER_SECONDS", 30, minimum=1)
KISHA_WIRE_DOWNLOAD_PICTURES = config_bool("KISHA_WIRE_DOWNLOAD_PICTURES", True)
KISHA_WIRE_PICTURE_MAX_BYTES = config_int("KISHA_WIRE_PICTURE_MAX_BYTES", 20_000_000, minimum=1)
KISHA_WIRE_PICTURE_BATCH = config_int("KISHA_WIRE_PICTURE_BATCH", 50, minimum=1)
KISHA_WIRE_PICTURE_ATTEMPTS = config_int("KISHA_WIRE_PICTURE_ATTEMPTS", 5, minimum=1)
KISHA_WIRE_PICTURE_BACKOFF_SECONDS = config_int("KISHA_WIRE_PICTURE_BACKOFF_SECONDS", 60, minimum=1)

# --- Health and metrics -----------------------------------------------------------------------
# /-/health/ and /-/metrics answer only these peer addresses (REMOTE_ADDR, never
# X-Forwarded-For) or `Authorization: Bearer <KISHA_OPS_TOKEN>`; anyone else gets a 404.
# Thresholds of the health checks: kisha/core/conf.py. Multiprocess metrics need the
# environment variable PROMETHEUS_MULTIPROC_DIR, read by prometheus_client itself.
KISHA_OPS_ALLOWED_IPS = config_list("KISHA_OPS_ALLOWED_IPS", "127.0.0.1,::1")
KISHA_OPS_TOKEN = config("KISHA_OPS_TOKEN")
KISHA_HEALTH_TASK_MAX_AGE = config_int("KISHA_HEALTH_TASK_MAX_AGE", 120)
KISHA_HEALTH_SCHEDULER_MAX_AGE = config_int("KISHA_HEALTH_SCHEDULER_MAX_AGE", 180)
KISHA_HEALTH_DISK_MAX_USED_PERCENT = config_float("KISHA_HEALTH_DISK_MAX_USED_PERCENT", 90.0)
# --- end Health and metrics -------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": config("LOG_LEVEL", "INFO")},
    # django_tasks logs every task run at INFO; the periodic jobs would fill the log.
    "loggers": {"django.request": {"level": "ERROR"}, "django_tasks": {"level": "WARNING"}},
}

# --- Kisha ----------------------------------------------------------------------------------
# Seconds an anonymous page may be cached by a shared cache (CDN, Varnish) when nothing purges
# it; browsers always revalidate (kisha.core.middleware.PublicCacheMiddleware).
KISHA_PAGE_CACHE_SECONDS = config_int("KISHA_PAGE_CACHE_SECONDS", 60)
# With a purging front (below), shared caches keep Wagtail pages this long: every change purges
# exactly the URLs that show it (kisha.news.services.urls_showing).
KISHA_SHARED_CACHE_SECONDS = config_int("KISHA_SHARED_CACHE_SECONDS", 3600)


def _frontend_cache() -> dict[str, dict]:
    """Wagtail's WAGTAILFRONTENDCACHE from the environment: one HTTP PURGE back end per URL in
    KISHA_FRONTEND_CACHE (a cache purged by URL), one tag-purging back end per URL in
    KISHA_VARNISH (Varnish with the shipped VCL), Cloudflare with a zone id and token, CloudFront with
    a distribution id (boto3 must then be installed)."""
    backends: dict[str, dict] = {}
    # Fronts purged by URL, and Varnish with the shipped VCL (deploy/varnish/kisha.vcl), purged
    # by cache tag (xkey).
    for variable, name, backend in (
        ("KISHA_FRONTEND_CACHE", "http", "TimeoutHTTPBackend"),
        ("KISHA_VARNISH", "varnish", "XkeyHTTPBackend"),
    ):
        for number, location in enumerate(config_list(variable), start=1):
            if not location.startswith(("http://", "https://")):
                raise ImproperlyConfigured(
                    f"The environment variable {variable} must list http:// or https:// URLs "
                    f"separated by commas; {location!r} is not one."
                )
            backends[f"{name}{number}"] = {
                "BACKEND": f"kisha.core.frontend_cache.{backend}",
                "LOCATION": location,
                "TIMEOUT": config_float("KISHA_FRONTEND_CACHE_TIMEOUT", 5.0),
            }
    zone, token = config("KISHA_CLOUDFLARE_ZONE_ID"), config("KISHA_CLOUDFLARE_TOKEN")
    if bool(zone) != bool(token):
        raise ImproperlyConfigured(
            "The environment variables KISHA_CLOUDFLARE_ZONE_ID and KISHA_CLOUDFLARE_TOKEN must "
            "be set together."
        )
    if zone:
        backends["cloudflare"] = {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
            "ZONEID": zone,
            "BEARER_TOKEN": token,
        }
    distribution = config("KISHA_CLOUDFRONT_DISTRIBUTION_ID")
    if distribution:
        if importlib.util.find_spec("boto3") is None:
            raise ImproperlyConfigured(
                "The environment variable KISHA_CLOUDFRONT_DISTRIBUTION_ID needs boto3, which is "
                "not installed: pip install boto3 (credentials come from the usual AWS_* "
                "variables)."
            )
        backends["cloudfront"] = {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudfrontBackend",
            "DISTRIBUTION_ID": distribution,
        }
    return backends


WAGTAILFRONTENDCACHE = _frontend_cache()
# Kisha's own anonymous page cache (kisha.core.pagecache): "auto" turns it on when no front-end
# cache is configured (the embedded default), "on" and "off" say so.
_page_cache = config("KISHA_PAGE_CACHE", "auto").lower()
if _page_cache not in ("auto", "on", "off"):
    raise ImproperlyConfigured(
        f"The environment variable KISHA_PAGE_CACHE must be auto, on or off, not {_page_cache!r}."
    )
KISHA_PAGE_CACHE = _page_cache == "on" or (_page_cache == "auto" and not WAGTAILFRONTENDCACHE)
# After its lifetime or a soft purge, a cached page is still served for this many seconds to
# the readers who arrive while one request renders its new copy.
KISHA_PAGE_CACHE_GRACE = config_int("KISHA_PAGE_CACHE_GRACE", 3600, minimum=0)
# How far apart the clocks of the application servers may be (NTP keeps them within a few
# milliseconds): a copy rendered less than this after a purge of its tags is treated as
# rendered before it, and rendered again.
KISHA_PAGE_CACHE_CLOCK_SKEW = config_float("KISHA_PAGE_CACHE_CLOCK_SKEW", 0.02)
# A failed purge is tried again this many times, waiting KISHA_PURGE_RETRY_SECONDS, then twice
# that, and so on; a publish never waits for any of it.
KISHA_PURGE_RETRIES = config_int("KISHA_PURGE_RETRIES", 3)
KISHA_PURGE_RETRY_SECONDS = config_float("KISHA_PURGE_RETRY_SECONDS", 30.0)
# A listing's ?page=N pages are purged up to the page an article sits on plus one, at most this
# many: an edit to an old article should not purge a hundred archive pages.
KISHA_PURGE_LISTING_PAGES = config_int("KISHA_PURGE_LISTING_PAGES", 5, minimum=1)
KISHA_LISTING_PAGE_SIZE = 20
# Trusted proxies in front of the app (nginx, a CDN): the beacon's per-address rate limit reads
# the reader's address that many hops back in X-Forwarded-For.
KISHA_RANKINGS_PROXY_COUNT = config_int("KISHA_RANKINGS_PROXY_COUNT", 0)
# Seconds a view counter's Redis call may take before the beacon counts in this process's
# buffer instead (written to the database every few seconds).
KISHA_RANKINGS_REDIS_TIMEOUT = config_float("KISHA_RANKINGS_REDIS_TIMEOUT", 0.1)
# Extra or overridden periodic jobs for `manage.py kisha_scheduler` (dotted task path ->
# interval in seconds, 0 to turn one off). Apps declare their own on their AppConfig.
# From the environment as "dotted.path=seconds,dotted.path=seconds".
KISHA_PERIODIC_TASKS: dict[str, int] = {}
for _item in config_list("KISHA_PERIODIC_TASKS"):
    _path, _, _seconds = _item.partition("=")
    try:
        KISHA_PERIODIC_TASKS[_path.strip()] = int(_seconds)
    except ValueError as _exc:
        raise ImproperlyConfigured(
            f"KISHA_PERIODIC_TASKS: {_item!r} is not 'dotted.task.path=seconds'"
        ) from _exc

# Scheduled publishing (kisha.core.scheduling): on PostgreSQL the scheduler sleeps until the next
# go-live or expiry and is woken by NOTIFY when one is set, looking again at least every
# RECHECK seconds; on SQLite, or while its listening connection is down (retried every RETRY
# seconds), it looks every POLL seconds.
KISHA_SCHEDULER_POLL_SECONDS = config_float("KISHA_SCHEDULER_POLL_SECONDS", 1.0)
KISHA_SCHEDULER_RECHECK_SECONDS = config_float("KISHA_SCHEDULER_RECHECK_SECONDS", 30.0)
KISHA_SCHEDULER_RETRY_SECONDS = config_float("KISHA_SCHEDULER_RETRY_SECONDS", 10.0)

# 配信 (kisha.seo, docs/distribution.md): feeds, structured data, social cards, robots.txt.
# Its other settings have defaults in kisha/seo/conf.py.
INSTALLED_APPS = [*INSTALLED_APPS, "kisha.seo"]

# メールマガジン (kisha.newsletter, docs/newsletter.md). Mail goes through Django's mail backend:
# SMTP to EMAIL_HOST (a relay) in production. Without EMAIL_HOST the embedded default writes
# mails to the console, so `make demo` never tries to reach a mail server.
INSTALLED_APPS = [*INSTALLED_APPS, "kisha.newsletter"]
EMAIL_HOST = config("EMAIL_HOST")
EMAIL_BACKEND = config(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = EMAIL_HOST or "localhost"
EMAIL_PORT = config_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = config("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = config("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = config_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = config_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on.")
# Seconds one SMTP command may take; a sender gives up its rows long before their lease ends.
EMAIL_TIMEOUT = config_float("EMAIL_TIMEOUT", 30.0)
DEFAULT_FROM_EMAIL = config("DEFAULT_FROM_EMAIL", "webmaster@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Mails per second one sending run hands to the relay (0: as fast as it takes them), rows
# claimed per round trip, and the lease after which a dead sender's rows are taken back.
KISHA_NEWSLETTER_RATE = config_float("KISHA_NEWSLETTER_RATE", 0.0)
KISHA_NEWSLETTER_BATCH = config_int("KISHA_NEWSLETTER_BATCH", 100, minimum=1)
KISHA_NEWSLETTER_CONNECTIONS = config_int("KISHA_NEWSLETTER_CONNECTIONS", 1, minimum=1)
KISHA_NEWSLETTER_LEASE_SECONDS = config_int("KISHA_NEWSLETTER_LEASE_SECONDS", 300, minimum=1)
KISHA_NEWSLETTER_RUN_SECONDS = config_int("KISHA_NEWSLETTER_RUN_SECONDS", 50, minimum=1)
KISHA_NEWSLETTER_RESEND_UNCERTAIN = config_bool("KISHA_NEWSLETTER_RESEND_UNCERTAIN", False)
KISHA_NEWSLETTER_FROM = config("KISHA_NEWSLETTER_FROM", "")
KISHA_NEWSLETTER_AUTO_GRACE_SECONDS = config_int(
    "KISHA_NEWSLETTER_AUTO_GRACE_SECONDS", 3 * 3600, minimum=60
)
# Sign-up posts one client address may make per hour, counted across every worker and server.
KISHA_NEWSLETTER_SIGNUP_LIMIT = config_int("KISHA_NEWSLETTER_SIGNUP_LIMIT", 10, minimum=1)
# Series (kisha/series, docs/series.md) sit above news and seo: they read both.
INSTALLED_APPS = [*INSTALLED_APPS, "kisha.series"]
KISHA_FEED_FULL_TEXT = config_bool("KISHA_FEED_FULL_TEXT", False)
# Aggregator feeds (kisha/seo/aggregators.py): SmartNews's wide logo and analytics tag, and
# how many days the partner feed lists taken-down articles.
KISHA_SMARTNEWS_LOGO = config("KISHA_SMARTNEWS_LOGO", "")
KISHA_SMARTNEWS_DARK_LOGO = config("KISHA_SMARTNEWS_DARK_LOGO", "")
KISHA_SMARTNEWS_ANALYTICS = config("KISHA_SMARTNEWS_ANALYTICS", "")
KISHA_PARTNER_DELETED_DAYS = config_int("KISHA_PARTNER_DELETED_DAYS", 7, minimum=1)
# 編集部 (kisha/newsroom, docs/newsroom.md): the roles, the デスク審査 workflow, the dashboard
# and the admin's Japanese. Its catalogue comes first so it completes and corrects Wagtail's.
# It comes before Wagtail's apps too, so its few template overrides (labels Wagtail writes
# in English whatever the language) win over Wagtail's own.
INSTALLED_APPS.insert(INSTALLED_APPS.index("wagtail.users"), "kisha.newsroom")
LOCALE_PATHS = [BASE_DIR / "kisha" / "newsroom" / "locale"]
# The content language's name as the reports' locale filter shows it (Django's list says
# "Japanese", untranslated).
WAGTAIL_CONTENT_LANGUAGES = [("ja", "日本語")]
# Workflow mails (submitted, approved, changes requested, comments) go to the desk and the
# writer, not to every superuser; they leave through Django's mail backend like all mail.
WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS = False
WAGTAILADMIN_NOTIFICATION_FROM_EMAIL = config("KISHA_NEWSROOM_FROM", "") or DEFAULT_FROM_EMAIL
# Wagtail's "what's new" banner is English-only and about Wagtail, not the newsroom.
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False

# 読みやすさ (docs/reading.md): characters in house style (newspaper | off) and the words kept as
# typed; photo-credit brackets (follow the caption | half | full); proper nouns a line never
# breaks inside; what ranking entries read (full headline | short headline).
KISHA_TEXT_STYLE = config("KISHA_TEXT_STYLE", "newspaper")
KISHA_TEXT_KEEP = config_list("KISHA_TEXT_KEEP")
KISHA_CREDIT_BRACKETS = config("KISHA_CREDIT_BRACKETS", "follow")
KISHA_PHRASE_KEEP = config_list("KISHA_PHRASE_KEEP")
KISHA_RANKINGS_HEADLINE = config("KISHA_RANKINGS_HEADLINE", "full")
for _name, _value, _allowed in (
    ("KISHA_TEXT_STYLE", KISHA_TEXT_STYLE, ("newspaper", "off")),
    ("KISHA_CREDIT_BRACKETS", KISHA_CREDIT_BRACKETS, ("follow", "half", "full")),
    ("KISHA_RANKINGS_HEADLINE", KISHA_RANKINGS_HEADLINE, ("full", "short")),
):
    if _value not in _allowed:
        raise ImproperlyConfigured(f"{_name} must be one of {', '.join(_allowed)}, not {_value!r}")
