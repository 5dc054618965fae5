"""The contracts and warranties API (/api/v1/contracts..., /api/v1/warranties...) through real HTTP with bearer
tokens: the generic routes, covered items, work logged, service plans and a ticket's coverage; who may do what."""

import datetime as dt

import pytest

from peyvand.contacts.models import Company
from peyvand.service.models_contracts import ContractUsage, Warranty
from peyvand.service.services_tickets import create_ticket
from tests.billing.quote_factories import make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def company(rep_a):
    return Company.objects.create(name="Parsian Trading", owner=rep_a, team=rep_a.team)


def _contract(api, company, **values):
    today = dt.date.today()
    body = {
        "title": "Printer care",
        "company": company.pk,
        "start_date": (today - dt.timedelta(days=10)).isoformat(),
        "end_date": (today + dt.timedelta(days=300)).isoformat(),
        "status": "active",
        "entitlement_unit": "hours",
        "entitlement": "5",
        **values,
    }
    response = api.post("/contracts", body)
    assert response.status_code == 201, response.content
    return response.json()


def test_a_rep_records_a_contract_and_an_agent_sees_the_coverage_and_logs_work(
    api_for, rep_a, agent_a, company
):
    contract = _contract(api_for(rep_a), company, value="125000000")
    assert contract["number"] == f"SC-{contract['id']}" and contract["value"] == "125000000.00"
    ticket = create_ticket(actor=agent_a, values={"subject": "Jam", "company": company})
    agent = api_for(agent_a)
    cover = agent.get("/contracts/coverage", ticket=ticket.pk).json()
    assert [c["contract"]["id"] for c in cover["contracts"]] == [contract["id"]]
    assert cover["contracts"][0]["left"] == "5.00" and cover["billable"] is False
    logged = agent.post(f"/contracts/{contract['id']}/usage", {"ticket": ticket.pk, "amount": "2"})
    assert logged.status_code == 201, logged.content
    again = agent.get("/contracts/coverage", ticket=ticket.pk).json()
    assert again["contracts"][0]["used"] == "2.00" and again["contracts"][0]["left"] == "3.00"
    # A rep does not work the queue; a zero amount is refused naming it.
    own = create_ticket(actor=rep_a, values={"subject": "Mine", "company": company})
    refused = api_for(rep_a).post(f"/contracts/{contract['id']}/usage", {"ticket": own.pk, "amount": "1"})
    assert refused.status_code == 403
    zero = agent.post(f"/contracts/{contract['id']}/usage", {"ticket": ticket.pk, "amount": "0"})
    assert zero.status_code == 422 and zero.json()["errors"][0]["field"] == "amount"
    assert ContractUsage.objects.count() == 1


def test_items_and_plans_of_a_contract_and_a_warranty(api_for, rep_a, admin, company):
    api = api_for(rep_a)
    contract = _contract(api, company)
    product = make_product(admin, name="Copier")
    item = api.post(f"/contracts/{contract['id']}/items", {"product": product.pk})
    assert item.status_code == 201 and item.json()["product_id"] == product.pk
    assert [i["id"] for i in api.get(f"/contracts/{contract['id']}/items").json()] == [item.json()["id"]]
    nothing = api.post(f"/contracts/{contract['id']}/items", {})
    assert nothing.status_code == 422 and nothing.json()["errors"][0]["field"] == "product"
    removed = api.post(f"/contracts/{contract['id']}/items/remove", {"item": item.json()["id"]})
    assert removed.status_code == 200 and removed.json() == []
    assert api.get(f"/contracts/{contract['id']}/items").json() == []
    plan = api.post(
        f"/contracts/{contract['id']}/plans",
        {"subject": "Service", "every_months": 6, "next_due": "2027-01-01"},
    )
    assert plan.status_code == 201 and plan.json()["contract_id"] == contract["id"]
    assert len(api.get(f"/contracts/{contract['id']}/plans").json()) == 1
    warranty = api.post(
        "/warranties",
        {
            "product": product.pk,
            "serial_number": "SN-1",
            "company": company.pk,
            "start_date": "2026-01-01",
            "end_date": "2027-01-01",
        },
    )
    assert warranty.status_code == 201, warranty.content
    wplan = api.post(
        f"/warranties/{warranty.json()['id']}/plans",
        {"subject": "Cleaning", "every_months": 12, "next_due": "2026-12-01"},
    )
    assert wplan.status_code == 201 and wplan.json()["warranty_id"] == warranty.json()["id"]
    assert len(api.get(f"/warranties/{warranty.json()['id']}/plans").json()) == 1


def test_another_teams_contract_warranty_and_ticket_are_not_found(
    api_for, rep_a, rep_b, agent_b, company, admin
):
    contract = _contract(api_for(rep_a), company)
    warranty = Warranty.objects.create(
        owner=rep_a,
        team=rep_a.team,
        product=make_product(admin),
        serial_number="S",
        company=company,
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2027, 1, 1),
    )
    ticket = create_ticket(actor=rep_a, values={"subject": "Jam", "company": company})
    other = api_for(rep_b)
    for path in (
        f"/contracts/{contract['id']}",
        f"/contracts/{contract['id']}/items",
        f"/contracts/{contract['id']}/plans",
        f"/warranties/{warranty.pk}",
        f"/warranties/{warranty.pk}/plans",
    ):
        assert other.get(path).status_code == 404, path
    assert other.get("/contracts/coverage", ticket=ticket.pk).status_code == 404
    assert other.post(f"/contracts/{contract['id']}/items", {"serial_number": "x"}).status_code == 404
    assert other.post(f"/contracts/{contract['id']}/items/remove", {"item": 1}).status_code == 404
    assert (
        other.post(
            f"/contracts/{contract['id']}/plans",
            {"subject": "x", "every_months": 1, "next_due": "2027-01-01"},
        ).status_code
        == 404
    )
    assert (
        other.post(
            f"/warranties/{warranty.pk}/plans", {"subject": "x", "every_months": 1, "next_due": "2027-01-01"}
        ).status_code
        == 404
    )
    # Another queue's agent: the ticket is not theirs to see, whatever the contract.
    assert (
        api_for(agent_b)
        .post(f"/contracts/{contract['id']}/usage", {"ticket": ticket.pk, "amount": "1"})
        .status_code
        == 404
    )
