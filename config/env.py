"""The one module that reads the environment.

Every setting that may differ between machines comes from here; nothing else in
Rapport calls ``os.environ``. Values are parsed and validated once, at start-up,
so a typo fails loudly instead of half-working.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


class ConfigurationError(RuntimeError):
    """A setting in the environment is missing or malformed."""


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigurationError(f"{name} must be true or false, not {raw!r}")


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigurationError(f"{name} must be a whole number, not {raw!r}") from exc


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ConfigurationError(f"{name} must be a number, not {raw!r}") from exc


def _list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def _networks(name: str) -> list[str]:
    """Addresses or CIDR blocks, checked now so a typo fails at start-up."""
    networks = []
    for item in _list(name, []):
        try:
            networks.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError as exc:
            raise ConfigurationError(
                f"{name} must list IP addresses or networks (10.0.0.0/8), not {item!r}"
            ) from exc
    return networks


def _secret_key(data_dir: Path) -> str:
    """Take the key from the environment, else from the data folder, else make one.

    Keeping a generated key in the data folder means sessions survive restarts
    without the user having to invent a secret on first run.
    """
    from_env = os.environ.get("RAPPORT_SECRET_KEY", "").strip()
    if from_env:
        return from_env
    key_file = data_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text(encoding="utf-8").strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    # Create with 0600 so the key is never world-readable, even briefly.
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process won the race: use its key
        return key_file.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key)
    return key


@dataclass(frozen=True)
class Environment:
    data_dir: Path
    database_url: str | None
    secret_key: str
    allowed_hosts: list[str]
    csrf_trusted_origins: list[str]
    redis_url: str | None
    debug: bool
    https: bool
    default_phone_region: str
    time_zone: str
    email_host: str
    email_port: int
    email_host_user: str
    email_host_password: str
    email_use_tls: bool
    email_timeout: int
    default_from_email: str
    api_rate_limit_per_minute: int
    log_level: str
    import_max_bytes: int
    import_max_rows: int
    import_max_field_chars: int
    import_file_retention_days: int
    base_url: str
    email_rate_per_minute: int
    imap_host: str
    imap_port: int
    imap_user: str
    imap_password: str
    imap_folder: str
    imap_ssl: bool
    trusted_proxies: list[str]
    login_failures_per_address: int
    login_failures_per_account: int
    login_slowdown_seconds: int
    api_docs_public: bool
    session_idle_minutes: int
    session_max_hours: int
    password_banned_words: list[str]
    # At most this many of each list on one record (tags, e-mails, phones, affiliations).
    record_limits: dict[str, int] = field(default_factory=dict)
    # Lifecycle stage thresholds (rapport_analytics/lifecycle.py says what each means).
    lifecycle: dict[str, float] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)


def load() -> Environment:
    data_dir = Path(os.environ.get("RAPPORT_DATA_DIR") or BASE_DIR / "var").resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):  # a folder someone else owns keeps its mode
        data_dir.chmod(0o700)  # the database, queue, uploads and secret key: owner only
    region = os.environ.get("RAPPORT_DEFAULT_PHONE_REGION", "US").strip().upper()
    if len(region) != 2 or not region.isalpha():
        raise ConfigurationError(
            f"RAPPORT_DEFAULT_PHONE_REGION must be a two-letter country code, not {region!r}"
        )
    return Environment(
        data_dir=data_dir,
        database_url=os.environ.get("DATABASE_URL") or None,
        secret_key=_secret_key(data_dir),
        allowed_hosts=_list("RAPPORT_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"]),
        csrf_trusted_origins=_list("RAPPORT_CSRF_TRUSTED_ORIGINS", []),
        redis_url=os.environ.get("RAPPORT_REDIS_URL") or None,
        debug=_bool("RAPPORT_DEBUG", False),
        https=_bool("RAPPORT_HTTPS", False),
        default_phone_region=region,
        time_zone=os.environ.get("RAPPORT_TIME_ZONE", "UTC"),
        email_host=os.environ.get("RAPPORT_EMAIL_HOST", "localhost"),
        email_port=_int("RAPPORT_EMAIL_PORT", 25),
        email_host_user=os.environ.get("RAPPORT_EMAIL_USER", ""),
        email_host_password=os.environ.get("RAPPORT_EMAIL_PASSWORD", ""),
        email_use_tls=_bool("RAPPORT_EMAIL_USE_TLS", False),
        email_timeout=_int("RAPPORT_EMAIL_TIMEOUT", 30),
        default_from_email=os.environ.get("RAPPORT_FROM_EMAIL", "rapport@localhost"),
        api_rate_limit_per_minute=_int("RAPPORT_API_RATE_LIMIT", 600),
        log_level=os.environ.get("RAPPORT_LOG_LEVEL", "INFO").upper(),
        import_max_bytes=_int("RAPPORT_IMPORT_MAX_MB", 1024) * 1024 * 1024,
        import_max_rows=_int("RAPPORT_IMPORT_MAX_ROWS", 2_000_000),
        import_max_field_chars=_int("RAPPORT_IMPORT_MAX_FIELD_CHARS", 10_000),
        import_file_retention_days=_int("RAPPORT_IMPORT_FILE_RETENTION_DAYS", 7),
        base_url=os.environ.get("RAPPORT_BASE_URL", "http://localhost:8000").strip().rstrip("/"),
        email_rate_per_minute=_int("RAPPORT_EMAIL_RATE_PER_MINUTE", 0),
        imap_host=os.environ.get("RAPPORT_IMAP_HOST", "").strip(),
        imap_port=_int("RAPPORT_IMAP_PORT", 993),
        imap_user=os.environ.get("RAPPORT_IMAP_USER", ""),
        imap_password=os.environ.get("RAPPORT_IMAP_PASSWORD", ""),
        imap_folder=os.environ.get("RAPPORT_IMAP_FOLDER", "INBOX").strip() or "INBOX",
        imap_ssl=_bool("RAPPORT_IMAP_SSL", True),
        trusted_proxies=_networks("RAPPORT_TRUSTED_PROXIES"),
        login_failures_per_address=_int("RAPPORT_LOGIN_FAILURES_PER_ADDRESS", 10),
        login_failures_per_account=_int("RAPPORT_LOGIN_FAILURES_PER_ACCOUNT", 5),
        login_slowdown_seconds=_int("RAPPORT_LOGIN_SLOWDOWN_SECONDS", 30),
        api_docs_public=_bool("RAPPORT_API_DOCS_PUBLIC", False),
        session_idle_minutes=_int("RAPPORT_SESSION_IDLE_MINUTES", 8 * 60),
        session_max_hours=_int("RAPPORT_SESSION_MAX_HOURS", 14 * 24),
        password_banned_words=_list("RAPPORT_PASSWORD_BANNED_WORDS", []),
        record_limits={
            "tags": _int("RAPPORT_MAX_TAGS_PER_RECORD", 100),
            "emails": _int("RAPPORT_MAX_EMAILS_PER_PERSON", 20),
            "phones": _int("RAPPORT_MAX_PHONES_PER_PERSON", 20),
            "organizations": _int("RAPPORT_MAX_AFFILIATIONS_PER_PERSON", 200),
        },
        lifecycle={
            "repeat_orders": _int("RAPPORT_LIFECYCLE_REPEAT_ORDERS", 2),
            "loyal_orders": _int("RAPPORT_LIFECYCLE_LOYAL_ORDERS", 5),
            "loyal_within_days": _int("RAPPORT_LIFECYCLE_LOYAL_WITHIN_DAYS", 180),
            "at_risk_factor": _float("RAPPORT_LIFECYCLE_AT_RISK_FACTOR", 2.0),
            "first_interval_days": _int("RAPPORT_LIFECYCLE_FIRST_INTERVAL_DAYS", 90),
            "lapsed_days": _int("RAPPORT_LIFECYCLE_LAPSED_DAYS", 365),
        },
    )
