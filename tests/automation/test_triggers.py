"""Each trigger fires its rules, once, on the records the rule's creator may see."""

import pytest

from peyvand.activities.models import Activity
from peyvand.activities.services import complete_activity, create_activity
from peyvand.automation.models import RuleRun
from peyvand.contacts.services import create_contact
from peyvand.core import events
from peyvand.leads.services import create_lead
from peyvand.notifications.models import Notification
from peyvand.sales.services import create_deal, move_deal_to_stage, update_deal
from tests.automation.helpers import make_rule, notify_owner

pytestmark = pytest.mark.django_db


def _stage(pipeline, name):
    return pipeline.stages.get(name=name)


def test_a_created_record_fires_created_rules_of_its_type_only(admin, rep_a, run_events):
    make_rule(admin, "created", [{"type": "add_tag", "tag": "new"}], record_type="contact")
    make_rule(admin, "created", [notify_owner()], record_type="company")
    with run_events():
        contact = create_contact(actor=rep_a, values={"last_name": "Karimi"})
    assert [t.name for t in contact.tags.all()] == ["new"]
    assert not Notification.objects.exists()


def test_a_changed_record_fires_updated_rules(admin, rep_a, pipeline, run_events):
    make_rule(
        admin,
        "updated",
        [notify_owner("Amount of {{ record.name }} is now {{ record.amount }}")],
        record_type="deal",
        conditions=[{"field": "amount", "op": "greater_than", "value": "1000000"}],
    )
    deal = create_deal(actor=rep_a, values={"title": "Fleet", "amount": "10"})
    with run_events():
        deal = update_deal(actor=rep_a, deal=deal, version=deal.version, values={"amount": "500"})
        update_deal(actor=rep_a, deal=deal, version=deal.version, values={"amount": "2000000"})
    (note,) = Notification.objects.filter(recipient=rep_a)
    assert note.text_title() == "Amount of Fleet is now 2000000.00"


def test_moving_a_deal_fires_stage_rules_and_won_or_lost_rules(admin, rep_a, pipeline, run_events):
    proposal = _stage(pipeline, "Proposal")
    make_rule(
        admin,
        "stage_changed",
        [{"type": "create_activity", "kind": "task", "subject": "Prepare the proposal", "due": "+1 day"}],
        conditions=[{"field": "stage", "op": "equals", "value": proposal.pk}],
    )
    make_rule(admin, "deal_won", [{"type": "add_tag", "tag": "customer"}])
    make_rule(admin, "deal_lost", [{"type": "add_tag", "tag": "lost"}])
    with run_events():
        deal = create_deal(actor=rep_a, values={"title": "Fleet"})
    assert not Activity.objects.exists()  # entering the first stage on creation is not a move
    with run_events():
        deal = move_deal_to_stage(
            actor=rep_a, deal=deal, stage=_stage(pipeline, "Qualified"), version=deal.version
        )
        deal = move_deal_to_stage(actor=rep_a, deal=deal, stage=proposal, version=deal.version)
        deal = move_deal_to_stage(actor=rep_a, deal=deal, stage=_stage(pipeline, "Won"), version=deal.version)
    assert list(Activity.objects.values_list("subject", "record_id", "owner_id")) == [
        ("Prepare the proposal", deal.pk, rep_a.pk)
    ]
    deal.refresh_from_db()
    assert [t.name for t in deal.tags.all()] == ["customer"]
    with run_events():
        other = create_deal(actor=rep_a, values={"title": "Lost cause"})
        move_deal_to_stage(actor=rep_a, deal=other, stage=_stage(pipeline, "Lost"), version=other.version)
    other.refresh_from_db()
    assert [t.name for t in other.tags.all()] == ["lost"]
    assert Activity.objects.count() == 1


def test_completing_an_activity_fires_completed_rules_once(admin, rep_a, run_events):
    make_rule(admin, "activity_completed", [notify_owner("Done: {{ record.subject }}")])
    task = create_activity(actor=rep_a, values={"subject": "Call Karimi"})
    with run_events():
        task = complete_activity(actor=rep_a, activity=task, version=task.version)
        create_activity(actor=rep_a, values={"subject": "Not done"})
    assert [n.text_title() for n in Notification.objects.all()] == ["Done: Call Karimi"]
    assert RuleRun.objects.get().status == "ok"


