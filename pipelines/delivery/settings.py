"""The delivery's settings, read from the environment in this one place, when asked for.

| variable | default |
|---|---|
| ``SMTP_HOST`` | unset: no mail is sent, messages land as ``.eml`` in the outbox folder |
| ``SMTP_PORT`` | 587 with STARTTLS, else 25 |
| ``SMTP_USER`` / ``SMTP_PASSWORD`` | unset: no login |
| ``SMTP_FROM`` | ``reposicion@innovalogix.local`` |
| ``SMTP_STARTTLS`` | ``true`` when a user is set, else ``false`` (``1/true/yes/si``) |
| ``RESTOCK_BUYERS_FILE`` | ``$INNOVALOGIX_HOME/buyers.yaml`` (category → buyers' emails) |
| ``RESTOCK_BUYER_EMAILS`` | unset; comma-separated emails that get every category |
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from erp_core.settings import get_settings

DEFAULT_SENDER = "reposicion@innovalogix.local"
TRUE = {"1", "true", "yes", "si", "sí", "on"}


@dataclass(frozen=True)
class MailSettings:
    host: str | None
    port: int
    user: str | None
    password: str | None
    sender: str
    starttls: bool

    @property
    def configured(self) -> bool:
        return bool(self.host)


def mail_settings(environ: dict[str, str] | None = None) -> MailSettings:
    env = os.environ if environ is None else environ
    user = env.get("SMTP_USER") or None
    starttls_text = env.get("SMTP_STARTTLS")
    starttls = starttls_text.strip().lower() in TRUE if starttls_text else user is not None
    port_text = env.get("SMTP_PORT") or ("587" if starttls else "25")
    try:
        port = int(port_text)
    except ValueError:
        raise ValueError(f"SMTP_PORT={port_text!r}: debe ser un número de puerto") from None
    return MailSettings(
        host=env.get("SMTP_HOST") or None,
        port=port,
        user=user,
        password=env.get("SMTP_PASSWORD") or None,
        sender=env.get("SMTP_FROM") or DEFAULT_SENDER,
        starttls=starttls,
    )


def exports_dir() -> Path:
    return get_settings().home / "exports"


def buyers_file(environ: dict[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    given = env.get("RESTOCK_BUYERS_FILE")
    return Path(given) if given else get_settings().home / "buyers.yaml"


def buyer_emails_for_all(environ: dict[str, str] | None = None) -> list[str]:
    env = os.environ if environ is None else environ
    return [e.strip() for e in (env.get("RESTOCK_BUYER_EMAILS") or "").split(",") if e.strip()]
