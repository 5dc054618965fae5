"""Service contracts, warranties from invoices, a ticket's coverage and the SLA a contract gives: dates worked
out by hand."""

import datetime as dt
from decimal import Decimal

import pytest

from peyvand.billing import services_invoices
from peyvand.contacts.models import Company
from peyvand.core.errors import PeyvandError
from peyvand.service import sla
from peyvand.service.models import SLAPolicy, Ticket, TicketPriority
from peyvand.service.models_contracts import ContractStatus, ContractUsage, Warranty
from peyvand.service.selectors_contracts import (
    IN_WARRANTY,
    NO_WARRANTY,
    OUT_OF_WARRANTY,
    coverage_for,
    entitlement_left,
)
from peyvand.service.services_contracts import (
    add_contract_item,
    add_months,
    create_contract,
    log_contract_work,
    update_contract,
    warranties_for_invoice,
)
from peyvand.service.services_tickets import create_ticket
from tests.billing.quote_factories import make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def company(rep_a):
    return Company.objects.create(name="Parsian Trading", owner=rep_a, team=rep_a.team)


@pytest.fixture
def printer(admin):
    return make_product(admin, name="Laser printer", tracks_serials=True, warranty_months=18)


def contract_for(actor, company, **values):
    return create_contract(
        actor=actor,
        values={
            "title": "Printer care 2026",
            "company": company.pk,
            "start_date": dt.date(2026, 1, 1),
            "end_date": dt.date(2026, 12, 31),
            "status": ContractStatus.ACTIVE,
            **values,
        },
    )


def issue(actor, company, rows, *, day=dt.date(2026, 1, 31)):
    invoice = services_invoices.create_invoice(actor=actor, values={"company": company.pk, "lines": rows})
    return services_invoices.issue_invoice(actor=actor, invoice=invoice, issue_date=day)


def test_months_are_added_on_the_calendar_a_shorter_month_giving_its_last_day():
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2028, 1, 31), 1) == dt.date(2028, 2, 29)
    assert add_months(dt.date(2026, 1, 31), 18) == dt.date(2027, 7, 31)
    assert add_months(dt.date(2026, 11, 15), 3) == dt.date(2027, 2, 15)


def test_a_contract_is_numbered_and_its_customer_period_and_entitlement_are_checked(rep_a, company):
    contract = contract_for(rep_a, company)
    assert contract.number == f"SC-{contract.pk}" and contract.owner == rep_a
    with pytest.raises(PeyvandError) as no_customer:
        create_contract(
            actor=rep_a,
            values={"title": "x", "start_date": dt.date(2026, 1, 1), "end_date": dt.date(2026, 2, 1)},
        )
    assert no_customer.value.errors[0]["field"] == "contact"
    with pytest.raises(PeyvandError) as backwards:
        contract_for(rep_a, company, end_date=dt.date(2025, 12, 1))
    assert backwards.value.errors[0]["field"] == "end_date"
    with pytest.raises(PeyvandError) as no_unit:
        contract_for(rep_a, company, entitlement="10")
    assert no_unit.value.errors[0]["field"] == "entitlement_unit"
    with pytest.raises(PeyvandError) as taken:
        contract_for(rep_a, company, number=contract.number)
    assert taken.value.errors[0]["field"] == "number"


def test_a_customer_of_another_team_cannot_be_put_on_a_contract(rep_b, company):
    with pytest.raises(PeyvandError) as refused:
        contract_for(rep_b, company)
    assert refused.value.errors[0]["field"] == "company"


def test_an_issued_invoice_gives_each_serial_numbered_line_a_warranty_once(
    admin, company, printer, django_capture_on_commit_callbacks
):
    scanner = make_product(admin, name="Scanner", tracks_serials=True, warranty_months=0)
    rows = [
        {"product": printer.pk, "description": "Printer", "unit_price": "1000", "serial_number": "SN-۱۰۰"},
        {"product": printer.pk, "description": "Printer", "unit_price": "1000", "serial_number": "SN-101"},
        {"product": printer.pk, "description": "Printer without serial", "unit_price": "1000"},
        {"product": scanner.pk, "description": "Scanner", "unit_price": "1000", "serial_number": "SC-1"},
    ]
    with django_capture_on_commit_callbacks(execute=True):
        invoice = issue(admin, company, rows)
    warranties = list(Warranty.objects.order_by("serial_number"))
    assert [w.serial_number for w in warranties] == ["SN-100", "SN-101"]
    # Issued 31 January 2026, 18 months: until 31 July 2027.
    assert {(w.start_date, w.end_date) for w in warranties} == {(dt.date(2026, 1, 31), dt.date(2027, 7, 31))}
    assert all(w.company == company and w.invoice == invoice and w.owner == admin for w in warranties)
    # The event delivered again (a retried job, a second receiver run) makes nothing new.
    assert warranties_for_invoice(invoice) == []
    assert Warranty.objects.count() == 2