def test_assigning_a_lead_fires_lead_assigned_rules(admin, rep_a, run_events):
    make_rule(admin, "lead_assigned", [notify_owner("New lead for you: {{ record.name }}")])
    with run_events():
        create_lead(actor=admin, values={"last_name": "Rahimi", "owner": rep_a.pk})
    (note,) = Notification.objects.all()
    assert note.recipient == rep_a
    assert note.text_title() == "New lead for you: Rahimi"


def test_creating_a_ticket_fires_ticket_created_rules(admin, rep_a, run_events):
    from peyvand.service.services_tickets import create_ticket

    rule = make_rule(admin, "ticket_created", [notify_owner("New ticket: {{ record.subject }}")])
    assert rule.record_type == "ticket"
    with run_events():
        create_ticket(actor=rep_a, values={"subject": "Printer jams"})
    (note,) = Notification.objects.all()
    assert note.recipient == rep_a
    assert note.text_title() == "New ticket: Printer jams"
    assert RuleRun.objects.get().status == "ok"


def test_a_switched_off_rule_does_not_fire(admin, rep_a, run_events):
    rule = make_rule(admin, "created", [{"type": "add_tag", "tag": "new"}], record_type="contact")
    rule.enabled = False
    rule.save()
    with run_events():
        contact = create_contact(actor=rep_a, values={"last_name": "Karimi"})
    assert not contact.tags.exists()
    assert not RuleRun.objects.exists()


def test_a_rule_that_changes_what_triggers_it_is_stopped_and_logged_as_a_loop(
    admin, rep_a, pipeline, run_events
):
    rule = make_rule(
        admin,
        "updated",
        [{"type": "update_field", "field": "title", "value": "Checked"}],
        record_type="deal",
    )
    deal = create_deal(actor=rep_a, values={"title": "Fleet"})
    with run_events():
        update_deal(actor=rep_a, deal=deal, version=deal.version, values={"amount": "5"})
    deal.refresh_from_db()
    assert deal.title == "Checked"
    runs = list(RuleRun.objects.filter(rule=rule).order_by("id"))
    assert [r.status for r in runs] == ["ok", "stopped"]
    assert runs[1].error == "stopped: loop"
    assert runs[1].chain == [rule.pk, rule.pk]


def test_two_rules_feeding_each_other_stop_at_the_first_repeat(admin, rep_a, pipeline, run_events):
    first = make_rule(
        admin,
        "updated",
        [{"type": "update_field", "field": "title", "value": "A"}],
        record_type="deal",
        conditions=[{"field": "title", "op": "not_equals", "value": "A"}],
        name="first",
    )
    second = make_rule(
        admin,
        "updated",
        [{"type": "update_field", "field": "title", "value": "B"}],
        record_type="deal",
        conditions=[{"field": "title", "op": "equals", "value": "A"}],
        name="second",
    )
    deal = create_deal(actor=rep_a, values={"title": "Fleet"})
    with run_events():
        update_deal(actor=rep_a, deal=deal, version=deal.version, values={"amount": "5"})
    stopped = RuleRun.objects.get(status="stopped")
    assert stopped.rule == first
    assert stopped.chain == [first.pk, second.pk, first.pk]
    assert RuleRun.objects.filter(status="ok").count() == 2


# ── Billing's events ────────────────────────────────────────────────────────────────────────────────────────────


def _customer(owner):
    from peyvand.contacts.models import Company

    return Company.objects.create(name="Parsian Trading", owner=owner, team=owner.team)


def _draft(actor, customer):
    from peyvand.billing import services_invoices

    return services_invoices.create_invoice(
        actor=actor,
        values={"company": customer.pk, "lines": [{"description": "Licence", "unit_price": "1000000"}]},
    )


