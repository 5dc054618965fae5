import io
import re
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from peyvand.accounts.models import Role, User
from peyvand.activities.models import Activity
from peyvand.activities.selectors import my_open_tasks
from peyvand.contacts.models import Company, Contact
from peyvand.core.models import AuditAction, AuditEntry
from peyvand.core.records import _refresh_search_text
from peyvand.leads.models import Lead, LeadStatus
from peyvand.sales.models import Deal, DealStatus, Pipeline, StageHistory, StageKind
from peyvand.sales.selectors import stuck

SIZES = {"companies": 15, "contacts": 50, "leads": 20, "deals": 60, "activities": 200}
MOBILE = re.compile(r"^\+989\d{9}$")
LANDLINE = re.compile(r"^\+98[1-8]\d{9}$")


def run_demo(*args, **options) -> str:
    out = io.StringIO()
    with translation.override("en"):  # the messages are asserted in their English source text
        call_command("demo", *args, stdout=out, **{**SIZES, **options})
    return out.getvalue()


@pytest.fixture
def demo(db):
    started = timezone.now()
    output = run_demo("--seed", "7")
    return started, output


def test_demo_creates_the_requested_numbers_of_records(demo):
    assert Company.objects.count() == SIZES["companies"]
    assert Contact.objects.count() == SIZES["contacts"]
    assert Lead.objects.count() == SIZES["leads"]
    assert Deal.objects.count() == SIZES["deals"]
    assert Activity.objects.count() == SIZES["activities"]
    assert set(Pipeline.objects.values_list("name", flat=True)) == {"فروش نرم‌افزار", "خدمات پشتیبانی"}
    assert Pipeline.objects.get(is_default=True).name == "فروش نرم‌افزار"


def test_demo_says_where_and_how_to_sign_in_and_the_password_works(demo):
    _started, output = demo
    assert "http://127.0.0.1:8000" in output
    assert "peyvand-demo" in output
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.role == Role.ADMIN and admin.check_password("peyvand-demo")
    for role in (Role.SALES_MANAGER, Role.SALES_REP):
        user = User.objects.filter(role=role).order_by("id").first()
        assert user.username in output
        assert user.check_password("peyvand-demo")
    assert User.objects.filter(role=Role.SUPPORT_AGENT).exists()
    assert User.objects.filter(role=Role.MARKETER).exists()


def test_every_pipeline_has_open_stages_of_rising_probability_and_one_won_and_one_lost(demo):
    for pipeline in Pipeline.objects.all():
        stages = list(pipeline.stages.order_by("order"))
        open_stages = [s for s in stages if s.kind == StageKind.OPEN]
        assert 4 <= len(open_stages) <= 5
        assert [s.probability for s in open_stages] == sorted({s.probability for s in open_stages})
        assert [(s.kind, s.name) for s in stages[-2:]] == [
            (StageKind.WON, "موفق"),
            (StageKind.LOST, "ناموفق"),
        ]


def test_every_deal_is_consistent_with_its_stage_owner_and_contact(demo):
    now = timezone.now()
    for deal in Deal.objects.select_related("stage", "owner", "contact", "company"):
        assert deal.stage.pipeline_id == deal.pipeline_id
        assert (
            deal.status
            == {"open": DealStatus.OPEN, "won": DealStatus.WON, "lost": DealStatus.LOST}[deal.stage.kind]
        )
        if deal.status == DealStatus.OPEN:
            assert deal.closed_at is None
        else:
            assert deal.closed_at == deal.stage_entered_at <= now
        assert bool(deal.lost_reason) == (deal.status == DealStatus.LOST)
        assert (deal.lost_because_id is not None) == (deal.status == DealStatus.LOST)  # a reason of the list
        assert deal.owner.role == Role.SALES_REP and deal.team_id == deal.owner.team_id
        assert deal.company_id is not None and deal.company_id == deal.contact.company_id
        assert deal.contact.owner_id == deal.company.owner_id == deal.owner_id  # the rep can open all three
        if (
            not deal.lines.exists()
        ):  # a deal with product lines has their net total (tests/demo/test_billing.py)
            assert Decimal(50_000_000) <= deal.amount <= Decimal(20_000_000_000)
            assert deal.amount % 1_000_000 == 0
        assert now - timezone.timedelta(days=366) < deal.created_at < now