def test_a_contract_of_the_customer_gives_the_ticket_its_sla_policy(agent_a, rep_a, company, customer):
    general = SLAPolicy.objects.create(name="General", first_response_minutes=480, resolution_minutes=2400)
    gold = SLAPolicy.objects.create(
        name="Gold", position=5, first_response_minutes=60, resolution_minutes=480
    )
    contract_for(rep_a, company, sla_policy=gold.pk)
    covered = create_ticket(actor=agent_a, values={"subject": "Jam", "company": company})
    assert covered.sla_policy == gold
    other = create_ticket(actor=agent_a, values={"subject": "Jam", "contact": customer})
    assert other.sla_policy == general
    # A contract not in force (a draft) gives nothing: the usual choice.
    other_company = Company.objects.create(name="Other", owner=rep_a, team=rep_a.team)
    contract_for(rep_a, other_company, status=ContractStatus.DRAFT, sla_policy=gold.pk)
    assert sla.choose_policy(Ticket(company=other_company, priority=TicketPriority.NORMAL)) == general


def test_a_contract_that_names_items_covers_only_those_and_gives_its_policy_only_to_them(
    agent_a, rep_a, company, printer, admin
):
    # For urgent tickets only, when no contract names it: a normal ticket of this customer gets it by contract.
    gold = SLAPolicy.objects.create(
        name="Gold", priority=TicketPriority.URGENT, first_response_minutes=60, resolution_minutes=480
    )
    contract = contract_for(rep_a, company, sla_policy=gold.pk)
    add_contract_item(actor=rep_a, contract=contract, serial_number="SN-7")
    add_contract_item(actor=rep_a, contract=contract, product=printer.pk)
    copier = make_product(admin, name="Copier")
    on_item = create_ticket(
        actor=agent_a, values={"subject": "a", "company": company, "serial_number": "sn-7"}
    )
    on_product = create_ticket(actor=agent_a, values={"subject": "b", "company": company, "product": printer})
    elsewhere = create_ticket(actor=agent_a, values={"subject": "c", "company": company, "product": copier})
    assert on_item.sla_policy == gold and on_product.sla_policy == gold
    assert elsewhere.sla_policy is None
    assert coverage_for(elsewhere).contracts == [] and coverage_for(elsewhere).billable


def test_coverage_shows_the_warranty_in_and_out_and_flags_billable_work(
    admin, agent_a, company, printer, django_capture_on_commit_callbacks
):
    rows = [{"product": printer.pk, "description": "Printer", "unit_price": "1000", "serial_number": "SN-1"}]
    with django_capture_on_commit_callbacks(execute=True):
        issue(admin, company, rows)
    ticket = create_ticket(
        actor=agent_a,
        values={"subject": "Noise", "company": company, "product": printer, "serial_number": "SN-1"},
    )
    inside = coverage_for(ticket, day=dt.date(2027, 7, 31))  # the warranty's last day
    assert inside.warranty_state == IN_WARRANTY and not inside.billable
    after = coverage_for(ticket, day=dt.date(2027, 8, 1))
    assert after.warranty_state == OUT_OF_WARRANTY and after.billable
    assert "The item is out of warranty." in after.flags
    unknown = create_ticket(
        actor=agent_a, values={"subject": "x", "company": company, "serial_number": "NOPE"}
    )
    none = coverage_for(unknown)
    assert none.warranty_state == NO_WARRANTY and none.billable
    assert "No warranty is recorded for this item." in none.flags


def test_work_logged_uses_the_entitlement_and_once_used_up_the_work_is_billable(
    agent_a, agent_b, rep_a, company
):
    contract = contract_for(rep_a, company, entitlement_unit="visits", entitlement="2")
    ticket = create_ticket(actor=agent_a, values={"subject": "Visit", "company": company})
    today = dt.date(2026, 6, 1)
    assert coverage_for(ticket, day=today).contracts[0].left == Decimal("2")
    log_contract_work(actor=agent_a, ticket=ticket, contract=contract, amount="1")
    log_contract_work(actor=agent_a, ticket=ticket, contract=contract, amount="۱")
    cover = coverage_for(ticket, day=today)
    assert cover.contracts[0].used == Decimal("2") and cover.contracts[0].left == Decimal("0")
    assert cover.billable and "The contract's entitlement is used up." in cover.flags
    assert entitlement_left(contract) == Decimal("0")
    # Another team's agent does not see the ticket; a rep does not work the queue; a bad amount names its field.
    with pytest.raises(PeyvandError):
        log_contract_work(actor=agent_b, ticket=ticket, contract=contract, amount="1")
    with pytest.raises(PeyvandError):
        log_contract_work(actor=rep_a, ticket=ticket, contract=contract, amount="1")
    with pytest.raises(PeyvandError) as bad:
        log_contract_work(actor=agent_a, ticket=ticket, contract=contract, amount="-1")
    assert bad.value.errors[0]["field"] == "amount"
    assert ContractUsage.objects.count() == 2


def test_a_contract_ended_or_cancelled_covers_nothing(agent_a, rep_a, company):
    contract = contract_for(rep_a, company)
    ticket = create_ticket(actor=agent_a, values={"subject": "x", "company": company})
    assert coverage_for(ticket, day=dt.date(2026, 12, 31)).contracts
    assert not coverage_for(ticket, day=dt.date(2027, 1, 1)).contracts
    update_contract(
        actor=rep_a, contract=contract, version=contract.version, values={"status": ContractStatus.CANCELLED}
    )
    assert not coverage_for(ticket, day=dt.date(2026, 6, 1)).contracts
    with pytest.raises(PeyvandError) as refused:
        log_contract_work(actor=agent_a, ticket=ticket, contract=contract, amount="1")
    assert refused.value.errors[0]["field"] == "contract"
