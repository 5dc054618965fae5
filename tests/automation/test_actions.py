"""Each action does its work through the services, as the rule's creator, and logs what it did."""

import datetime as dt

import pytest
from django.core import mail

from peyvand.activities.models import Activity
from peyvand.automation.models import RuleRun
from peyvand.contacts.services import create_contact
from peyvand.core.models import AuditEntry, CustomField
from peyvand.messaging.models import Outbox
from peyvand.notifications.models import Notification
from peyvand.sales.models import Deal
from peyvand.sales.services import create_deal
from tests.automation.helpers import make_rule

pytestmark = pytest.mark.django_db


def _new_deal(rule_actions, actor, owner, run_events, **deal_values):
    make_rule(actor, "created", rule_actions, record_type="deal")
    with run_events():
        deal = create_deal(actor=owner, values={"title": "Fleet", **deal_values})
    deal.refresh_from_db()
    return deal


def test_create_a_meeting_for_a_chosen_user_two_hours_after_the_trigger(
    admin, rep_a, rep_a2, pipeline, run_events
):
    action = {"type": "create_activity", "kind": "meeting", "subject": "Kick-off for {{ record.title }}"}
    deal = _new_deal([action | {"due": "+2 hours", "owner": rep_a2.pk}], admin, rep_a, run_events)
    meeting = Activity.objects.get()
    run = RuleRun.objects.get()
    assert (meeting.kind, meeting.subject, meeting.owner, meeting.record_id) == (
        "meeting",
        "Kick-off for Fleet",
        rep_a2,
        deal.pk,
    )
    assert meeting.due_at == run.fired_at + dt.timedelta(hours=2)
    assert AuditEntry.objects.filter(object_id=meeting.pk, action="create", actor=admin).exists()


def test_assign_the_record_to_another_user(manager_a, rep_a, rep_a2, pipeline, run_events):
    deal = _new_deal([{"type": "assign_owner", "user": rep_a2.pk}], manager_a, rep_a, run_events)
    assert deal.owner == rep_a2
    assert deal.version == 2


def test_change_an_allow_listed_field_and_a_custom_field(admin, rep_a, pipeline, run_events):
    CustomField.objects.create(entity="deal", key="source_system", label="Source system", field_type="text")
    actions = [
        {"type": "update_field", "field": "expected_close_date", "value": "1405/01/15"},
        {"type": "update_field", "field": "custom.source_system", "value": "automation"},
    ]
    deal = _new_deal(actions, admin, rep_a, run_events)
    assert deal.expected_close_date == dt.date(2026, 4, 4)
    assert deal.custom == {"source_system": "automation"}


def test_add_a_tag_keeps_the_existing_ones(admin, rep_a, run_events):
    make_rule(admin, "created", [{"type": "add_tag", "tag": "مشتری ویژه"}], record_type="contact")
    with run_events():
        contact = create_contact(actor=rep_a, values={"last_name": "Karimi", "tags": ["tehran"]})
    assert sorted(t.name for t in contact.tags.all()) == ["tehran", "مشتری ویژه"]


def test_notify_the_owner_their_manager_and_a_chosen_user_once_each(
    admin, rep_a, rep_a2, manager_a, pipeline, run_events
):
    action = {
        "type": "notify",
        "recipients": ["owner", "manager", rep_a2.pk, manager_a.pk],
        "title": "Big deal",
    }
    _new_deal([action], admin, rep_a, run_events)
    assert sorted(n.recipient.username for n in Notification.objects.all()) == [
        "manager_a",
        "rep_a",
        "rep_a2",
    ]


