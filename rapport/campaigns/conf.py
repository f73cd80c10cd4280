"""This app's settings, read from ``settings.RAPPORT`` (filled from the environment by
``config.env``), with defaults so a bare configuration still works."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

# Messages claimed and handed over per SMTP connection.
BATCH_SIZE = 500
# A sending worker renews its lease every batch; another may take over once it lapses.
LEASE_SECONDS = 300


def _rapport(key: str, default: object) -> object:
    return getattr(settings, "RAPPORT", {}).get(key, default)


def base_url() -> str:
    """Where links in e-mails point (unsubscribe), e.g. https://crm.example.com."""
    return str(_rapport("BASE_URL", "http://localhost:8000")).rstrip("/")


def rate_per_minute() -> int:
    """Campaign messages per minute; 0 means as fast as the mail server takes them."""
    return max(0, int(str(_rapport("EMAIL_RATE_PER_MINUTE", 0))))


def from_address() -> str:
    return str(settings.DEFAULT_FROM_EMAIL)


def message_id_domain() -> str:
    address = from_address()
    domain = address.rsplit("@", 1)[-1].strip(" >") if "@" in address else ""
    return domain or "rapport.invalid"


@dataclass(frozen=True)
class ImapConfig:
    host: str
    port: int
    user: str
    password: str
    folder: str
    ssl: bool

    @property
    def mailbox_key(self) -> str:
        return f"{self.user}@{self.host}:{self.port}/{self.folder}"


def imap_config() -> ImapConfig | None:
    """The mailbox the worker polls, or None when RAPPORT_IMAP_HOST is not set."""
    raw = _rapport("IMAP", None)
    if not isinstance(raw, dict) or not raw.get("HOST"):
        return None
    return ImapConfig(
        host=str(raw["HOST"]),
        port=int(raw.get("PORT") or 993),
        user=str(raw.get("USER", "")),
        password=str(raw.get("PASSWORD", "")),
        folder=str(raw.get("FOLDER") or "INBOX"),
        ssl=bool(raw.get("SSL", True)),
    )