def test_every_deal_has_a_stage_history_that_chains_in_time_order(demo):
    now = timezone.now()
    history = {}
    for row in StageHistory.objects.order_by("moved_at", "id"):
        history.setdefault(row.deal_id, []).append(row)
    for deal in Deal.objects.all():
        rows = history[deal.pk]
        first = rows[0]
        assert first.from_stage_id is None and first.seconds_in_previous is None
        assert first.moved_at == deal.created_at
        for before, after in zip(rows, rows[1:], strict=False):
            assert after.from_stage_id == before.to_stage_id
            assert after.moved_at > before.moved_at
            assert after.seconds_in_previous == int((after.moved_at - before.moved_at).total_seconds())
        assert rows[-1].to_stage_id == deal.stage_id
        assert rows[-1].moved_at == deal.stage_entered_at <= now
        assert all(row.moved_by_id == deal.owner_id for row in rows)


def test_some_deals_are_won_some_lost_and_some_still_open(db):
    run_demo(deals=300, activities=400)
    statuses = list(Deal.objects.values_list("status", flat=True))
    for status, share in ((DealStatus.WON, 0.25), (DealStatus.LOST, 0.30), (DealStatus.OPEN, 0.45)):
        assert share - 0.12 < statuses.count(status) / len(statuses) < share + 0.12
    # most open deals are being worked on, so "stuck" means something
    open_deals = Deal.objects.filter(status=DealStatus.OPEN)
    assert 0 < stuck(open_deals).count() < 0.3 * open_deals.count()


def test_phones_are_stored_in_e164_and_search_text_is_filled(demo):
    for contact in Contact.objects.all():
        assert contact.phones and all(MOBILE.match(p) for p in contact.phones), contact.phones
    for company in Company.objects.all():
        assert company.phones and all(LANDLINE.match(p) for p in company.phones), company.phones
        assert company.website.startswith("https://")
    for lead in Lead.objects.all():
        assert MOBILE.match(lead.phone)
    for model in (Company, Contact, Lead, Deal, Activity):
        for record in model.objects.all():
            stored = record.search_text
            _refresh_search_text(record)
            assert stored and stored == record.search_text


def test_records_keep_their_past_creation_times_and_have_a_create_audit_entry(demo):
    now = timezone.now()
    assert Company.objects.filter(created_at__lt=now - timezone.timedelta(days=30)).exists()
    assert Deal.objects.filter(created_at__lt=now - timezone.timedelta(days=30)).exists()
    assert Company._meta.get_field("created_at").auto_now_add  # switched back on afterwards
    assert Company._meta.get_field("updated_at").auto_now
    for model in (Company, Contact, Deal):
        entries = AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model), action=AuditAction.CREATE
        )
        assert entries.count() == model.objects.count()
        assert set(entries.values_list("object_id", flat=True)) == set(
            model.objects.values_list("pk", flat=True)
        )
    deal = Deal.objects.first()
    entry = AuditEntry.objects.get(content_type=ContentType.objects.get_for_model(Deal), object_id=deal.pk)
    assert entry.at == deal.created_at and entry.actor_id == deal.owner_id
    assert entry.changes["stage"] == [None, deal.stage_id]


def test_converted_leads_point_at_their_contact_and_company(demo):
    for lead in Lead.objects.filter(status=LeadStatus.CONVERTED):
        assert lead.contact_id and lead.company_id == lead.contact.company_id
        assert lead.created_at < lead.converted_at


def test_activities_are_done_in_the_past_and_every_rep_has_tasks_due_today(demo):
    started, _output = demo
    now = timezone.now()
    done = Activity.objects.filter(done_at__isnull=False)
    assert done.exists() and Activity.objects.filter(done_at__isnull=True).exists()
    for activity in done:
        assert activity.due_at <= activity.done_at <= now
    assert not Activity.objects.filter(due_at__gt=now, done_at__isnull=False).exists()
    assert Activity.objects.filter(due_at__gt=now + timezone.timedelta(days=1)).exists()
    assert not Activity.objects.filter(due_at__gt=now + timezone.timedelta(days=15)).exists()
    for call in Activity.objects.filter(kind="call", done_at__isnull=False):
        assert call.duration_minutes and call.outcome
    for rep in User.objects.filter(role=Role.SALES_REP):
        assert my_open_tasks(rep, now=started)["today"].exists(), rep.username
        assert all(a.team_id == rep.team_id for a in Activity.objects.filter(owner=rep))