def test_send_an_html_email_to_the_deals_contact_escaping_the_records_text(
    admin, rep_a, pipeline, run_events
):
    contact = create_contact(actor=rep_a, values={"last_name": "Karimi", "emails": ["karimi@example.com"]})
    action = {
        "type": "send_email",
        "to": "contact",
        "subject": "About {{ record.title }}",
        "body": "<p>Dear customer, your deal <b>{{ record.title }}</b> is open.</p>",
        "html": True,
    }
    _new_deal([action], admin, rep_a, run_events, title="<script>x</script>", contact=contact.pk)
    (message,) = mail.outbox
    assert message.to == ["karimi@example.com"]
    assert message.subject == "About <script>x</script>"  # a subject is text, not HTML
    html = message.alternatives[0][0]
    assert "<b>&lt;script&gt;x&lt;/script&gt;</b>" in html
    assert "<script>" not in html
    assert message.body == "Dear customer, your deal <script>x</script> is open."  # the plain-text part
    row = Outbox.objects.get()
    assert (row.channel, row.status, row.record_type) == ("email", "sent", "deal")


def test_send_an_sms_to_a_number_goes_to_the_outbox(admin, rep_a, pipeline, run_events):
    action = {"type": "send_sms", "to": "0912 345 6789", "body": "{{ record.title }}: {{ owner.name }}"}
    _new_deal([action], admin, rep_a, run_events)
    row = Outbox.objects.get()
    assert (row.channel, row.to, row.body, row.status) == ("sms", "+989123456789", "Fleet: rep_a", "queued")
    assert RuleRun.objects.get().status == "ok"


def test_a_failing_action_is_retried_with_backoff_and_succeeds_once_its_cause_is_fixed(
    admin, rep_a, pipeline, run_events
):
    import time_machine

    from peyvand.core import periodic

    make_rule(
        admin,
        "created",
        [{"type": "send_email", "to": "owner", "subject": "New", "body": "x"}],
        record_type="deal",
    )
    start = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False), run_events():
        create_deal(actor=rep_a, values={"title": "Fleet"})
    run = RuleRun.objects.get()
    assert (run.status, run.attempts) == ("retrying", 1)
    assert "no address" in run.error
    assert run.next_attempt_at == start + dt.timedelta(minutes=1)

    with time_machine.travel(start + dt.timedelta(seconds=30), tick=False), run_events():
        periodic.run_due(start + dt.timedelta(seconds=30), only="automation-retries")
    run.refresh_from_db()
    assert run.attempts == 1  # not due yet

    rep_a.email = "rep_a@example.com"
    rep_a.save()
    later = start + dt.timedelta(minutes=2)
    with time_machine.travel(later, tick=False), run_events():
        periodic.run_due(later, only="automation-retries")
    run.refresh_from_db()
    assert (run.status, run.attempts, run.error) == ("ok", 2, "")
    assert [m.to for m in mail.outbox] == [["rep_a@example.com"]]


def test_an_action_failing_every_attempt_is_logged_failed_and_reported_to_the_rules_creator(
    admin, rep_a, pipeline, run_events, settings
):
    settings.PEYVAND_AUTOMATION_MAX_ATTEMPTS = 2
    settings.PEYVAND_AUTOMATION_BACKOFF_MINUTES = 0
    from peyvand.automation import engine

    rule = make_rule(
        admin,
        "created",
        [{"type": "add_tag", "tag": "seen"}, {"type": "send_sms", "to": "contact", "body": "hi"}],
        record_type="deal",
    )
    with run_events():
        deal = create_deal(actor=rep_a, values={"title": "Fleet"})
    assert RuleRun.objects.get().status == "retrying"
    assert not Notification.objects.exists()
    with run_events():
        engine.retry_due(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1))
    run = RuleRun.objects.get()
    assert (run.status, run.attempts) == ("failed", 2)
    assert [r["status"] for r in run.results] == ["ok", "failed"]
    assert Deal.objects.get(pk=deal.pk).version == 2  # the tag was added once, not again on the retry
    (note,) = Notification.objects.filter(kind="automation_failed")
    assert note.recipient == admin
    assert note.url == f"/automation/{rule.pk}/"
    assert "Fleet" not in note.text_title() and rule.name in note.text_title()
