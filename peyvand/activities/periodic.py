"""Jobs of activities that the worker runs on a schedule."""

import datetime as dt

from peyvand.activities.reminders import send_due_reminders
from peyvand.core.periodic import periodic


@periodic("activity_reminders", every=dt.timedelta(minutes=1))
def send_activity_reminders(now: dt.datetime) -> int:
    return send_due_reminders(now=now)
