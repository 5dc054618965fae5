"""The mailbox sync's schedule: every minute the worker reads the new mail of each mailbox that is due (one that
failed waits out its back-off, see ``mailboxes.backoff``)."""

import datetime as dt

from peyvand.core.periodic import periodic
from peyvand.messaging import mailboxes


@periodic("mailboxes-sync", every=dt.timedelta(minutes=1))
def sync_mailboxes(now: dt.datetime) -> None:
    mailboxes.sync_due(now)
