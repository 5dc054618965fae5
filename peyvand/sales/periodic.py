"""Jobs of sales that the worker runs on a schedule."""

import datetime as dt

from peyvand.core.periodic import periodic
from peyvand.sales.stuck import alert_stuck_deals


@periodic("stuck_deals", every=dt.timedelta(minutes=15))
def notify_stuck_deals(now: dt.datetime) -> int:
    return alert_stuck_deals(now=now)
