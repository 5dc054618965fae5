"""A JSON ``null`` for any property of any body: never a server error. The operations and their properties are
read from the OpenAPI document, so a body added tomorrow is walked too (or fails
``test_every_json_body_has_a_valid_example_here``, naming it, until it is given one)."""

import itertools
from collections.abc import Callable
from typing import Any

import pytest

from peyvand.api import api
from peyvand.core import registry
from peyvand.sales.models import ChecklistItem
from tests.fixtures import ApiClient

pytestmark = pytest.mark.django_db

_unique = itertools.count(1)


def _json_bodies() -> dict[str, tuple[str, str, dict[str, dict]]]:
    """operation id -> (method, path, properties of its JSON body with their schemas)."""
    schema = api.get_openapi_schema(path_prefix="")
    components = schema["components"]["schemas"]
    found = {}
    for path, methods in schema["paths"].items():
        for method, spec in methods.items():
            body = spec.get("requestBody", {}).get("content", {}).get("application/json")
            if body is None:
                continue
            node = body["schema"]
            while "$ref" in node:
                node = components[node["$ref"].rsplit("/", 1)[1]]
            found[spec["operationId"]] = (method.upper(), path, node.get("properties", {}))
    return found


class World:
    """One record of each kind, made through the API by an administrator, and a valid body for each operation."""

    def __init__(self, client: ApiClient, team_id: int):
        self.client = client
        self.team_id = team_id
        self.pipeline = self._made("/pipelines", self.pipeline_body())
        self.stages = [s["id"] for s in self.pipeline["stages"]]
        self.item = ChecklistItem.objects.create(stage_id=self.stages[0], text="Confirm budget", order=0).pk

    def _made(self, path, body) -> dict:
        answer = self.client.post(path, body)
        assert answer.status_code == 201, answer.content
        return answer.json()

    def fresh(self, kind: str) -> dict:
        """A new record (so a conversion or a change is never refused for what an earlier call did)."""
        return self._made(f"/{kind}", BODIES[f"{kind.replace('-', '_')}_create"](self)[1])

    def version(self, kind, pk) -> int:
        return self.client.get(f"/{kind}/{pk}").json()["version"]

    @staticmethod
    def pipeline_body() -> dict:
        n = next(_unique)
        return {
            "name": f"Process {n}",
            "stages": [
                {"name": "Open", "probability": 10},
                {"name": "Won", "kind": "won"},
                {"name": "Lost", "kind": "lost"},
            ],
        }

    def patch(self, kind: str) -> tuple[str, dict]:
        record = self.fresh(kind)
        return f"/{kind}/{record['id']}", {"version": record["version"]}

    def deal_with_lines(self) -> dict:
        """A deal of a contact with an e-mail address (a quote of it can be sent), with one product line."""
        contact = self._made(
            "/contacts", {"last_name": _name(), "emails": [f"buyer{next(_unique)}@example.com"]}
        )
        deal = self._made("/deals", {"title": _name(), "contact": contact["id"]})
        answer = self.client.client.put(
            f"/api/v1/deals/{deal['id']}/lines",
            BODIES["deals_lines_replace"](self)[1],
            content_type="application/json",
            headers=self.client.headers,
        )
        assert answer.status_code == 200, answer.content
        return deal

    def quote(self) -> dict:
        return self._made(f"/deals/{self.deal_with_lines()['id']}/quote", {})

    def sent_quote(self) -> dict:
        answer = self.client.post(f"/quotes/{self.quote()['id']}/send", {})
        assert answer.status_code == 200 and answer.json()["status"] == "sent", answer.content
        return answer.json()

    def split_body(self) -> tuple[str, dict]:
        """A ticket with a customer's message to split off."""
        from peyvand.service.models import Ticket
        from peyvand.service.services_tickets import add_customer_message

        ticket = self.fresh("tickets")
        message = add_customer_message(
            ticket=Ticket.objects.get(pk=ticket["id"]), body="A second question", from_address="c@example.com"
        )
        return f"/tickets/{ticket['id']}/split", {"message": message.pk, "subject": "Split off"}

    def issued_invoice(self) -> dict:
        draft = self.fresh("invoices")
        answer = self.client.post(f"/invoices/{draft['id']}/issue", {"version": draft["version"]})
        assert answer.status_code == 200, answer.content
        return answer.json()