def test_if_empty_leaves_a_filled_database_alone(demo):
    counts = [m.all_objects.count() for m in (Company, Contact, Lead, Deal, Activity)]
    output = run_demo("--if-empty")
    assert "no demo data was added" in output
    assert [m.all_objects.count() for m in (Company, Contact, Lead, Deal, Activity)] == counts


def test_without_if_empty_a_filled_database_is_refused(demo):
    with pytest.raises(CommandError):
        run_demo()
    assert Company.objects.count() == SIZES["companies"]


def test_if_empty_fills_an_empty_database(db):
    output = run_demo("--if-empty")
    assert Company.objects.count() == SIZES["companies"]
    assert "http://127.0.0.1:8000" in output


def test_the_address_printed_is_the_port_the_server_is_given(db, monkeypatch):
    monkeypatch.setenv("PEYVAND_PORT", "8137")
    assert "http://127.0.0.1:8137" in run_demo("--if-empty")


def test_demo_records_are_found_as_duplicates_when_created_again(db):
    from peyvand.accounts.models import User
    from peyvand.contacts.models import Contact
    from peyvand.contacts.services import create_contact
    from peyvand.core.errors import PeyvandError

    call_command("demo", companies=5, contacts=10, leads=2, deals=2, activities=2, stdout=io.StringIO())
    contact = Contact.objects.exclude(phones=[]).select_related("owner").first()
    with pytest.raises(PeyvandError) as refused:
        create_contact(
            actor=User.objects.get(username="admin"),
            values={"last_name": "Someone", "phones": contact.phones[:1]},
        )
    assert refused.value.code == "duplicate"


def test_demo_leads_are_scored_and_a_web_form_takes_submissions(db):
    from django.test import Client

    from peyvand.leads.models import WebForm

    out = io.StringIO()
    call_command("demo", companies=5, contacts=10, leads=20, deals=2, activities=2, stdout=out)
    scored = Lead.objects.exclude(scoring_model=None)
    assert scored.count() == Lead.objects.count() == 20
    assert any(lead.score_explanation for lead in scored)
    form = WebForm.objects.get()
    assert f"/f/{form.key}/" in out.getvalue()
    response = Client().post(f"/f/{form.key}/", {"last_name": "Tehrani", "phone": "09121112233"})
    assert response.status_code in (200, 302)
    assert Lead.objects.filter(last_name="Tehrani", web_form=form).exists()


def test_the_demo_has_a_working_service_desk(demo):
    from peyvand.service.models import Article, SupportAddress, Ticket, TicketMessage
    from peyvand.service.models_routing import TicketRoutingRule

    _started, output = demo
    manager = User.objects.get(username="n.karimi")
    assert manager.role == Role.SUPPORT_MANAGER and "support manager: username n.karimi" in output
    tickets = Ticket.objects.filter(team=manager.team)
    assert tickets.count() == 10 and "Service desk: 10 tickets" in output
    assert set(tickets.values_list("status", flat=True)) >= {"new", "open", "resolved", "closed", "reopened"}
    no_policy = [(t.subject, t.status, t.priority) for t in tickets if not t.sla_policy_id]
    assert not no_policy, no_policy
    assert tickets.filter(priority="urgent", sla_policy__name="فوری").exists()
    replies = TicketMessage.objects.filter(kind="reply")
    assert replies.exists() and all(m.message_id for m in replies)
    assert (
        tickets.filter(first_responded_at__isnull=False).count()
        == replies.values("ticket").distinct().count()
    )
    assert Article.objects.filter(status="published", audience="public").count() == 4
    assert SupportAddress.objects.filter(active=True).exists() and TicketRoutingRule.objects.exists()


def test_the_demo_offers_message_templates_that_fill_in_for_its_deals(demo):
    from peyvand.messaging.models import MessageTemplate
    from peyvand.messaging.services_compose import render_template
    from peyvand.sales.models import Deal

    template = MessageTemplate.objects.get(name="پیگیری پیشنهاد")
    deal = Deal.objects.filter(contact__isnull=False).select_related("contact", "owner").first()
    subject, body = render_template(actor=deal.owner, template=template, record=deal)
    assert subject == f"پیشنهاد {deal.title}"
    assert body.startswith(f"{deal.contact.first_name} گرامی")
    assert MessageTemplate.objects.filter(channel="sms").exists()
