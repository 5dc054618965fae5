"""The SMS job: fetch delivery reports of recent messages (the outbox job tries again those a busy gateway
deferred)."""

import datetime as dt

from peyvand.core.periodic import periodic
from peyvand.messaging import services_sms


@periodic("sms-delivery-reports", every=dt.timedelta(minutes=10))
def delivery_reports_job(now):
    return services_sms.fetch_reports(now)