def _name() -> str:
    return f"Name {next(_unique)}"


BODIES: dict[str, Callable[[World], tuple[str, dict[str, Any]]]] = {
    "companies_create": lambda w: ("/companies", {"name": f"Company {_name()}", "size": "11-50"}),
    "companies_update": lambda w: w.patch("companies"),
    "contacts_create": lambda w: ("/contacts", {"last_name": _name()}),
    "contacts_update": lambda w: w.patch("contacts"),
    "leads_create": lambda w: ("/leads", {"last_name": _name()}),
    "leads_update": lambda w: w.patch("leads"),
    "leads_convert": lambda w: (lambda lead: (f"/leads/{lead['id']}/convert", {"version": lead["version"]}))(
        w.fresh("leads")
    ),
    "pipelines_create": lambda w: ("/pipelines", w.pipeline_body()),
    "pipelines_update": lambda w: (f"/pipelines/{w.pipeline['id']}", {"name": _name()}),
    "deals_create": lambda w: ("/deals", {"title": _name()}),
    "deals_update": lambda w: w.patch("deals"),
    "deals_move": lambda w: (
        lambda deal: (f"/deals/{deal['id']}/move", {"stage": w.stages[0], "version": deal["version"]})
    )(w.fresh("deals")),
    "deals_win": lambda w: (lambda deal: (f"/deals/{deal['id']}/win", {"version": deal["version"]}))(
        w.fresh("deals")
    ),
    "deals_lose": lambda w: (
        lambda deal: (
            f"/deals/{deal['id']}/lose",
            {
                "reason": w.client.get("/lost-reasons").json()["items"][0]["id"],
                "note": "",
                "version": deal["version"],
            },
        )
    )(w.fresh("deals")),
    "lost_reasons_create": lambda w: ("/lost-reasons", {"name": _name(), "order": 3, "active": True}),
    "lost_reasons_update": lambda w: (
        f"/lost-reasons/{w._made('/lost-reasons', {'name': _name()})['id']}",
        {"name": _name(), "order": 4, "active": False},
    ),
    "deals_checklist_check": lambda w: (
        f"/deals/{w.fresh('deals')['id']}/checklist",
        {"item": w.item, "done": True},
    ),
    "activities_create": lambda w: ("/activities", {"subject": _name()}),
    "activities_update": lambda w: w.patch("activities"),
    "duplicates_merge": lambda w: (
        "/duplicates/merge",
        {
            "entity": "contact",
            "survivor": w.fresh("contacts")["id"],
            "others": [w.fresh("contacts")["id"]],
            "choices": {},
        },
    ),
    "automation_rules_create": lambda w: (
        "/automation/rules",
        {
            "name": _name(),
            "trigger": "activity_completed",
            "actions": [
                {"type": "create_activity", "kind": "task", "subject": "Follow up", "due": "+3 days"}
            ],
        },
    ),
    "automation_rules_update": lambda w: (
        lambda rule: (f"/automation/rules/{rule['id']}", {"version": rule["version"]})
    )(w._made(*BODIES["automation_rules_create"](w))),
    "targets_create": lambda w: (
        "/targets",
        {
            "team": w.team_id,
            "period_kind": "month",
            "year": 1405,
            "number": next(_unique) % 12 + 1,
            "amount": "1000",
        },
    ),
    "targets_update": lambda w: (lambda t: (f"/targets/{t['id']}", {"version": t["version"]}))(
        w._made(*BODIES["targets_create"](w))
    ),
    "spend_create": lambda w: ("/spend", {"month": "2026-11-22", "channel": "email", "amount": "1000"}),
    "spend_update": lambda w: (lambda s: (f"/spend/{s['id']}", {"version": s["version"]}))(
        w._made(*BODIES["spend_create"](w))
    ),
    "survey_responses_create": lambda w: (
        "/survey-responses",
        {"score": 9, "answered_at": "2026-11-20T10:00:00Z"},
    ),
    "key_accounts_set": lambda w: (f"/key-accounts/{w.fresh('companies')['id']}", {"potential": "1000"}),
    "records_comments_create": lambda w: (
        f"/records/contact/{w.fresh('contacts')['id']}/comments",
        {"body": "Call back on Sunday"},
    ),
    "comments_update": lambda w: (
        f"/comments/{w._made(*BODIES['records_comments_create'](w))['id']}",
        {"body": "Call back on Monday"},
    ),
    # billing: the documented examples name records (product 1, company 1) this world does not have
    "products_create": lambda w: (
        "/products",
        {"code": f"P-{next(_unique)}", "name": _name(), "price": "1250000"},
    ),
    "products_update": lambda w: w.patch("products"),
    # the knowledge base (an administrator writes articles)
    "articles_create": lambda w: (
        "/articles",
        {"title": _name(), "body": "خط یک\nخط دو", "audience": "public"},
    ),
    "articles_update": lambda w: w.patch("articles"),
    "price_lists_create": lambda w: ("/price-lists", {"name": _name()}),
    "price_lists_update": lambda w: (
        f"/price-lists/{w._made(*BODIES['price_lists_create'](w))['id']}",
        {"name": _name(), "priority": 5},
    ),
    "price_lists_items_replace": lambda w: (
        f"/price-lists/{w._made(*BODIES['price_lists_create'](w))['id']}/items",
        {"items": [{"product": w.fresh("products")["id"], "min_quantity": "10", "price": "1100000"}]},
    ),
    "deals_lines_replace": lambda w: (
        f"/deals/{w.fresh('deals')['id']}/lines",
        {"lines": [{"product": w.fresh("products")["id"], "quantity": "2", "discount_percent": "5"}]},
    ),
    "quotes_create": lambda w: ("/quotes", {"deal": w.deal_with_lines()["id"]}),
    "quotes_update": lambda w: w.patch("quotes"),
    "quotes_lines": lambda w: (
        lambda quote: (
            f"/quotes/{quote['id']}/lines",
            {"lines": [{"product": w.fresh("products")["id"], "quantity": "3"}], "version": quote["version"]},
        )
    )(w.quote()),
    "quotes_accept": lambda w: (f"/quotes/{w.sent_quote()['id']}/accept", {"name": "Kian Shirazi"}),
    "quotes_request_changes": lambda w: (
        f"/quotes/{w.sent_quote()['id']}/request-changes",
        {"text": "Please quote 12 printers.", "name": "Kian Shirazi"},
    ),
    "invoices_create": lambda w: (
        "/invoices",
        {
            "company": w.fresh("companies")["id"],
            "lines": [
                {"description": "Consulting", "quantity": "2", "unit_price": "5000000", "tax_percent": "10"}
            ],
        },
    ),
    "invoices_update": lambda w: w.patch("invoices"),
    "invoices_issue": lambda w: (
        lambda draft: (
            f"/invoices/{draft['id']}/issue",
            {"version": draft["version"], "issue_date": "2026-04-10"},
        )
    )(w.fresh("invoices")),
    "invoices_credit": lambda w: (
        lambda invoice: (
            f"/invoices/{invoice['id']}/credit",
            {"lines": [{"line": invoice["lines"][0]["id"], "quantity": "1"}], "note": "One returned"},
        )
    )(w.issued_invoice()),
    "payments_create": lambda w: (
        "/payments",
        {
            "company": w.fresh("companies")["id"],
            "amount": "1000000",
            "method": "transfer",
            "received_on": "2026-04-10",
        },
    ),
    "payments_update": lambda w: w.patch("payments"),
    "payments_allocate": lambda w: (
        lambda invoice: (
            f"/payments/{w._made('/payments', {**BODIES['payments_create'](w)[1], 'company': invoice['company_id']})['id']}/allocate",
            {"allocations": [{"invoice": invoice["id"], "amount": "1000"}]},
        )
    )(w.issued_invoice()),
    "payments_cheque_status": lambda w: (
        f"/payments/{w._made('/payments', {**BODIES['payments_create'](w)[1], 'method': 'cheque', 'cheque_number': '123456', 'cheque_due_date': '2026-05-10', 'cheque_status': 'pending'})['id']}/cheque-status",
        {"status": "cleared"},
    ),
    # service: tickets with an address to reply to, and their conversation, moves, merge and split
    "tickets_create": lambda w: ("/tickets", {"subject": _name(), "customer_email": "c@example.com"}),
    "tickets_update": lambda w: w.patch("tickets"),
    "tickets_reply": lambda w: (f"/tickets/{w.fresh('tickets')['id']}/reply", {"body": "We are on it."}),
    "tickets_note": lambda w: (f"/tickets/{w.fresh('tickets')['id']}/note", {"body": "Internal only."}),
    "tickets_status": lambda w: (
        lambda ticket: (f"/tickets/{ticket['id']}/status", {"status": "open", "version": ticket["version"]})
    )(w.fresh("tickets")),
    "tickets_merge": lambda w: (
        f"/tickets/{w.fresh('tickets')['id']}/merge",
        {"target": w.fresh("tickets")["id"]},
    ),
    "tickets_split": lambda w: w.split_body(),
}


