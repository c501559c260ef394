"""Mail to buyers through SMTP, or, with no SMTP configured, ``.eml`` files in an outbox."""

from __future__ import annotations

import mimetypes
import re
import smtplib
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from pipelines.delivery.settings import MailSettings


def build_message(
    sender: str, recipients: list[str], subject: str, body: str, attachments: list[Path]
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.split("@")[-1])
    message.set_content(body)
    for path in attachments:
        kind, _ = mimetypes.guess_type(path.name)
        if path.suffix == ".xlsx":
            kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        maintype, subtype = (kind or "application/octet-stream").split("/", 1)
        message.add_attachment(
            path.read_bytes(), maintype=maintype, subtype=subtype, filename=path.name
        )
    return message


def send(settings: MailSettings, message: EmailMessage, timeout: float = 30.0) -> None:
    with smtplib.SMTP(settings.host, settings.port, timeout=timeout) as smtp:
        if settings.starttls:
            smtp.starttls()
        if settings.user:
            smtp.login(settings.user, settings.password or "")
        smtp.send_message(message)


def to_outbox(message: EmailMessage, outbox: Path, stem: str) -> Path:
    outbox.mkdir(parents=True, exist_ok=True)
    path = outbox / f"{re.sub(r'[^A-Za-z0-9._-]+', '_', stem)}.eml"
    path.write_bytes(bytes(message))
    return path
