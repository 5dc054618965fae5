"""Scheduled triggers: a date reached (or N days before or after it) and deals without activity; each fires once
per rule, record and occurrence however often the job runs."""

import datetime as dt

import pytest
import time_machine

from peyvand.activities.services import create_activity
from peyvand.automation.models import RuleRun
from peyvand.contacts.services import create_contact
from peyvand.core import periodic
from peyvand.core.models import CustomField
from peyvand.notifications.models import Notification
from peyvand.sales.services import create_deal
from tests.automation.helpers import make_rule, notify_owner

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 1, 6, 0, tzinfo=dt.UTC)  # 09:30 in Tehran


def _run(when, job, run_events):
    with time_machine.travel(when, tick=False), run_events():
        return periodic.run_due(when, only=job)


def test_a_deal_close_date_rule_fires_three_days_before_once(admin, rep_a, pipeline, run_events):
    with time_machine.travel(START, tick=False):
        make_rule(
            admin,
            "date_reached",
            [notify_owner("{{ record.title }} closes soon")],
            params={"field": "expected_close_date", "offset_days": -3},
            record_type="deal",
        )
        deal = create_deal(actor=rep_a, values={"title": "Fleet", "expected_close_date": "2026-03-10"})
        create_deal(actor=rep_a, values={"title": "Later", "expected_close_date": "2026-04-10"})

    _run(START + dt.timedelta(days=5), "automation-dates", run_events)  # 6 March: too early
    assert not RuleRun.objects.exists()
    for hours in (0, 1, 5):  # 7 March, three times
        _run(START + dt.timedelta(days=6, hours=hours), "automation-dates", run_events)
    _run(START + dt.timedelta(days=7), "automation-dates", run_events)  # 8 March: still in catch-up, same key
    run = RuleRun.objects.get()
    assert (run.record_id, run.key, run.status) == (deal.pk, f"date:{deal.pk}:2026-03-07", "ok")
    assert [n.text_title() for n in Notification.objects.all()] == ["Fleet closes soon"]


def test_a_birthday_rule_fires_on_the_day_every_year(admin, rep_a, run_events):
    with time_machine.travel(START, tick=False):
        make_rule(
            admin,
            "date_reached",
            [notify_owner("Birthday of {{ record.name }}")],
            params={"field": "birthday"},
            record_type="contact",
        )
        create_contact(actor=rep_a, values={"last_name": "Karimi", "birthday": "1990-03-05"})
    for days in (4, 4.5, 5):  # 5 March twice, then 6 March
        _run(START + dt.timedelta(days=days), "automation-dates", run_events)
    assert list(RuleRun.objects.values_list("key", flat=True)) == [RuleRun.objects.get().key]
    assert RuleRun.objects.get().key.endswith(":2026-03-05")
    _run(dt.datetime(2027, 3, 5, 6, 0, tzinfo=dt.UTC), "automation-dates", run_events)
    assert sorted(k[-10:] for k in RuleRun.objects.values_list("key", flat=True)) == [
        "2026-03-05",
        "2027-03-05",
    ]


def test_a_custom_date_field_can_trigger_a_rule(admin, rep_a, pipeline, run_events):
    CustomField.objects.create(entity="deal", key="contract_end", label="Contract end", field_type="date")
    with time_machine.travel(START, tick=False):
        make_rule(
            admin,
            "date_reached",
            [notify_owner("Renew {{ record.title }}")],
            params={"field": "custom.contract_end", "offset_days": 1},
            record_type="deal",
        )
        create_deal(actor=rep_a, values={"title": "Support", "custom": {"contract_end": "2026-03-02"}})
    _run(START + dt.timedelta(days=2), "automation-dates", run_events)
    assert [n.text_title() for n in Notification.objects.all()] == ["Renew Support"]


def test_a_deal_without_activity_for_n_days_fires_once_per_quiet_spell(admin, rep_a, pipeline, run_events):
    with time_machine.travel(START, tick=False):
        make_rule(admin, "no_activity", [notify_owner("{{ record.title }} is quiet")], params={"days": 7})
        deal = create_deal(actor=rep_a, values={"title": "Fleet"})
    _run(START + dt.timedelta(days=6), "automation-quiet-deals", run_events)
    assert not RuleRun.objects.exists()
    _run(START + dt.timedelta(days=8), "automation-quiet-deals", run_events)
    _run(START + dt.timedelta(days=9, hours=2), "automation-quiet-deals", run_events)
    assert RuleRun.objects.count() == 1

    with time_machine.travel(START + dt.timedelta(days=10), tick=False):
        create_activity(actor=rep_a, values={"subject": "Call", "record": deal})
    _run(START + dt.timedelta(days=15), "automation-quiet-deals", run_events)
    assert RuleRun.objects.count() == 1  # the call was five days ago
    _run(START + dt.timedelta(days=18), "automation-quiet-deals", run_events)
    assert RuleRun.objects.count() == 2
    assert Notification.objects.filter(recipient=rep_a).count() == 2


def test_an_email_not_opened_for_n_days_fires_once_and_an_opened_one_never(
    admin, rep_a, run_events, mailoutbox
):
    from peyvand.messaging import tracking
    from peyvand.messaging.models import Outbox
    from peyvand.messaging.services import send

    with time_machine.travel(START, tick=False):
        make_rule(
            admin,
            "email_not_opened",
            [notify_owner("{{ record.last_name }} did not open")],
            record_type="contact",
            params={"days": 3},
        )
        quiet = create_contact(actor=rep_a, values={"last_name": "Quiet", "emails": ["q@example.com"]})
        keen = create_contact(actor=rep_a, values={"last_name": "Keen", "emails": ["k@example.com"]})
        for contact in (quiet, keen):
            send(
                channel="email",
                to=contact.emails[0],
                subject="Offer",
                body="x",
                html_body="<p>x</p>",
                record_type="contact",
                record_id=contact.pk,
            )
    pixel = tracking.pixel_url(Outbox.objects.get(to="k@example.com"))
    token = pixel.rsplit("/", 1)[1].removesuffix(".gif")
    tracking.record_open(token, user_agent="Thunderbird", at=START + dt.timedelta(hours=5))
    _run(START + dt.timedelta(days=2), "automation-unopened-emails", run_events)
    assert not RuleRun.objects.exists()
    _run(START + dt.timedelta(days=3, hours=1), "automation-unopened-emails", run_events)
    _run(START + dt.timedelta(days=4, hours=2), "automation-unopened-emails", run_events)
    (run,) = RuleRun.objects.all()
    assert run.record_id == quiet.pk
    assert Notification.objects.get().title == "Quiet did not open"