def _issue(actor, invoice, day=None):
    import datetime as dt

    from peyvand.billing import services_invoices

    return services_invoices.issue_invoice(
        actor=actor, invoice=invoice, issue_date=day or dt.date(2026, 4, 1)
    )


def _task_subjects():
    return list(Activity.objects.order_by("pk").values_list("subject", flat=True))


def test_issuing_an_invoice_fires_invoice_issued_rules(admin, manager_a, run_events):
    make_rule(
        admin,
        "invoice_issued",
        [
            {
                "type": "create_activity",
                "kind": "task",
                "subject": "Call about {{ record.number }}",
                "due": "+1 day",
            }
        ],
        record_type="invoice",
    )
    invoice = _draft(manager_a, _customer(manager_a))
    with run_events():
        invoice = _issue(manager_a, invoice)
    assert _task_subjects() == [f"Call about {invoice.number}"]
    assert Activity.objects.get().owner == manager_a
    assert RuleRun.objects.get().trigger == "invoice_issued"


def test_paying_an_invoice_in_full_fires_invoice_paid_and_payment_recorded_rules(
    admin, manager_a, run_events
):
    from peyvand.billing import services_payments

    make_rule(admin, "invoice_paid", [notify_owner("Paid: {{ record.number }}")], record_type="invoice")
    make_rule(admin, "payment_recorded", [notify_owner("Payment received")], record_type="payment")
    customer = _customer(manager_a)
    invoice = _issue(manager_a, _draft(manager_a, customer))
    with run_events():
        for amount in (invoice.total / 2, invoice.total / 2):
            services_payments.record_payment(
                actor=manager_a,
                values={
                    "company": customer.pk,
                    "amount": str(amount),
                    "method": "transfer",
                    "received_on": "2026-04-05",
                    "allocations": [{"invoice": invoice.pk, "amount": str(amount)}],
                },
            )
    titles = sorted(
        n.text_title() for n in Notification.objects.filter(recipient=manager_a, kind="automation")
    )
    assert titles == ["Paid: " + invoice.number, "Payment received", "Payment received"]


def test_an_invoice_becoming_overdue_fires_invoice_overdue_rules_once(admin, manager_a, run_events):
    import datetime as dt

    from django.utils import timezone

    from peyvand.billing.periodic import mark_overdue_invoices

    make_rule(admin, "invoice_overdue", [notify_owner("Chase {{ record.number }}")], record_type="invoice")
    invoice = _issue(manager_a, _draft(manager_a, _customer(manager_a)), dt.date(2026, 1, 1))
    now = timezone.make_aware(dt.datetime(2026, 3, 1, 9, 0))
    with run_events():
        mark_overdue_invoices(now)
    with run_events():
        mark_overdue_invoices(now)
    assert [n.text_title() for n in Notification.objects.filter(kind="automation")] == [
        f"Chase {invoice.number}"
    ]


def test_a_rule_on_invoices_of_another_team_does_not_run(manager_a, rep_b, run_events):
    make_rule(manager_a, "invoice_issued", [notify_owner("Issued")], record_type="invoice")
    from peyvand.accounts.models import Role

    rep_b.role = Role.SALES_MANAGER
    rep_b.save()
    invoice = _draft(rep_b, _customer(rep_b))
    with run_events():
        _issue(rep_b, invoice)
    assert not Notification.objects.filter(kind="automation").exists()


def test_accepting_a_quote_fires_quote_accepted_rules(admin, manager_a, run_events):
    import datetime as dt

    from peyvand.billing.models import Quote, QuoteStatus

    make_rule(admin, "quote_accepted", [notify_owner("Accepted: {{ record.number }}")], record_type="quote")
    quote = Quote.objects.create(
        owner=manager_a,
        team=manager_a.team,
        company=_customer(manager_a),
        number="Q-1",
        status=QuoteStatus.ACCEPTED,
        issue_date=dt.date(2026, 4, 1),
        valid_until=dt.date(2026, 5, 1),
    )
    with run_events():
        events.emit(events.quote_accepted, Quote, quote=quote, actor=None)
    assert [n.text_title() for n in Notification.objects.filter(kind="automation")] == ["Accepted: Q-1"]
