"""Protocol Portal settings: one module, every value from the environment.

With nothing set you get the embedded default a fresh laptop needs: DEBUG on, SQLite in ./var,
and a Celery broker on the filesystem (./var/celery), so no server is needed. Production sets
DATABASE_URL, CELERY_BROKER_URL, SECRET_KEY, ALLOWED_HOSTS and DEBUG=false (see docker-compose.yml).
The README's Configuration section lists every variable in one table.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
# Runtime state of the embedded default (SQLite file, filesystem broker, uploads): never committed.
VAR_DIR = Path(environ.Env().str("PORTAL_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

# DEBUG: on for the laptop demo only; production must set DEBUG=false.
DEBUG = env.bool("DEBUG", default=True)
# TECHNICAL_ERROR_PAGES: with DEBUG on, show Django's technical 404 and 500 pages (URL list,
# traceback) instead of the site's GOV.UK ones; for a developer chasing a bug, never a demo.
TECHNICAL_ERROR_PAGES = env.bool("TECHNICAL_ERROR_PAGES", default=False)
# DEMO: a demo site (bin/up sets it): /demo/logins/ lists every demo login. Never in production.
DEMO = env.bool("DEMO", default=False)
# A failed CSRF check gets a GOV.UK page saying what to do, not Django's diagnostic one.
CSRF_FAILURE_VIEW = "protocol_portal.web.errors.csrf_failure"
# SECRET_KEY: required when DEBUG is off; the fallback is for the local demo and tests only.
SECRET_KEY = env.str(
    "SECRET_KEY", default="" if not DEBUG else "insecure-local-demo-key-" + "x" * 40
)
if not SECRET_KEY:
    raise environ.ImproperlyConfigured("Set SECRET_KEY when DEBUG is off.")
# ALLOWED_HOSTS: comma-separated host names the site answers to.
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "testserver"])
# CSRF_TRUSTED_ORIGINS: comma-separated https origins when behind a proxy.
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "django_filters",
    "guardian",
    "simple_history",
    "axes",
    "drf_spectacular_sidecar",
    "health_check",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "mozilla_django_oidc",
    "protocol_portal.org",
    "protocol_portal.accounts",
    "protocol_portal.casework",
    "protocol_portal.web",
    "enquiries",
    "complaints",
    "interests",
    "access_requests",
]

MIDDLEWARE = [
    # First, so every log line of the request (even a redirect's) carries its id.
    "protocol_portal.ops.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The GOV.UK error pages under DEBUG too; outside CommonMiddleware, so a missing slash is
    # still redirected before a 404 is replaced (protocol_portal/web/errors.py).
    "protocol_portal.web.errors.ErrorPagesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "protocol_portal.web.middleware.ActiveUserMiddleware",
    "protocol_portal.accounts.middleware.TwoStepMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "protocol_portal.urls"
WSGI_APPLICATION = "protocol_portal.wsgi.application"

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
                "protocol_portal.web.context_processors.portal",
            ],
        },
    },
]

# Django's form renderer, with selects written in Python rather than a template per option
# (protocol_portal/web/renderers.py: a third of a queue page's time at 100,000 enquiries).
FORM_RENDERER = "protocol_portal.web.renderers.PortalFormRenderer"

# DATABASE_URL: e.g. postgres://portal:secret@db:5432/portal; default is SQLite under ./var.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# CONN_MAX_AGE: seconds to keep database connections open (0 closes each request).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
# A kept connection is checked before it is reused, so a database restart costs no failed request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = DATABASES["default"]["CONN_MAX_AGE"] != 0
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The demo's web process and Celery worker share one SQLite file: wait rather than fail.
    # IMMEDIATE transactions take the write lock at the start, so a writer waits its turn
    # instead of failing with "database is locked" when it upgrades a read; WAL lets the site
    # read while the worker writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        timeout=20, transaction_mode="IMMEDIATE", init_command="PRAGMA journal_mode=WAL;"
    )
elif DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # DATABASE_RANDOM_PAGE_COST: what PostgreSQL's planner takes one row read by index to cost
    # against one page of a table scan. Its default (4) is for spinning disks; on SSDs and a
    # cached working set 1.1 is the usual value, and with 4 every list that checks access
    # (casework.access.visible) scanned the whole enquiry table rather than read the few
    # thousand rows a reader may see by primary key (bench/README.md, "Access rows at volume").
    # Empty leaves the server's own setting.
    _page_cost = env.str("DATABASE_RANDOM_PAGE_COST", default="1.1")
    if _page_cost:
        _options = DATABASES["default"].setdefault("OPTIONS", {})
        _cost = f"-c random_page_cost={float(_page_cost)}"
        _options["options"] = f"{_options.get('options', '')} {_cost}"
    # DATABASE_JOIN_COLLAPSE_LIMIT: how many joined tables PostgreSQL's planner puts in every
    # order before choosing (its default, 8). A page of a list reads its 25 rows with the records
    # they point to (council, member and person, post and holder, service area, ward,
    # directorate: 9 tables), and planning every order of those took 4–5 ms a query against
    # under 1 ms to run it; at 4 the planner still orders a query's first four tables freely
    # (where its filters are) and joins the rest, the pointed-to records, by primary key as
    # written (bench/README.md, "Compiling and planning"). Empty leaves the server's own setting.
    _collapse = env.str("DATABASE_JOIN_COLLAPSE_LIMIT", default="4")
    if _collapse:
        _options = DATABASES["default"].setdefault("OPTIONS", {})
        _limit = f"-c join_collapse_limit={int(_collapse)}"
        _options["options"] = f"{_options.get('options', '')} {_limit}"
    # DATABASE_JIT: PostgreSQL compiles a query it estimates dear (cost over 100,000) before
    # running it. The dashboards' whole-council counts pass that mark at 100,000 enquiries and
    # spent 40–100 ms compiling for 200 ms of work (bench/README.md, "postgresql.conf"), so the
    # portal's connections turn it off; "on" leaves the server's setting.
    if not env.bool("DATABASE_JIT", default=False):
        _options = DATABASES["default"].setdefault("OPTIONS", {})
        _options["options"] = f"{_options.get('options', '')} -c jit=off"
    # DATABASE_PREPARED: send values apart from the statement (server-side binding), so that
    # psycopg prepares a statement the connection has run five times and PostgreSQL plans it
    # once, not on every run. Planning was most of the database's share of a case page (the
    # enquiry's read: 1.4 ms planning, 0.5 running): the page took 16–19 ms with values written
    # into the SQL and 11–14 ms prepared (bench/README.md, "Prepared statements"). It pays
    # where connections are kept (CONN_MAX_AGE). "false" writes the values in, as Django does by
    # default: for a pooler that cannot keep prepared statements (PgBouncer in transaction mode
    # before 1.21). A prepared statement may be planned once for any values (a generic plan), so
    # the reads whose plan hangs on a value from code write it in: the open statuses a partial
    # index is built on (`status__in_literal`, casework/lookups.py) and every access check's
    # case type and permission (casework/access.py `visible`); bench/README.md, "Generic plans".
    if env.bool("DATABASE_PREPARED", default=True):
        # Django turns psycopg's preparing off unless told (for poolers); 5 is psycopg's own.
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=5
        )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "org.Person"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's own, except that it refuses every password when LOCAL_PASSWORDS is off.
    "protocol_portal.accounts.backends.LocalPasswordBackend",
    "guardian.backends.ObjectPermissionBackend",
    # Cases whose audiences are derived (casework/access.py) answer `has_perm` from them.
    "protocol_portal.casework.access.AccessBackend",
    # Single sign-on; does nothing until OIDC_RP_CLIENT_ID is set.
    "protocol_portal.accounts.oidc.PortalOIDCBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# ---- Signing in (protocol_portal/accounts/README.md) ----
# LOCAL_PASSWORDS: false signs everyone in through the council's identity provider only: no
# password form, no password reset, and the admin signs in the same way.
LOCAL_PASSWORDS = env.bool("LOCAL_PASSWORDS", default=True)
# MFA_REQUIRED: staff (admins and post holders) who sign in with a password must use two-step
# verification (an authenticator app, with backup codes), and the admin asks everyone for it.
# On wherever DEBUG is off; the laptop demo leaves it off so its logins work at once.
MFA_REQUIRED = env.bool("MFA_REQUIRED", default=not DEBUG)
# django-otp's own admin pages never show a device's secret or backup codes, so nobody (admins
# included) can copy another person's second step; an admin resets it instead.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# The name authenticator apps show for the portal's codes.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Protocol Portal")
# Whom people ask about their account (shown when the provider knows someone the portal does
# not, and on the two-step pages).
SIGN_IN_HELP_TEAM = env.str(
    "SIGN_IN_HELP_TEAM",
    default="your council’s member services team (councillors) or IT service desk (officers)",
)
SIGN_IN_HELP_EMAIL = env.str("SIGN_IN_HELP_EMAIL", default="")

# Single sign-on by OpenID Connect (mozilla-django-oidc), authorization code flow with PKCE.
# OIDC_RP_CLIENT_ID: the application (client) id at the provider; empty turns single sign-on off.
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
# OIDC_RP_CLIENT_SECRET: the client secret (a secret: from the environment, never a file).
OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET", default="")
# OIDC_ENTRA_TENANT_ID: for Microsoft Entra ID, the directory (tenant) id; it fills in the
# endpoints and issuer below and matches people on the `tid` and `oid` claims.
_ENTRA = env.str("OIDC_ENTRA_TENANT_ID", default="")
_ENTRA_BASE = f"https://login.microsoftonline.com/{_ENTRA}"
# The provider's endpoints (from its /.well-known/openid-configuration) and issuer (`iss`).
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str(
    "OIDC_OP_AUTHORIZATION_ENDPOINT",
    default=f"{_ENTRA_BASE}/oauth2/v2.0/authorize" if _ENTRA else "",
)
OIDC_OP_TOKEN_ENDPOINT = env.str(
    "OIDC_OP_TOKEN_ENDPOINT", default=f"{_ENTRA_BASE}/oauth2/v2.0/token" if _ENTRA else ""
)
OIDC_OP_JWKS_ENDPOINT = env.str(
    "OIDC_OP_JWKS_ENDPOINT", default=f"{_ENTRA_BASE}/discovery/v2.0/keys" if _ENTRA else ""
)
OIDC_OP_ISSUER = env.str("OIDC_OP_ISSUER", default=f"{_ENTRA_BASE}/v2.0" if _ENTRA else "")
# Not used: people are matched on the signed ID token's claims, never on userinfo.
OIDC_OP_USER_ENDPOINT = ""
OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="openid profile")
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_TIMEOUT = env.int("OIDC_TIMEOUT", default=10)
LOGIN_REDIRECT_URL_FAILURE = "login"
# Which claims say who someone is: issuer (or tenant) and stable subject. Entra ID: tid + oid.
OIDC_ISSUER_CLAIM = env.str("OIDC_ISSUER_CLAIM", default="tid" if _ENTRA else "iss")
OIDC_SUBJECT_CLAIM = env.str("OIDC_SUBJECT_CLAIM", default="oid" if _ENTRA else "sub")
# OIDC_GROUPS_CLAIM: the claim listing the person's groups (admin: Group claim mappings).
OIDC_GROUPS_CLAIM = env.str("OIDC_GROUPS_CLAIM", default="groups")
# OIDC_LINK_CLAIM: e.g. preferred_username lets an admin link a person once, at their first
# sign-in, by that name (admin: "link on first sign-in"); empty (the default) switches it off.
OIDC_LINK_CLAIM = env.str("OIDC_LINK_CLAIM", default="")
# OIDC_PROVIDER_NAME: the button says "Sign in with <this>".
OIDC_PROVIDER_NAME = env.str(
    "OIDC_PROVIDER_NAME", default="Microsoft" if _ENTRA else "your council account"
)
# guardian: no anonymous user object; anonymous visitors see only public pages.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# The proxy in front. PROXY_COUNT: how many reverse proxies (load balancer, nginx, Azure
# Application Gateway ...) stand between the internet and gunicorn, each appending the address it
# saw to X-Forwarded-For. 0 (the default) means nothing is in front: the client's address is the
# connection's (REMOTE_ADDR) and X-Forwarded-For, which any client can write, is ignored. With
# N > 0 the client is the Nth address from the right of X-Forwarded-For (the one the outermost
# proxy saw), and the proxy's X-Forwarded-Proto: https is believed (SECURE_PROXY_SSL_HEADER
# below). Set it only when gunicorn cannot be reached except through the proxy.
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
if PROXY_COUNT < 0:
    raise environ.ImproperlyConfigured("PROXY_COUNT is the number of proxies in front: 0 or more.")

# Pause signing in after repeated failures (django-axes). The lock is on the username AND the
# address together: five wrong passwords for the Monitoring Officer from one address pause that
# pair only, so nobody can lock a named officer out from elsewhere (security probe F6).
# AXES_FAILURE_LIMIT: failures before the pause; AXES_COOLOFF_HOURS: how long it lasts.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The same client address as the API's throttling and the health check's allow list (PROXY_COUNT).
AXES_CLIENT_IP_CALLABLE = "protocol_portal.ops.client.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"

LANGUAGE_CODE = "en-gb"
# TIME_ZONE: councils work in UK time; stored datetimes are UTC.
TIME_ZONE = env.str("TIME_ZONE", default="Europe/London")
USE_I18N = False
USE_TZ = True
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
# Front-end packages installed by npm at setup time (never copied into the repo).
STATICFILES_DIRS = [
    ("govuk", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
    ("moj", BASE_DIR / "node_modules" / "@ministryofjustice" / "frontend" / "moj"),
    ("autocomplete", BASE_DIR / "node_modules" / "accessible-autocomplete" / "dist"),
]
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
# MEDIA_ROOT: attachments, stored outside the web root and served only through permission checks.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "attachments")))
# ATTACHMENT_MAX_BYTES: the largest attachment a member may upload.
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# The members' enquiries mailbox (enquiries/mailbox.py; each council's address, server and folder
# are council data, its secrets ENQUIRY_MAILBOX_<SLUG>_PASSWORD, or for Microsoft 365 OAuth 2
# ENQUIRY_MAILBOX_<SLUG>_TENANT_ID, _CLIENT_ID and _CLIENT_SECRET, or _ACCESS_TOKEN).
# ENQUIRY_MAIL_MAX_BYTES: a larger email is not downloaded; its headers are read and it is set
# aside, left in the mailbox. ENQUIRY_MAILBOX_POLL_SECONDS: how often Celery beat polls.
# IMAP_CA_FILE: a CA bundle to trust for the IMAP server instead of the system's (e.g. tests).
# IMAP_TIMEOUT: seconds to wait for the server. ENQUIRY_MAILBOX_TOKEN_URL: the OAuth 2 token
# endpoint, {tenant} replaced by the tenant id (Microsoft's identity platform by default).
# ENQUIRY_MAIL_MOST_ATTEMPTS: a message that fails this many times in a row (an error, or a
# worker that died on it) is set aside for member services with the error noted, not retried.
# ENQUIRY_SET_ASIDE_KEEP_MONTHS: the default months a set-aside email is kept (see README,
# "Email in"); a council sets its own as a retention policy for "enquiries.InboundMessage".
ENQUIRY_MAIL_MOST_ATTEMPTS = env.int("ENQUIRY_MAIL_MOST_ATTEMPTS", default=3)
ENQUIRY_SET_ASIDE_KEEP_MONTHS = env.int("ENQUIRY_SET_ASIDE_KEEP_MONTHS", default=6)
ENQUIRY_MAIL_MAX_BYTES = env.int("ENQUIRY_MAIL_MAX_BYTES", default=25 * 1024 * 1024)
ENQUIRY_MAILBOX_POLL_SECONDS = env.int("ENQUIRY_MAILBOX_POLL_SECONDS", default=60)
IMAP_CA_FILE = env.str("IMAP_CA_FILE", default="")
IMAP_TIMEOUT = env.int("IMAP_TIMEOUT", default=60)
ENQUIRY_MAILBOX_TOKEN_URL = env.str(
    "ENQUIRY_MAILBOX_TOKEN_URL",
    default="https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token",
)

# SOURCE_ARCHIVE: a zip of the site's code (`git archive --format=zip HEAD`) for /source-code.zip
# where the site runs without its git repository (the Docker image); empty: built from git.
SOURCE_ARCHIVE = env.str("SOURCE_ARCHIVE", default="")

# Email by SMTP (the default): EMAIL_URL such as smtp+tls://user:pass@smtp.example.org:587, the
# council's own relay; the default prints mail to the console. GOV.UK Notify has no SMTP relay,
# only an HTTP API: set NOTIFY_API_KEY below to send through it instead.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="protocol-portal@localhost")
# GOV.UK Notify. NOTIFY_API_KEY: a "live" (or "team") key from the service's API integration page;
# when set, outbox messages go through Notify's API instead of SMTP. NOTIFY_TEMPLATE_ID: one
# email template whose subject is ((subject)) and whose body is ((body)). NOTIFY_BASE_URL: only
# for tests (a local fake) or a Notify-compatible service. NOTIFY_RETRY_MAX_SECONDS: the longest
# wait between retries after a temporary failure (5xx, 429, no connection); kept below
# CELERY_VISIBILITY_TIMEOUT so Redis never hands a waiting retry to a second worker.
# NOTIFY_MAX_RETRIES: retries before a temporarily failing message is left for the five-minute
# sweep of unsent messages (deliver_pending_outbox) to try again.
NOTIFY_API_KEY = env.str("NOTIFY_API_KEY", default="")
NOTIFY_TEMPLATE_ID = env.str("NOTIFY_TEMPLATE_ID", default="")
NOTIFY_BASE_URL = env.str("NOTIFY_BASE_URL", default="https://api.notifications.service.gov.uk")
NOTIFY_RETRY_MAX_SECONDS = env.int("NOTIFY_RETRY_MAX_SECONDS", default=300)
NOTIFY_MAX_RETRIES = env.int("NOTIFY_MAX_RETRIES", default=12)
if NOTIFY_API_KEY and not NOTIFY_TEMPLATE_ID:
    raise environ.ImproperlyConfigured("Set NOTIFY_TEMPLATE_ID with NOTIFY_API_KEY.")
# PORTAL_BASE_URL: absolute address used in links inside emails.
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000")

# Celery. CELERY_BROKER_URL: redis://redis:6379/0 in production; default is a filesystem broker
# under ./var/celery, which needs no server.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    _broker_dir = VAR_DIR / "celery"
    # The broker's folders must exist before anything publishes (seed_demo, the site, the worker).
    for _folder in ("queue", "processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    # Redis: a task not acknowledged within this many seconds is redelivered to another worker.
    # Longer than any task runs, and no task uses a countdown or ETA (one would be redelivered
    # while it waited); tests/casework/test_worker_faults.py checks both.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=600)
    }
# CELERY_TASK_ALWAYS_EAGER: run tasks inline (unit tests only; CI also runs a real worker).
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TIMEZONE = TIME_ZONE
# PORTAL_SWEEP_SECONDS: how often beat runs the chaser sweep.
PORTAL_SWEEP_SECONDS = env.int("PORTAL_SWEEP_SECONDS", default=60)
# CHASER_SWEEP_SPREAD: the fewest batch tasks the sweep splits its due cases into, up to 250
# cases each: as many as the worker runs processes (docker-compose: --concurrency 4), so each
# takes a share. CHASER_BATCH_LEAST: the fewest cases it puts in one batch task (a sweep of a
# few dozen is not split into batches smaller than this).
CHASER_SWEEP_SPREAD = env.int("CHASER_SWEEP_SPREAD", default=4)
CHASER_BATCH_LEAST = env.int("CHASER_BATCH_LEAST", default=25)

# The shared cache: API throttling counts here, so every web process must see the same one.
# CACHE_URL (or REDIS_URL): e.g. redis://redis:6379/1 in production (a database apart from the
# broker's); the default is each process's own memory, right for the one-process laptop demo.
_cache_url = env.str("CACHE_URL", default="") or env.str("REDIS_URL", default="")
CACHES = {
    "default": (
        env.cache_url_config(_cache_url)
        if _cache_url
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # DRF's parsers, but JSON nested too deeply is a 400 with a reason (not a RecursionError).
    "DEFAULT_PARSER_CLASSES": [
        "protocol_portal.api_parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # One answer for a service's refusal in every app: 400 per field, 403, 404, 409.
    "EXCEPTION_HANDLER": "protocol_portal.api.exception_handler",
    # A ceiling on API requests per signed-in person and per address, counted in CACHES: far
    # above what a person or a council's integration needs, low enough to stop a runaway script.
    # API_THROTTLE_USER / API_THROTTLE_ANON: DRF rates such as 3000/hour.
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env.str("API_THROTTLE_USER", default="3000/hour"),
        "anon": env.str("API_THROTTLE_ANON", default="300/hour"),
    },
    # Where the client's address comes from (PROXY_COUNT above): never a client-written header.
    "NUM_PROXIES": PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Protocol Portal API",
    "DESCRIPTION": "Member enquiries, complaints, declarations and need-to-know requests.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its docs page are for signed-in people only; Swagger UI is served from this
    # site (drf-spectacular-sidecar), not a CDN, so it runs under the site's own CSP.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One schema name per choice set, so clients get stable, readable enum types.
    "ENUM_NAME_OVERRIDES": {
        "EnquiryStatusEnum": "enquiries.states.Status",
        "ChannelEnum": "protocol_portal.casework.receipt.Channel",
        "LoggedChannelEnum": "protocol_portal.casework.receipt.LOGGED_CHANNELS",
        "UrgencyEnum": "enquiries.states.Urgency",
        "ComplaintStatusEnum": "complaints.states.Status",
        "ComplaintKindEnum": "complaints.states.Kind",
        "ComplaintLevelEnum": "complaints.states.Level",
        "ComplaintOutcomeEnum": "complaints.states.Outcome",
        "AckIntentEnum": "complaints.states.AckIntent",
        "DeterminationOutcomeEnum": "complaints.states.DeterminationOutcome",
        "RelationshipStatusEnum": "interests.states.RelationshipStatus",
        "InterestStatusEnum": "interests.states.InterestStatus",
        "ReturnStatusEnum": "interests.states.ReturnStatus",
        "NoticeStatusEnum": "interests.states.NoticeStatus",
        "AdviceStatusEnum": "interests.states.AdviceStatus",
        "MatterKindEnum": "interests.serializers.MATTER_KINDS",
        "AccessRequestStatusEnum": "access_requests.states.Status",
        "AccessOutcomeEnum": "access_requests.states.Outcome",
        "PresumptionEnum": "access_requests.states.Presumption",
        "MeetingPartEnum": "access_requests.states.Part",
        "AccessPurposeEnum": "access_requests.states.Purpose",
        "RefusalGroundEnum": "access_requests.states.Ground",
        "FoiStatusEnum": "access_requests.states.FoiStatus",
    },
}

# Security headers. Production (DEBUG off) gets HTTPS-only cookies, HSTS and a redirect to HTTPS;
# SECURE_SSL_REDIRECT can be turned off when TLS ends at a proxy that already redirects.
# X-Forwarded-Proto is believed only when a proxy is in front (PROXY_COUNT > 0): otherwise any
# client could send it to skip the redirect (security probe F14).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PROXY_COUNT else None
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# The monitoring probe asks for /health/ over plain HTTP inside the host or cluster.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# The council's monitoring. HEALTH_CHECK_ALLOWED_NETWORKS: comma-separated networks whose
# addresses may read /health/ (the client address, as PROXY_COUNT defines it); default this host
# only. HEALTH_CHECK_TOKEN: a secret a monitor elsewhere sends as "Authorization: Bearer <token>".
# Anyone else gets 404. HEALTH_CHECK_CELERY: also ask a live Celery worker (default: whenever the
# broker is Redis; the laptop's filesystem broker cannot answer pings).
HEALTH_CHECK_ALLOWED_NETWORKS = env.list(
    "HEALTH_CHECK_ALLOWED_NETWORKS", default=["127.0.0.1/32", "::1/128"]
)
HEALTH_CHECK_TOKEN = env.str("HEALTH_CHECK_TOKEN", default="")
HEALTH_CHECK_CELERY = env.bool(
    "HEALTH_CHECK_CELERY", default=CELERY_BROKER_URL.startswith(("redis://", "rediss://"))
)

# Logs go to standard error, one line per event. LOG_FORMAT: "json" (the default when DEBUG is
# off: one JSON object a line for the council's log collector) or "text". LOG_LEVEL: INFO by
# default. Every line carries the request id (X-Request-ID, also sent back on each response and
# carried into the Celery tasks the request publishes). REQUEST_ID_TRUST_HEADER: take an incoming
# X-Request-ID from the proxy instead of making one (only when PROXY_COUNT > 0).
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
REQUEST_ID_TRUST_HEADER = env.bool("REQUEST_ID_TRUST_HEADER", default=bool(PROXY_COUNT))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "protocol_portal.ops.request_id.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "text",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# Error tracking. SENTRY_DSN: when set, errors from the site and the worker go to Sentry (or a
# Sentry-compatible service such as GlitchTip) with no personal data: no request bodies, cookies,
# headers that identify, or user names and emails (protocol_portal/ops/sentry.py).
# SENTRY_ENVIRONMENT: e.g. production or staging. SENTRY_TRACES_SAMPLE_RATE: 0 (the default) to
# send errors only.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    from protocol_portal.ops.sentry import sentry_start

    sentry_start(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )
