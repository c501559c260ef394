"""The delivery's resource: where files go, who gets them, how mail leaves.

Every field left unset is resolved when a run uses it, from ``pipelines.delivery.settings`` (the
one place that reads ``SMTP_*`` and ``RESTOCK_BUYER*`` from the environment), so nothing is read
at import time and a laptop with no SMTP still gets its ``.eml`` outbox.
"""

from pathlib import Path

import dagster as dg
from pydantic import Field

from pipelines.delivery import settings as delivery_settings
from pipelines.delivery.buyers import Buyers, load_buyers
from pipelines.delivery.settings import MailSettings


class RestockDelivery(dg.ConfigurableResource):
    """Exports folder, buyers per category and the SMTP server of the nightly restock mail."""

    exports_dir: str | None = Field(default=None, description="unset: $INNOVALOGIX_HOME/exports")
    buyers_file: str | None = Field(
        default=None, description="unset: RESTOCK_BUYERS_FILE or $INNOVALOGIX_HOME/buyers.yaml"
    )
    smtp_host: str | None = Field(default=None, description="unset: SMTP_HOST (none: outbox)")
    smtp_port: int | None = Field(default=None, description="unset: SMTP_PORT")
    smtp_user: str | None = Field(default=None, description="unset: SMTP_USER")
    smtp_password: str | None = Field(default=None, description="unset: SMTP_PASSWORD")
    smtp_from: str | None = Field(default=None, description="unset: SMTP_FROM")
    smtp_starttls: bool | None = Field(default=None, description="unset: SMTP_STARTTLS")

    def resolved_exports_dir(self) -> Path:
        return Path(self.exports_dir) if self.exports_dir else delivery_settings.exports_dir()

    def buyers(self) -> Buyers:
        path = Path(self.buyers_file) if self.buyers_file else delivery_settings.buyers_file()
        return load_buyers(path, delivery_settings.buyer_emails_for_all())

    def mail(self) -> MailSettings:
        env = delivery_settings.mail_settings()
        host = self.smtp_host or env.host
        return MailSettings(
            host=host,
            port=self.smtp_port or env.port,
            user=self.smtp_user or env.user,
            password=self.smtp_password or env.password,
            sender=self.smtp_from or env.sender,
            starttls=env.starttls if self.smtp_starttls is None else self.smtp_starttls,
        )


@dg.definitions
def restock_resources() -> dg.Definitions:
    return dg.Definitions(resources={"restock_delivery": RestockDelivery()})
