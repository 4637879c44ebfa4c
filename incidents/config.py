"""Configuration. Every key can be overridden by an INCIDENTS_* environment variable
(Flask's from_prefixed_env) or by the overrides passed to create_app()."""

import os


class Config:
    # None -> a random key kept in the instance folder (see create_app)
    SECRET_KEY = os.environ.get("SECRET_KEY")
    # None -> SQLite in the instance folder
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    LANGUAGES = ("ky", "ru", "en")
    DOCUMENT_LANGUAGES = ("ru", "ky")
    BABEL_DEFAULT_LOCALE = "ru"
    BABEL_DEFAULT_TIMEZONE = "Asia/Bishkek"
    BOOTSTRAP_SERVE_LOCAL = True  # closed networks: never a CDN
    RULE_PACK = "kr"
    DOCUMENT_STORE = None  # None -> <instance>/documents
    CASES_PER_PAGE = 20
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # behind TLS set INCIDENTS_SESSION_COOKIE_SECURE=true (off for the plain-http local start)
    SESSION_COOKIE_SECURE = False
    # sent with every response (incidents/__init__.py). The policy allows scripts, styles,
    # images and fonts from the service only — no inline script, handler or style attribute
    # (tests/test_csp.py keeps the templates that way) — and forbids framing, plugins,
    # foreign form targets and base URLs. data: images are Bootstrap's own SVG icons.
    SECURITY_HEADERS = {
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "same-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
        "Content-Security-Policy": (
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; object-src 'none'; "
            "base-uri 'self'; form-action 'self'"
        ),
    }
    WTF_CSRF_TIME_LIMIT = None  # a long form on a slow line must not expire mid-typing
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024  # an uploaded act of a parallel track
    # argon2 parameters; tests lower them to keep the suite fast
    PASSWORD_HASH_TIME_COST = 3
    PASSWORD_HASH_MEMORY_COST = 65536
    API_TOKEN_DAYS = 30
    # Login throttling: this many failures for one e-mail address within the window lock it
    LOGIN_MAX_FAILURES = 5
    LOGIN_WINDOW_MINUTES = 15
    LOGIN_LOCK_MINUTES = 15
    # Outgoing mail (deadline reminders). Without MAIL_SERVER, mails are written as .eml files
    # into <instance>/mail/ so the embedded default works without an SMTP server.
    MAIL_SERVER = None
    MAIL_PORT = 25
    MAIL_USE_TLS = False  # STARTTLS
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_FROM = "incidents@localhost"
    REMINDER_BEFORE_HOURS = 24
    BASE_URL = "http://127.0.0.1:5000"  # links in mails (reminders run without a request)
    INVITATION_DAYS = 7  # how long an invitation link works
    PASSWORD_RESET_HOURS = 2  # how long a "forgot password" link works
    # Background jobs (incidents/jobs.py): RQ on Redis when REDIS_URL is set, otherwise a
    # thread in each web process. JOBS_BACKEND forces one of "rq", "thread", "manual".
    REDIS_URL = os.environ.get("REDIS_URL")
    RQ_QUEUE = "incidents"
    JOBS_BACKEND = None
    JOB_MAX_ATTEMPTS = 3
    JOB_BACKOFF_SECONDS = 30  # doubled after each failed attempt
    JOB_STALE_SECONDS = 900  # a job "running" this long was lost with its process
    JOB_POLL_SECONDS = 5
    # Webhooks to insurers: signed with HMAC-SHA256; retried 30 s, 1, 2, 4, 8 min apart
    WEBHOOK_MAX_ATTEMPTS = 6
    WEBHOOK_BACKOFF_SECONDS = 30
    WEBHOOK_TIMEOUT_SECONDS = 10
    # Webhooks go to public addresses only (incidents/netguard.py: no SSRF into our network);
    # allow named hosts (a comma-separated list from the environment) or private networks
    WEBHOOK_ALLOWED_HOSTS = ""  # e.g. INCIDENTS_WEBHOOK_ALLOWED_HOSTS="hooks.insurer.kg"
    WEBHOOK_ALLOW_PRIVATE = False
    # PDF copies in the insurer package: LibreOffice (soffice) on PATH, or this binary
    SOFFICE_BINARY = None
    PDF_TIMEOUT_SECONDS = 120
    # wsgi.py checks the document store against the database in a background thread and logs
    # what is missing or left over (incidents/services/integrity.py; `flask integrity check`)
    INTEGRITY_CHECK_ON_START = True


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "test"  # noqa: S105 - tests only
    WTF_CSRF_ENABLED = False
    PASSWORD_HASH_TIME_COST = 1
    PASSWORD_HASH_MEMORY_COST = 1024
    JOBS_BACKEND = "manual"  # the tests run the jobs with jobs.run_due()
    INTEGRITY_CHECK_ON_START = False
    JOB_BACKOFF_SECONDS = 0
    WEBHOOK_BACKOFF_SECONDS = 0
    WEBHOOK_ALLOWED_HOSTS = "127.0.0.1"  # the tests' receivers listen on loopback
    REDIS_URL = None
