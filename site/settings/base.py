"""Settings shared by every environment of the demo site.

Environment variables: ``DATABASE_URL`` (SQLite by default), ``REDIS_URL`` (cache and
django-q2 broker when set), ``SECRET_KEY``, ``ALLOWED_HOSTS``, ``EMAIL_URL``-style SMTP
settings below.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from alumni_partner.conf import PRESENTATION_FEATURES
from alumni_partner.uploads import LOGO_EXTENSIONS, LOGO_MAX_BYTES, MAX_IMAGE_PIXELS

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PROJECT_DIR = BASE_DIR / "site"

SECRET_KEY = os.environ.get("SECRET_KEY", "insecure-demo-key-change-me")
DEBUG = False
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h]

INSTALLED_APPS = [
    "alumni_partner",
    "home",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.frontend_cache",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
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
    "django_countries",
    "django_q",
    "axes",
    "allauth",
    "allauth.account",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Database or cache down: 503 with Retry-After instead of a 500. Above the
    # session and authentication middleware, whose failures it also covers.
    "alumni_partner.outage.OutageMiddleware",
    # Cache-Control and Vary: anonymous pages public, the rest never cached.
    # Above the session, CSRF and messages middleware, whose cookies it sees.
    "alumni_partner.http_cache.HttpCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Last, so that it sees the outcome of every login attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "alumni_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "alumni_site.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL and a busy timeout let the web server and the django-q2 worker share the file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    # django-axes first, so that a locked-out address is refused before any check.
    "axes.backends.AxesStandaloneBackend",
    "alumni_partner.auth_backends.EmailBackend",
    # The public site's log-in (django-allauth) asks for "email", not "username".
    "allauth.account.auth_backends.AuthenticationBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "alumni_partner/lockout.html"
AXES_USERNAME_FORM_FIELD = "username"
# The admin's form posts "username", django-allauth's "login": one count per address.
AXES_USERNAME_CALLABLE = "alumni_partner.auth_backends.axes_username"

LOGIN_URL = "wagtailadmin_login"
# Members (alumni) log in on the public site; private pages send them there.
WAGTAIL_FRONTEND_LOGIN_URL = "/accounts/login/"

# Alumni accounts (django-allauth): log in by e-mail, confirmed at sign-up.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_ADAPTER = "alumni_partner.accounts_adapter.AlumniAccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "alumni_partner.forms.alumni.AlumniSignupForm"
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
# Messages and mails name a member by full name, not by a generated username.
ACCOUNT_USER_DISPLAY = "alumni_partner.alumni_accounts.user_display"
# django-axes already throttles failed logins; allauth keeps its own limits for
# sign-up, confirmation and password reset mails.
ACCOUNT_RATE_LIMITS = {"login_failed": False}
LOGIN_REDIRECT_URL = "/"
# A moderated partner's offers may pass moderation at once: the completed
# workflow publishes them although the partner holds no "publish".
WAGTAIL_FINISH_WORKFLOW_ACTION = "alumni_partner.workflows.publish_approved"

# French is the default language; every locale tree is synchronised from it.
LANGUAGE_CODE = "fr"
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = True
LANGUAGES = WAGTAIL_CONTENT_LANGUAGES = [
    ("fr", "Français"),
    ("en", "English"),
    ("es", "Español"),
    ("pt", "Português"),
    ("ar", "العربية"),
]
WAGTAILADMIN_PERMITTED_LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Uploaded alumni CSVs and their error reports: outside MEDIA_ROOT, which a
# web server may serve as a whole; only editors download them, through views.
ALUMNI_PARTNER_PRIVATE_ROOT = Path(os.environ.get("PRIVATE_ROOT", BASE_DIR / "private"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Browsers and Willow cannot show some of the guide's formats; we store PNG for those.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Wagtail
WAGTAIL_SITE_NAME = "France Alumni – Espace partenaire"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://localhost:8000")
WAGTAILADMIN_USER_LOGIN_FORM = "alumni_partner.forms.accounts.EmailLoginForm"
# "Mot de passe oublié" also for an invited partner user who never set a password.
WAGTAILADMIN_USER_PASSWORD_RESET_FORM = (
    "alumni_partner.forms.accounts.PartnerPasswordResetForm"
)
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILIMAGES_IMAGE_FORM_BASE = "alumni_partner.forms.media.PartnerImageForm"
WAGTAILIMAGES_MAX_UPLOAD_SIZE = LOGO_MAX_BYTES
WAGTAILIMAGES_MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
# The guide's formats. alumni_partner.forms.media converts the ones that Willow and
# browsers cannot show to PNG (and renames .jpe) before Wagtail checks the file,
# so only gif, jpg, jpeg and png are ever stored.
WAGTAILIMAGES_EXTENSIONS = list(LOGO_EXTENSIONS)
WAGTAILDOCS_DOCUMENT_FORM_BASE = "alumni_partner.forms.media.PartnerDocumentForm"
WAGTAILDOCS_EXTENSIONS = ["pdf"]
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILEMBEDS_FINDERS = [{"class": "alumni_partner.youtube.YouTubeNoCookieFinder"}]
WAGTAIL_PASSWORD_RESET_ENABLED = True
WAGTAIL_ENABLE_UPDATE_CHECK = False
# A front cache (Varnish, nginx, a CDN) keeps anonymous pages for
# PUBLIC_CACHE_SECONDS (alumni_partner.http_cache); publishing purges a page and
# the listings that show it (alumni_partner.frontend_cache). With
# FRONTEND_CACHE_PURGE_URL=http://127.0.0.1:6081/ Wagtail sends PURGE requests
# there; Cloudflare and CloudFront backends: docs/deploy.md.
ALUMNI_PARTNER_PUBLIC_CACHE_SECONDS = int(os.environ.get("PUBLIC_CACHE_SECONDS", "300"))
WAGTAILFRONTENDCACHE = {}
if os.environ.get("FRONTEND_CACHE_PURGE_URL"):
    WAGTAILFRONTENDCACHE["default"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
        "LOCATION": os.environ["FRONTEND_CACHE_PURGE_URL"],
    }
# French URLs have no prefix: Wagtail's rewriting of one URL into every
# language would purge /fr/... addresses that do not exist. The plugin purges
# each translation's own URL instead.
WAGTAILFRONTENDCACHE_LANGUAGES = []
WAGTAILADMIN_RICH_TEXT_EDITORS = {
    "default": {
        "WIDGET": "wagtail.admin.rich_text.DraftailRichTextArea",
        "OPTIONS": {"features": PRESENTATION_FEATURES},
    }
}

# Wagtail's own jobs (reference index, search index, file deletion) run on django-q2.
TASKS = {"default": {"BACKEND": "alumni_partner.task_backend.DjangoQ2Backend"}}

Q_CLUSTER = {
    "name": "alumni_partner",
    "workers": int(os.environ.get("Q_WORKERS", "2")),
    # timeout must stay below retry, or a slow task runs twice at once.
    "timeout": 240,
    "retry": 300,
    "max_attempts": 1,
    "ack_failures": True,
    "catch_up": False,
    "orm": "default",
    "label": _("Background tasks"),
}
if REDIS_URL:
    Q_CLUSTER.pop("orm")
    Q_CLUSTER["redis"] = REDIS_URL

# E-mail: the platform's address is the sender of every message.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "") == "1"
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "France Alumni <noreply@alumni.example.org>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Nothing may be fetched from outside: no Gravatar avatars.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
