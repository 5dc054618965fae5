"""The outbox job: every minute, send what is due (scheduled messages and retries after a failure)."""

import datetime as dt

from peyvand.core.periodic import periodic
from peyvand.messaging.services import deliver_due


@periodic("outbox-deliver", every=dt.timedelta(minutes=1))
def outbox_job(now: dt.datetime) -> dict[str, int]:
    return deliver_due(now)
