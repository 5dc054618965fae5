"""The contracts' jobs: renewal reminders once per end date, expiry, and service plans opening one service order
per due date and reminding the customer and the owner once; dates worked out by hand."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from peyvand.contacts.services import create_company
from peyvand.core.errors import PeyvandError
from peyvand.messaging.models import Outbox
from peyvand.notifications.models import Notification
from peyvand.service.models import Ticket, TicketType
from peyvand.service.models_contracts import ContractStatus, PlanVisit, ServiceContract
from peyvand.service.periodic_contracts import remind_renewals, run_service_plans
from peyvand.service.services_contracts import create_contract, create_service_plan

pytestmark = pytest.mark.django_db
TEHRAN = ZoneInfo("Asia/Tehran")


def noon(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 12, tzinfo=TEHRAN)


@pytest.fixture(autouse=True)
def tehran(settings):
    settings.TIME_ZONE = "Asia/Tehran"


@pytest.fixture
def contract(rep_a):
    company = create_company(
        actor=rep_a, values={"name": "Parsian Trading", "emails": ["buy@parsian.example"]}
    )
    return create_contract(
        actor=rep_a,
        values={
            "title": "Printer care",
            "company": company.pk,
            "start_date": dt.date(2026, 1, 1),
            "end_date": dt.date(2026, 12, 31),
            "status": ContractStatus.ACTIVE,
            "renewal_reminder_days": 30,
        },
    )


def test_the_owner_is_reminded_of_the_renewal_once_from_n_days_before_the_end(contract, rep_a):
    # 30 days before 31 December is 1 December: nothing on 30 November.
    assert remind_renewals(noon(dt.date(2026, 11, 30))) == 0
    assert remind_renewals(noon(dt.date(2026, 12, 1))) == 1
    assert remind_renewals(noon(dt.date(2026, 12, 2))) == 0
    reminders = Notification.objects.filter(recipient=rep_a, kind="contract_renewal")
    assert reminders.count() == 1
    # Extended to a new end date: reminded again for it.
    ServiceContract.objects.filter(pk=contract.pk).update(end_date=dt.date(2027, 1, 10))
    assert remind_renewals(noon(dt.date(2026, 12, 20))) == 1


def test_an_active_contract_past_its_end_expires(contract):
    remind_renewals(noon(dt.date(2027, 1, 1)))
    contract.refresh_from_db()
    assert contract.status == ContractStatus.EXPIRED


def test_a_plan_opens_one_service_order_per_due_date_ahead_and_reminds_once(contract, rep_a):
    plan = create_service_plan(
        actor=rep_a,
        contract=contract,
        subject="Quarterly printer service",
        every_months=3,
        next_due=dt.date(2026, 1, 31),
        create_days_before=14,
        remind_days_before=7,
    )
    # 14 days before 31 January is 17 January.
    run_service_plans(noon(dt.date(2026, 1, 16)))
    assert not PlanVisit.objects.exists()
    run_service_plans(noon(dt.date(2026, 1, 17)))
    run_service_plans(noon(dt.date(2026, 1, 18)))  # a rerun: nothing twice
    visit = PlanVisit.objects.get()
    ticket = visit.ticket
    assert visit.due_date == dt.date(2026, 1, 31)
    assert ticket.type == TicketType.SERVICE_ORDER and ticket.company == contract.company
    assert ticket.owner == rep_a and ticket.subject == "Quarterly printer service"
    plan.refresh_from_db()
    assert plan.next_due == dt.date(2026, 4, 30)  # 31 January + 3 months: the 30th of April
    assert visit.reminded_at is None
    # The reminder 7 days ahead: 24 January, once.
    run_service_plans(noon(dt.date(2026, 1, 24)))
    run_service_plans(noon(dt.date(2026, 1, 25)))
    visit.refresh_from_db()
    assert visit.reminded_at is not None
    key = f"service-plan:{plan.pk}:2026-01-31"
    assert Outbox.objects.filter(source=key).count() == 1
    assert Outbox.objects.get(source=key).to == "buy@parsian.example"
    assert Notification.objects.filter(recipient=rep_a, kind="service_plan_due").count() == 1
    # The next due dates follow the first one, not each other: 30 April, then 31 July.
    run_service_plans(noon(dt.date(2026, 4, 16)))
    run_service_plans(noon(dt.date(2026, 7, 17)))
    assert list(PlanVisit.objects.values_list("due_date", flat=True)) == [
        dt.date(2026, 1, 31),
        dt.date(2026, 4, 30),
        dt.date(2026, 7, 31),
    ]
    assert Ticket.objects.filter(type=TicketType.SERVICE_ORDER).count() == 3


def test_a_plan_reminding_earlier_than_it_opens_the_order_is_refused_naming_the_field(contract, rep_a):
    with pytest.raises(PeyvandError) as refused:
        create_service_plan(
            actor=rep_a,
            contract=contract,
            subject="Service",
            every_months=6,
            next_due=dt.date(2026, 6, 1),
            create_days_before=3,
            remind_days_before=10,
        )
    assert refused.value.errors[0]["field"] == "remind_days_before"
    with pytest.raises(PeyvandError) as zero:
        create_service_plan(
            actor=rep_a, contract=contract, subject="Service", every_months="0", next_due=dt.date(2026, 6, 1)
        )
    assert zero.value.errors[0]["field"] == "every_months"
