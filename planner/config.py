"""Settings, read from the environment (PLANNER_*). See README.md for the list."""
import os
import secrets
from pathlib import Path

INSTANCE_DIR = Path(os.environ.get("PLANNER_INSTANCE_DIR", Path(__file__).resolve().parent.parent / "instance"))


def _bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key(instance_dir: Path) -> str:
    """PLANNER_SECRET_KEY, or a key generated once into the instance folder (never committed)."""
    key = os.environ.get("PLANNER_SECRET_KEY")
    if key:
        return key
    instance_dir.mkdir(parents=True, exist_ok=True)
    path = instance_dir / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip()


class Config:
    def __init__(self):
        instance_dir = INSTANCE_DIR
        self.INSTANCE_DIR = str(instance_dir)
        self.SECRET_KEY = _secret_key(instance_dir)
        self.SQLALCHEMY_DATABASE_URI = os.environ.get(
            "PLANNER_DATABASE_URL", f"sqlite:///{instance_dir / 'planner.sqlite'}"
        )
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = _bool("PLANNER_SECURE_COOKIES")
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_SECURE = self.SESSION_COOKIE_SECURE
        self.PREFERRED_URL_SCHEME = "https" if self.SESSION_COOKIE_SECURE else "http"
        self.PERMANENT_SESSION_LIFETIME = int(os.environ.get("PLANNER_SESSION_HOURS", "8")) * 3600
        self.WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
        self.BOOTSTRAP_SERVE_LOCAL = True  # closed networks: no CDN
        self.BABEL_DEFAULT_LOCALE = "en"
        self.BABEL_DEFAULT_TIMEZONE = "UTC"
        self.LANGUAGES = ["en", "fr"]
        # The largest request body: the largest upload plus room for the form fields around the file.
        self.MAX_CONTENT_LENGTH = int(os.environ.get("PLANNER_MAX_UPLOAD_MB", "10")) * 1024 * 1024 + 256 * 1024
        # Attachments of seizures and warnings (photos, X-ray images, scans): the largest file accepted, in bytes.
        # A request is also bounded by MAX_CONTENT_LENGTH, which must leave room for the form around the file.
        self.PLANNER_ATTACHMENT_MAX_BYTES = int(os.environ.get("PLANNER_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))
        # Excel import of seizures and controls: the largest workbook accepted, in bytes. The import routes let a
        # request carry the form around such a file even when MAX_CONTENT_LENGTH is smaller.
        self.PLANNER_IMPORT_MAX_BYTES = int(os.environ.get("PLANNER_IMPORT_MAX_BYTES", str(10 * 1024 * 1024)))
        # Login lockout: after this many failures the account is locked for LOCKOUT_MINUTES.
        self.LOGIN_MAX_FAILURES = int(os.environ.get("PLANNER_LOGIN_MAX_FAILURES", "5"))
        self.LOGIN_LOCKOUT_MINUTES = int(os.environ.get("PLANNER_LOGIN_LOCKOUT_MINUTES", "15"))
        # argon2id parameters (OWASP: m=19 MiB, t=2, p=1 at least).
        self.ARGON2_TIME_COST = 3
        self.ARGON2_MEMORY_COST = 65536
        self.ARGON2_PARALLELISM = 1
        # Mail
        self.MAIL_SERVER = os.environ.get("PLANNER_MAIL_SERVER", "")
        self.MAIL_PORT = int(os.environ.get("PLANNER_MAIL_PORT", "25"))
        self.MAIL_USE_TLS = _bool("PLANNER_MAIL_USE_TLS")
        self.MAIL_USERNAME = os.environ.get("PLANNER_MAIL_USERNAME", "")
        self.MAIL_PASSWORD = os.environ.get("PLANNER_MAIL_PASSWORD", "")
        self.MAIL_SENDER = os.environ.get("PLANNER_MAIL_SENDER", "planner@localhost")
        self.BASE_URL = os.environ.get("PLANNER_BASE_URL", "http://127.0.0.1:5000")
        self.SCHEDULER = os.environ.get("PLANNER_SCHEDULER", "off")
        # The annual report on year Y is due on this day (MM-DD) of year Y+1.
        self.ANNUAL_REPORT_DUE = os.environ.get("PLANNER_ANNUAL_REPORT_DUE", "03-31")
        # Number of reverse proxies in front of the planner whose X-Forwarded-* headers are trusted (0: none).
        self.PROXY_COUNT = int(os.environ.get("PLANNER_PROXY_COUNT", "0"))


class TestingConfig(Config):
    def __init__(self, database_url=None, instance_dir=None):
        super().__init__()
        self.TESTING = True
        self.SQLALCHEMY_DATABASE_URI = database_url or os.environ.get(
            "PLANNER_TEST_DATABASE_URL", "sqlite://"
        )
        if self.SQLALCHEMY_DATABASE_URI == "sqlite://":
            from sqlalchemy.pool import StaticPool

            self.SQLALCHEMY_ENGINE_OPTIONS = {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
        if instance_dir:
            self.INSTANCE_DIR = str(instance_dir)
        # No mail leaves a test run unless a test starts its own SMTP server.
        self.MAIL_SERVER = ""
        self.SCHEDULER = "off"
        # Cheap hashing in tests; production parameters are above.
        self.ARGON2_TIME_COST = 1
        self.ARGON2_MEMORY_COST = 1024
        self.SERVER_NAME = None