def _active_contract(w) -> dict:
    """A contract in force today for a new company, and a ticket of that company it covers."""
    import datetime as dt

    today = dt.date.today()
    company = w.fresh("companies")["id"]
    contract = w._made(
        "/contracts",
        {
            "title": _name(),
            "company": company,
            "start_date": (today - dt.timedelta(days=1)).isoformat(),
            "end_date": (today + dt.timedelta(days=30)).isoformat(),
            "status": "active",
        },
    )
    contract["ticket"] = w._made("/tickets", {"subject": _name(), "company": company})["id"]
    return contract


PLAN = {"subject": "Quarterly service", "every_months": 3, "next_due": "2027-01-01"}
# service: contracts and warranties, their covered items, work logged and plans
BODIES.update(
    {
        "contracts_create": lambda w: (
            "/contracts",
            {
                "title": _name(),
                "company": w.fresh("companies")["id"],
                "start_date": "2026-01-01",
                "end_date": "2026-12-31",
            },
        ),
        "contracts_update": lambda w: w.patch("contracts"),
        "contracts_item_add": lambda w: (
            f"/contracts/{w.fresh('contracts')['id']}/items",
            {"product": w.fresh("products")["id"], "serial_number": "SN-1"},
        ),
        "contracts_item_remove": lambda w: (
            lambda contract: (
                f"/contracts/{contract['id']}/items/remove",
                {"item": w._made(f"/contracts/{contract['id']}/items", {"serial_number": "SN-1"})["id"]},
            )
        )(w.fresh("contracts")),
        "contracts_usage": lambda w: (
            lambda contract: (
                f"/contracts/{contract['id']}/usage",
                {"ticket": contract["ticket"], "amount": "1"},
            )
        )(_active_contract(w)),
        "contracts_plan_add": lambda w: (f"/contracts/{w.fresh('contracts')['id']}/plans", dict(PLAN)),
        "warranties_create": lambda w: (
            "/warranties",
            {
                "product": w.fresh("products")["id"],
                "serial_number": "SN-2",
                "company": w.fresh("companies")["id"],
                "start_date": "2026-01-01",
                "end_date": "2027-01-01",
            },
        ),
        "warranties_update": lambda w: w.patch("warranties"),
        "warranties_plan_add": lambda w: (f"/warranties/{w.fresh('warranties')['id']}/plans", dict(PLAN)),
    }
)


