"""Scheduled triggers: dates reached and deals gone quiet, plus the retry of failed rule runs.

Each firing has a key (rule, record, occurrence) stored on its RuleRun under a unique constraint, so a job run
twice, or by two workers, fires each rule once per record and occurrence.
"""

import datetime as dt

from django.db.models import F, Q
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from peyvand.automation import catalog, engine
from peyvand.automation.models import Rule
from peyvand.core.periodic import periodic

# How many days back a missed date still fires (a worker down over a weekend); never before the rule existed.
CATCH_UP_DAYS = 3


def _occurrences(now: dt.datetime, rule: Rule) -> list[dt.date]:
    today = timezone.localdate(now)
    first = max(today - dt.timedelta(days=CATCH_UP_DAYS), timezone.localdate(rule.created_at))
    return [first + dt.timedelta(days=n) for n in range((today - first).days + 1)]


def _date_filter(field: str, day: dt.date, *, yearly: bool) -> Q:
    if field.startswith("custom."):
        return Q(**{f"custom__{field.removeprefix('custom.')}": day.isoformat()})
    if not yearly:
        return Q(**{field: day})
    q = Q(**{f"{field}__month": day.month, f"{field}__day": day.day})
    if day.month == 2 and day.day == 28 and not _leap(day.year):
        q |= Q(**{f"{field}__month": 2, f"{field}__day": 29})  # 29 February falls on the 28th in other years
    return q


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def fire_date_rules(now: dt.datetime) -> int:
    fired = 0
    for rule in Rule.objects.filter(enabled=True, trigger="date_reached").select_related("created_by"):
        field = rule.params.get("field", "")
        offset = int(rule.params.get("offset_days", 0))
        yearly = field == "birthday"
        model = catalog.model_for(rule.record_type)
        if model is None or not rule.created_by.is_active:
            continue
        for occurrence in _occurrences(now, rule):
            day = occurrence - dt.timedelta(days=offset)  # the date the field holds when it fires today
            records = model.objects.visible_to(rule.created_by).filter(
                _date_filter(field, day, yearly=yearly)
            )
            for record in records.iterator():
                key = f"date:{record.pk}:{occurrence.isoformat()}"
                if engine.fire_rule(rule, record, key=key) is not None:
                    fired += 1
    return fired


def fire_quiet_deals(now: dt.datetime) -> int:
    from peyvand.activities.selectors import last_activity_at
    from peyvand.sales.models import Deal

    fired = 0
    for rule in Rule.objects.filter(enabled=True, trigger="no_activity").select_related("created_by"):
        days = int(rule.params.get("days", 7))
        deals = (
            Deal.objects.visible_to(rule.created_by)
            .filter(status="open")
            .annotate(last_touch=Greatest(F("created_at"), Coalesce(last_activity_at(Deal), F("created_at"))))
            .filter(last_touch__lte=now - dt.timedelta(days=days))
        )
        for deal in deals:
            # One firing per quiet spell: a new activity starts a new spell with a new key.
            key = f"quiet:{deal.pk}:{deal.last_touch.isoformat()}"
            if engine.fire_rule(rule, deal, key=key) is not None:
                fired += 1
    return fired


def fire_unopened_emails(now: dt.datetime) -> int:
    """Rules on "an e-mail about it was not opened for N days": once per tracked e-mail sent since the rule was
    made, N days after it left unopened (opens are approximate; a click counts as an open)."""
    from peyvand.core import registry
    from peyvand.messaging.models import Outbox

    fired = 0
    for rule in Rule.objects.filter(enabled=True, trigger="email_not_opened").select_related("created_by"):
        kind = registry.find(rule.record_type)
        if kind is None:
            continue
        days = int(rule.params.get("days", 3))
        messages = Outbox.objects.filter(
            channel="email",
            tracked=True,
            record_type=rule.record_type,
            status__in=("sent", "delivered"),
            sent_at__gte=rule.created_at,
            sent_at__lte=now - dt.timedelta(days=days),
        ).order_by("sent_at", "id")
        records = {r.pk: r for r in kind.visible(rule.created_by).filter(pk__in=messages.values("record_id"))}
        for message in messages:
            record = records.get(message.record_id)
            if (
                record is not None
                and engine.fire_rule(rule, record, key=f"unopened:{message.pk}") is not None
            ):
                fired += 1
    return fired


@periodic("automation-dates", every=dt.timedelta(minutes=30))
def date_job(now):
    return fire_date_rules(now)


@periodic("automation-quiet-deals", every=dt.timedelta(hours=1))
def quiet_job(now):
    return fire_quiet_deals(now)


@periodic("automation-unopened-emails", every=dt.timedelta(hours=1))
def unopened_job(now):
    return fire_unopened_emails(now)


@periodic("automation-retries", every=dt.timedelta(minutes=1))
def retry_job(now):
    return engine.retry_due(now)