def _field_job_body(w) -> dict:
    """A visit on a day of its own (no overlap with another body's), for the admin signed in."""
    import datetime as dt

    day = dt.date(2027, 1, 1) + dt.timedelta(days=next(_unique))
    technician = w.client.user
    return {
        "title": _name(),
        "starts_at": f"{day.isoformat()}T10:00:00+03:30",
        "ends_at": f"{day.isoformat()}T11:00:00+03:30",
        "technicians": [technician.pk],
    }


# service: field jobs and the resources they book
BODIES.update(
    {
        "field_jobs_create": lambda w: ("/field-jobs", _field_job_body(w)),
        "field_jobs_update": lambda w: (
            lambda job: (f"/field-jobs/{job['id']}", {"version": job["version"]})
        )(w._made("/field-jobs", _field_job_body(w))),
        "service_resources_create": lambda w: ("/service-resources", {"kind": "tool", "name": _name()}),
        "service_resources_update": lambda w: (
            f"/service-resources/{w._made('/service-resources', {'kind': 'tool', 'name': _name()})['id']}",
            {"kind": "vehicle", "name": _name()},
        ),
    }
)


def _documented_examples() -> dict[str, Callable[[World], tuple[str, dict[str, Any]]]]:
    """The generic create and change of each registered record type whose input schema documents an example of
    every required field (``Field(examples=...)``), so a record type added by registration brings its own body."""
    found: dict[str, Callable[[World], tuple[str, dict[str, Any]]]] = {}
    for record_type in registry.record_types():
        if record_type.resource is None:
            continue
        schema = record_type.resource.schema_in.model_json_schema()
        properties = schema.get("properties", {})
        example = {name: prop["examples"][0] for name, prop in properties.items() if prop.get("examples")}
        if example and set(schema.get("required", ())) <= set(example):
            plural, name = record_type.plural, record_type.resource.name
            found[f"{name}_create"] = lambda w, p=plural, e=example: (f"/{p}", dict(e))
            found[f"{name}_update"] = lambda w, p=plural: w.patch(p)
    return found


BODIES.update({op: body for op, body in _documented_examples().items() if op not in BODIES})


def test_every_json_body_has_a_valid_example_here():
    missing = {op for op, (_, _, props) in _json_bodies().items() if props} - set(BODIES)
    assert not missing, f"give these operations a valid body in BODIES: {sorted(missing)}"


def _call(client: ApiClient, method: str, path: str, body: dict):
    if method == "PUT":
        return client.client.put(
            f"/api/v1{path}", body, content_type="application/json", headers=client.headers
        )
    return client.post(path, body) if method == "POST" else client.patch(path, body)


@pytest.mark.parametrize("operation", sorted(op for op, (_, _, props) in _json_bodies().items() if props))
def test_a_null_for_any_property_is_stored_as_empty_or_refused_naming_it(operation, admin, team_a):
    client = ApiClient(admin)
    world = World(client, team_a.pk)
    method, _, properties = _json_bodies()[operation]
    path, body = BODIES[operation](world)
    assert _call(client, method, path, body).status_code in (200, 201), (
        f"{operation}: the example body is valid"
    )
    for name, prop in properties.items():
        path, body = BODIES[operation](world)
        answer = _call(client, method, path, {**body, name: None})
        where = f"{method} {path} with {name}: null"
        assert answer.status_code < 500, where
        assert answer.status_code in (200, 201) or 400 <= answer.status_code < 500, where
        if answer.status_code in (200, 201):
            # what the API takes, its OpenAPI document says it takes (schemathesis holds it to that)
            assert {"type": "null"} in prop.get("anyOf", []), f"{where}: accepted but not documented"
        if answer.status_code >= 400:
            error = answer.json()
            assert error["detail"] and error["code"], where
            assert any(
                e["field"] == name or str(e["field"]).startswith(f"{name}.") for e in error["errors"]
            ), (
                where,
                error,
            )


def test_null_empties_a_text_or_choice_field_and_refuses_one_that_may_not_be_empty(admin, pipeline):
    client = ApiClient(admin)
    company = client.post(
        "/companies", {"name": "Pars", "size": "11-50", "website": "https://pars.example"}
    ).json()
    contact = client.post("/contacts", {"last_name": "Karimi", "tags": ["vip"]}).json()
    lead = client.post("/leads", {"last_name": "Rahimi"}).json()

    changed = client.patch(f"/companies/{company['id']}", {"version": 1, "size": None, "website": None})
    assert changed.status_code == 200 and (changed.json()["size"], changed.json()["website"]) == ("", "")
    changed = client.patch(f"/contacts/{contact['id']}", {"version": 1, "source": None, "tags": None})
    assert changed.status_code == 200 and (changed.json()["source"], changed.json()["tags"]) == ("", [])
    changed = client.patch(f"/leads/{lead['id']}", {"version": 1, "audience": None})
    assert changed.status_code == 200 and changed.json()["audience"] == ""

    refused = client.patch(f"/companies/{company['id']}", {"version": 2, "name": None})
    assert refused.status_code == 422 and [e["field"] for e in refused.json()["errors"]] == ["name"]
    assert client.get(f"/companies/{company['id']}").json()["name"] == "Pars"
