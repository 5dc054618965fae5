"""The permission matrix: every endpoint of the API, for every role of team A, on a record of team B.

The endpoints come from the OpenAPI document, so an endpoint added tomorrow is walked by these tests (or makes
``test_every_operation_in_the_openapi_document_is_covered`` fail, naming it, until it is given a rule here).
"""

import importlib
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from peyvand.accounts.models import ApiToken, Role
from peyvand.activities.services import create_activity
from peyvand.api import RESOURCES, api
from peyvand.contacts.services import create_company, create_contact
from peyvand.core import registry
from peyvand.core.models import AuditEntry, Job
from peyvand.core.records import delete_record
from peyvand.imports.models import ImportRun
from peyvand.leads.models import ScoringModel, ScoringRule
from peyvand.leads.services import create_lead
from peyvand.sales.models import Pipeline, StageHistory
from peyvand.sales.services import create_deal
from tests.factories import UserFactory, make_pipeline

pytestmark = pytest.mark.django_db

SECRET_NAME = "Secretfox Shirazi"
SECRET_WORD = "secretfox"


# --- the operations, read from the OpenAPI document ------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    operation_id: str
    resource: str
    action: str
    query_params: frozenset[str]
    has_body: bool

    @property
    def is_collection(self) -> bool:
        return "{pk}" not in self.path

    def url(self, pk: Any = None) -> str:
        url = self.path.replace("{pk}", str(pk))
        for name, value in OTHER_PATH_PARAMS.items():
            url = url.replace(f"{{{name}}}", value)
        return url

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def _operations() -> list[Operation]:
    schema = api.get_openapi_schema(path_prefix="")
    operations = []
    for path, methods in schema["paths"].items():
        resource = path.strip("/").split("/")[0]
        for method, spec in methods.items():
            operation_id = spec["operationId"]
            operations.append(
                Operation(
                    method=method.upper(),
                    path=path,
                    operation_id=operation_id,
                    resource=resource,
                    action=operation_id.removeprefix(f"{resource.replace('-', '_')}_"),
                    query_params=frozenset(
                        p["name"] for p in spec.get("parameters", []) if p["in"] == "query"
                    ),
                    has_body="requestBody" in spec,
                )
            )
    return operations


# Values for path parameters other than a record's id; they only have to route to the operation.
OTHER_PATH_PARAMS = {
    "key": "no-such-form",
    "resource": "contacts",
    "rule_id": "1",
    "metric": "outcomes",
    "record_type": "contact",
    "record_id": "1",
    "quote_id": "1",
    "number": "1",
}

# Operations that do not fit the record matrix (public intake, file uploads, exports, cross-record merges):
# each names the test that proves who may use it. The coverage test checks those tests exist.
TESTED_ELSEWHERE = {
    "lost_reasons_list": (
        "tests.sales.test_outcomes",
        "test_everyone_reads_the_reasons_and_only_an_admin_changes_them",
    ),
    "lost_reasons_create": (
        "tests.sales.test_outcomes",
        "test_everyone_reads_the_reasons_and_only_an_admin_changes_them",
    ),
    "lost_reasons_read": (
        "tests.sales.test_outcomes",
        "test_everyone_reads_the_reasons_and_only_an_admin_changes_them",
    ),
    "lost_reasons_update": (
        "tests.sales.test_outcomes",
        "test_everyone_reads_the_reasons_and_only_an_admin_changes_them",
    ),
    "intake_web_form": (
        "tests.leads.test_intake",
        "test_the_json_endpoint_takes_the_same_submission_without_signing_in",
    ),
    "intake_email": (
        "tests.leads.test_email_intake",
        "test_only_an_administrator_or_integration_may_post_mail",
    ),
    "imports_create": (
        "tests.imports.test_import",
        "test_the_api_dry_run_answers_every_bad_cell_and_only_its_starter_reads_the_run",
    ),
    "exports_read": (
        "tests.imports.test_export",
        "test_a_reps_export_holds_their_own_records_and_never_another_teams",
    ),
    "tickets_queue": (
        "tests.service.test_api_tickets",
        "test_the_queue_counts_only_the_tickets_the_caller_sees",
    ),
    "duplicates_list": (
        "tests.contacts.test_dedupe_scan",
        "test_groups_with_a_record_the_user_cannot_see_are_not_listed",
    ),
    "duplicates_scan": (
        "tests.contacts.test_dedupe_scan",
        "test_only_managers_and_admins_see_the_duplicates_page_and_start_a_scan",
    ),
    "duplicates_merge": (
        "tests.contacts.test_merge",
        "test_merge_api_answers_404_for_a_record_of_another_team",
    ),
    "duplicates_merge_read": (
        "tests.contacts.test_merge",
        "test_merge_api_answers_404_for_a_record_of_another_team",
    ),
    "duplicates_merge_undo": (
        "tests.contacts.test_merge",
        "test_merge_api_answers_404_for_a_record_of_another_team",
    ),
    "notifications_list": (
        "tests.notifications.test_notifications",
        "test_the_api_lists_and_marks_only_my_own_notifications",
    ),
    "notifications_read": (
        "tests.notifications.test_notifications",
        "test_the_api_lists_and_marks_only_my_own_notifications",
    ),
    "notifications_read_all": (
        "tests.notifications.test_notifications",
        "test_the_api_lists_and_marks_only_my_own_notifications",
    ),
    "deals_stuck": (
        "tests.sales.test_stuck",
        "test_the_stuck_api_lists_only_visible_deals_with_days_over_the_limit",
    ),
    "activities_calendar": (
        "tests.activities.test_calendar",
        "test_the_calendar_api_lets_a_manager_ask_for_a_teammate_but_not_a_rep_or_another_team",
    ),
    "activities_calendar_feed_rotate": (
        "tests.activities.test_ical",
        "test_the_api_rotates_my_feed_and_returns_its_new_address",
    ),
    "scoring_models_accept_suggestion": (
        "tests.leads.test_scoring",
        "test_scoring_insights_are_for_administrators_only",
    ),
    # Targets are for a rep or a team, not owned records: readers and writers differ (a rep reads their own).
    "targets_list": ("tests.targets.test_api", "test_each_role_lists_only_the_targets_it_may_read"),
    "targets_create": (
        "tests.targets.test_api",
        "test_a_manager_sets_their_reps_target_and_is_refused_another_teams",
    ),
    "targets_read": (
        "tests.targets.test_api",
        "test_a_rep_reads_their_own_target_and_gets_404_for_a_colleagues",
    ),
    "targets_update": (
        "tests.targets.test_api",
        "test_a_manager_gets_404_for_another_teams_target_and_changes_nothing",
    ),
    "targets_delete": (
        "tests.targets.test_api",
        "test_a_manager_gets_404_for_another_teams_target_and_changes_nothing",
    ),
    # Spend is per team or company-wide, not owned: everyone reads their team's and the company-wide spend;
    # admins write any, managers their own team's (another team's is 404, the company-wide 403).
    "spend_list": (
        "tests.analytics.test_records_api",
        "test_each_role_lists_its_teams_and_the_company_wide_spend",
    ),
    "spend_read": (
        "tests.analytics.test_records_api",
        "test_each_role_lists_its_teams_and_the_company_wide_spend",
    ),
    "spend_create": (
        "tests.analytics.test_records_api",
        "test_a_manager_enters_their_teams_spend_and_is_refused_another_teams",
    ),
    **{
        f"spend_{action}": (
            "tests.analytics.test_records_api",
            "test_a_manager_gets_404_for_another_teams_spend_and_403_for_the_company_wide",
        )
        for action in ("update", "delete")
    },
    # Survey answers are owned records, read like the rest; anyone records their own.
    **{
        f"survey_responses_{action}": (
            "tests.analytics.test_records_api",
            "test_a_rep_records_an_answer_and_reads_only_their_own",
        )
        for action in ("list", "create")
    },
    "survey_responses_import": (
        "tests.analytics.test_records_api",
        "test_the_csv_upload_imports_all_rows_or_reports_each_bad_cell",
    ),
    # A key account follows its company: set by its owner, their manager or an admin; 404 where it is unseen.
    **{
        f"key_accounts_{action}": (
            "tests.analytics.test_records_api",
            "test_key_accounts_are_set_by_the_companys_owner_and_hidden_from_another_team",
        )
        for action in ("list", "set", "delete")
    },
    # Automation rules are configuration: admins all, managers their team's (404 for others), reps 403.
    **{
        f"automation_rules_{action}": (
            "tests.automation.test_api",
            "test_reps_may_not_manage_rules_and_managers_see_only_their_teams",
        )
        for action in ("list", "create", "read", "update", "delete", "runs")
    },
    # Reports count what the caller may see: records out of sight change no figure.
    "reports_index": ("tests.analytics.test_api", "test_the_index_lists_every_report_with_its_options"),
    "reports_read": (
        "tests.analytics.test_api",
        "test_no_report_changes_when_records_the_viewer_may_not_see_are_removed",
    ),
    "automation_catalog": (
        "tests.automation.test_api",
        "test_the_catalog_lists_what_rules_may_use_for_rule_managers_only",
    ),
    # Files and comments follow the record they are on (any registered type): 404 where it is unseen.
    **{
        operation_id: (
            "tests.files.test_api",
            "test_another_teams_rep_gets_404_for_every_file_operation_and_changes_nothing",
        )
        for operation_id in ("records_files_list", "records_files_create", "files_download", "files_delete")
    },
    **{
        operation_id: (
            "tests.comments.test_api",
            "test_another_teams_rep_gets_404_for_every_comment_operation",
        )
        for operation_id in (
            "records_comments_list",
            "records_comments_create",
            "comments_update",
            "comments_delete",
        )
    },
    "search": ("tests.core.test_search", "test_the_search_endpoint_answers_per_type_for_the_caller"),
    # --- billing's catalogue: shared by every team (no record of it is another team's), so outside the team
    # matrix; everyone signed in reads it, sales managers and administrators change it ---
    **{
        f"products_{action}": (
            "tests.billing.test_api_catalog",
            "test_a_manager_creates_a_product_everyone_reads_it_and_a_rep_cannot_change_it",
        )
        for action in ("list", "create", "read", "update", "delete")
    },
    **{
        f"products_{action}": (
            "tests.billing.test_api_catalog",
            "test_only_an_administrator_restores_a_product_and_everyone_reads_its_audit",
        )
        for action in ("restore", "audit")
    },
    **{
        operation_id: ("tests.billing.test_api_catalog", "test_price_lists_and_their_prices_over_http")
        for operation_id in (
            "price_lists_list",
            "price_lists_create",
            "price_lists_read",
            "price_lists_update",
            "price_lists_items",
            "price_lists_items_replace",
        )
    },
    **{
        operation_id: ("tests.billing.test_api_catalog", "test_tax_rates_are_read_by_everyone")
        for operation_id in ("tax_classes_list", "tax_rates_list")
    },
    # --- the knowledge base: articles are the whole staff's (no record of it is another team's), so outside the
    # team matrix; everyone signed in reads them, support staff, managers and administrators write them ---
    **{
        f"articles_{action}": (
            "tests.service.test_api_kb",
            "test_support_staff_write_articles_everyone_reads_them_and_reps_cannot_change_them",
        )
        for action in ("list", "create", "read", "update", "delete", "search")
    },
    **{
        f"articles_{action}": (
            "tests.service.test_api_kb",
            "test_publish_archive_revisions_and_restore_over_http",
        )
        for action in ("publish", "archive", "revisions", "restore_revision")
    },
    **{
        f"articles_{action}": (
            "tests.service.test_api_kb",
            "test_only_an_administrator_restores_an_article_and_everyone_reads_its_audit",
        )
        for action in ("restore", "audit")
    },
}
# Record types every team shares (the catalogue, the knowledge base): their operations are tested above, not in
# the team matrix.
SHARED_RESOURCES = {"products", "articles"}
# Reachable without any credentials, on purpose.

# --- billing: invoices and payments (issue 14) ----------------------------------------------------------------
# Their rules differ by role (reps draft; managers and admins issue, credit and record payments; an issued
# invoice refuses every change), so one test walks each of their operations for admin, manager, rep and team B's
# rep; the makers here serve the 401 walk.
BILLING_MATRIX = (
    "tests.billing.test_api_invoices",
    "test_each_role_gets_what_it_may_from_every_invoice_and_payment_operation",
)
BILLING_RESOURCES = ("invoices", "payments")
TESTED_ELSEWHERE.update(
    {
        f"{resource}_{action}": BILLING_MATRIX
        for resource in BILLING_RESOURCES
        for action in ("list", "create", "read", "update", "delete", "restore", "audit")
    }
)
TESTED_ELSEWHERE.update(
    {
        op_id: BILLING_MATRIX
        for op_id in (
            "invoices_issue",
            "invoices_credit",
            "invoices_from_quote",
            "payments_allocate",
            "payments_cheque_status",
            "payments_balance",
        )
    }
)

# --- the service calendar: jobs are no team's (schedulers see them all, anyone else the jobs they are on) and
# resources are the desk's settings, so one test walks every operation for each role ---
CALENDAR_MATRIX = (
    "tests.service.test_api_calendar",
    "test_each_role_gets_what_it_may_from_every_job_and_resource_operation",
)
TESTED_ELSEWHERE.update(
    {
        op_id: CALENDAR_MATRIX
        for op_id in (
            "field_jobs_list",
            "field_jobs_create",
            "field_jobs_read",
            "field_jobs_update",
            "service_resources_list",
            "service_resources_create",
            "service_resources_update",
        )
    }
)

# --- service: contracts' and warranties' own routes (items, work logged, plans, a ticket's coverage) ----------
CONTRACTS_API = (
    "tests.service.test_api_contracts",
    "test_another_teams_contract_warranty_and_ticket_are_not_found",
)
TESTED_ELSEWHERE.update(
    {
        op_id: CONTRACTS_API
        for op_id in (
            "contracts_coverage",
            "contracts_items",
            "contracts_item_add",
            "contracts_item_remove",
            "contracts_usage",
            "contracts_plans",
            "contracts_plan_add",
            "warranties_plans",
            "warranties_plan_add",
        )
    }
)

PUBLIC_OPERATIONS = {"intake_web_form"}

OPERATIONS = _operations()
MATRIX_OPERATIONS = [op for op in OPERATIONS if op.operation_id not in TESTED_ELSEWHERE]
RECORD_OPERATIONS = [op for op in MATRIX_OPERATIONS if not op.is_collection]
LIST_OPERATIONS = [op for op in MATRIX_OPERATIONS if op.is_collection and op.method == "GET"]
CREATE_OPERATIONS = [op for op in MATRIX_OPERATIONS if op.is_collection and op.method == "POST"]
# Products are shared by every team (no "another team's record"); invoices and payments have their own matrix
# (see "billing" below).
RESOURCE_NAMES = [
    res.name
    for res in RESOURCES
    if res.name not in SHARED_RESOURCES and res.name not in ("invoices", "payments")
]

# Types whose team is a support queue: a support agent sees their team's records (service/models.py).
QUEUE_RESOURCES = {"tickets", "contracts", "warranties"}

TEAM_A_ROLES = ["admin", "manager_a", "rep_a", "support_a", "support_manager_a", "marketer_a"]
TEAM_A_NON_ADMINS = [role for role in TEAM_A_ROLES if role != "admin"]


# --- records of each resource, made through the service layer ------------------------------------------------


def _company(owner, name):
    return create_company(actor=owner, values={"name": name})


def _contact(owner, name):
    return create_contact(actor=owner, values={"first_name": "Kian", "last_name": name})


def _lead(owner, name):
    return create_lead(actor=owner, values={"last_name": name, "company_name": f"{name} Co"})


def _deal(owner, name):
    return create_deal(actor=owner, values={"title": name, "amount": "1000"})


def _activity(owner, name):
    return create_activity(actor=owner, values={"subject": name, "kind": "task"})


def _pipeline(owner, name):
    """Pipelines are not owned; a pipeline "of" a user is their team's pipeline."""
    return make_pipeline(name=name, team=owner.team, is_default=False)


def _job(owner, name):
    return Job.objects.create(kind="import", title=name, created_by=owner)


def _import_run(owner, name):
    return ImportRun.objects.create(
        kind="contacts", file_name=f"{name}.csv", file_sha256="0" * 64, created_by=owner, owner=owner
    )


def _scoring_model(owner, name):
    """Scoring models are configuration: only administrators see them, whoever "owns" one here."""
    model = ScoringModel.objects.create(name=name, pipeline=None, active=False)
    ScoringRule.objects.create(
        model=model, label=name, field="source", condition="equals", value="website", points=10
    )
    return model


# --- billing: quotes (a deal with product lines, its customer named as the record's name, so search finds it) ---


def _quote(owner, name):
    from peyvand.billing import lines, services_quotes
    from tests.billing.quote_factories import make_product

    company = create_company(actor=owner, values={"name": name}, allow_duplicate=True)
    contact = create_contact(
        actor=owner, values={"last_name": name, "emails": ["buyer@example.com"]}, allow_duplicate=True
    )
    deal = create_deal(actor=owner, values={"title": name, "company": company.pk, "contact": contact.pk})
    deal = lines.set_deal_lines(
        actor=owner, deal=deal, rows=[{"product": make_product(owner).pk, "quantity": 1}]
    )
    return services_quotes.create_quote_from_deal(actor=owner, deal=deal)


def _quote_body(user, name):
    """A new quote's body names a deal with lines that the caller sees (made for them by an administrator)."""
    from peyvand.billing import lines
    from tests.billing.quote_factories import make_product

    maker = UserFactory(username="quote_maker", role=Role.ADMIN)
    deal = create_deal(actor=maker, values={"title": name, "owner": user.pk})
    lines.set_deal_lines(actor=maker, deal=deal, rows=[{"product": make_product(maker).pk, "quantity": 1}])
    return {"deal": deal.pk, "terms": name}


def _with_deal_lines(deal, owner):
    from peyvand.billing import lines
    from tests.billing.quote_factories import make_product

    lines.set_deal_lines(actor=owner, deal=deal, rows=[{"product": make_product(owner).pk, "quantity": 1}])


def _quote_status(status):
    def prepare(quote, owner):
        from peyvand.billing.models import Quote

        Quote.objects.filter(pk=quote.pk).update(status=status)

    return prepare


def _lines_body(op, record):
    from tests.billing.quote_factories import make_product

    return {"lines": [{"product": make_product(record.owner).pk, "quantity": "2"}]}


# --- service: tickets (made from their schema's example by the registry; their actions here) -----------------


def _ticket(owner, name):
    """A ticket with an address to reply to (the customer's), so the reply route has someone to e-mail."""
    from peyvand.service.services_tickets import create_ticket

    return create_ticket(actor=owner, values={"subject": name, "customer_email": "customer@example.com"})


def _ticket_status_body(op, ticket):
    return {"status": "open", "version": ticket.version}


def _ticket_merge_body(op, ticket):
    """Another ticket of the same owner to merge into (the admin sees both; a team A user sees neither)."""
    from peyvand.service.services_tickets import create_ticket

    other = create_ticket(actor=ticket.owner, values={"subject": "Merge target"})
    return {"target": other.pk}


def _ticket_split_body(op, ticket):
    from peyvand.service.services_tickets import add_customer_message

    message = add_customer_message(ticket=ticket, body="A second question", from_address="c@example.com")
    return {"message": message.pk, "subject": "Split off"}


def _check_ticket_status(op, record, response):
    assert response.json()["status"] == "open"


def _check_split(op, record, response):
    assert response.json()["split_from_id"] == record.pk


def _check_merge(op, record, response):
    from peyvand.service.models import Ticket

    assert Ticket.objects.get(pk=record.pk).merged_into_id == response.json()["id"]


def _product(owner, name):
    """A product kept by ``owner``; written directly, since only managers and administrators keep the catalogue."""
    from peyvand.billing.models import Product

    return Product.objects.create(code=f"P-{name}"[:50], name=name, owner=owner, team=owner.team)


def _article(owner, name):
    """An article of ``owner``; written directly, since only support staff, managers and administrators write
    them."""
    from peyvand.service.models import Article

    return Article.objects.create(title=name, body=name, owner=owner, team=owner.team)


MAKERS = {
    "products": _product,
    "articles": _article,
    "quotes": _quote,
    "jobs": _job,
    "imports": _import_run,
    "scoring-models": _scoring_model,
    "companies": _company,
    "contacts": _contact,
    "leads": _lead,
    "deals": _deal,
    "activities": _activity,
    "pipelines": _pipeline,
}
NAME_FIELD = {
    "quotes": "terms",
    "companies": "name",
    "contacts": "last_name",
    "leads": "last_name",
    "deals": "title",
    "activities": "subject",
    "pipelines": "name",
}
# Bodies that depend on the caller (a quote names a deal the caller sees): (user, name) -> body.
CREATE_BODY_FOR = {"quotes": _quote_body}
CREATE_BODY = {
    "quotes": lambda name: {"terms": name},
    "companies": lambda name: {"name": name},
    "contacts": lambda name: {"last_name": name},
    "leads": lambda name: {"last_name": name},
    "deals": lambda name: {"title": name},
    "activities": lambda name: {"subject": name},
    "pipelines": lambda name: {"name": name, "stages": [{"name": "New"}, {"name": "Won", "kind": "won"}]},
}
# Resources only an administrator may write; everyone else is refused with 403.
ADMIN_ONLY_WRITES = {"pipelines"}


def _add_registered_types() -> None:
    """A record type added by registration is walked like the others: its create body is its input schema's
    documented example (``Field(examples=...)``), the record's name on its first required text field."""
    for record_type in registry.record_types():
        resource = record_type.resource
        if resource is None or record_type.plural in MAKERS:
            continue
        schema = resource.schema_in.model_json_schema()
        properties, required = schema.get("properties", {}), schema.get("required", [])
        example = {n: p["examples"][0] for n, p in properties.items() if p.get("examples")}
        name_field = next((n for n in required if properties[n].get("type") == "string"), None)
        if name_field is None or not set(required) <= set(example):
            continue
        body = lambda name, e=example, f=name_field: {**e, f: name}  # noqa: E731
        CREATE_BODY[record_type.plural] = body
        NAME_FIELD[record_type.plural] = name_field
        MAKERS[record_type.plural] = lambda owner, name, r=resource, b=body: r.create(
            actor=owner, values=b(name)
        )


def _invoice(owner, name):
    from peyvand.billing.services_invoices import create_invoice

    customer = _company(owner, f"{name} Co")
    return create_invoice(
        actor=owner, values={"company": customer.pk, "lines": [{"description": name, "unit_price": "100"}]}
    )


def _payment(owner, name):
    """Reps may not record payments; the row is written directly for them."""
    import datetime as dt

    from peyvand.billing.models import Payment

    customer = _company(owner, f"{name} Co")
    return Payment.objects.create(
        owner=owner,
        team=owner.team,
        company=customer,
        amount=100,
        method="cash",
        received_on=dt.date(2026, 4, 5),
    )


MAKERS.update({"invoices": _invoice, "payments": _payment, "tickets": _ticket})
CREATE_BODY["tickets"] = lambda name: {"subject": name, "customer_email": "customer@example.com"}
NAME_FIELD["tickets"] = "subject"


def _contract_body(user, name):
    """A contract for a customer of the caller's own."""
    customer = create_company(actor=user, values={"name": f"{name} Co"}, allow_duplicate=True)
    return {"title": name, "company": customer.pk, "start_date": "2026-01-01", "end_date": "2026-12-31"}


def _contract(owner, name):
    from peyvand.service.services_contracts import create_contract

    return create_contract(actor=owner, values=_contract_body(owner, name))


def _warranty_body(user, name):
    from tests.billing.quote_factories import make_product

    customer = create_company(actor=user, values={"name": f"{name} Co"}, allow_duplicate=True)
    return {
        "product": make_product(user).pk,
        "serial_number": name,
        "company": customer.pk,
        "start_date": "2026-01-01",
        "end_date": "2027-01-01",
    }


def _warranty(owner, name):
    from peyvand.service.services_contracts import create_warranty

    return create_warranty(actor=owner, values=_warranty_body(owner, name))


MAKERS.update({"contracts": _contract, "warranties": _warranty})
CREATE_BODY_FOR.update({"contracts": _contract_body, "warranties": _warranty_body})
CREATE_BODY.update(
    {"contracts": lambda name: {"title": name}, "warranties": lambda name: {"serial_number": name}}
)
NAME_FIELD.update({"contracts": "title", "warranties": "serial_number"})

_add_registered_types()


def _reload(record):
    model = type(record)
    return getattr(model, "all_objects", model.objects).filter(pk=record.pk).first()


def _stored_state(record) -> tuple:
    """Everything a request could have changed: the row itself, and the count of audit and history rows."""
    model = type(record)
    row = getattr(model, "all_objects", model.objects).filter(pk=record.pk).values().first()
    return row, AuditEntry.objects.count(), StageHistory.objects.count()


# --- what each record endpoint needs and what an admin gets from it -------------------------------------------


@dataclass(frozen=True)
class Action:
    admin_status: int
    body: Any = None  # (operation, record) -> JSON body
    prepare: Any = None  # (record, owner) -> None, run before the request
    admin_check: Any = None  # (operation, record, response) -> None, after an admin's request


def _patch_body(op, record):
    body = {NAME_FIELD[op.resource]: "Renamed"}
    if hasattr(record, "version"):
        body["version"] = record.version
    return body


def _other_stage(deal):
    return deal.pipeline.stages.exclude(pk=deal.stage_id).order_by("order").first()


def _soft_delete(record, owner):
    delete_record(record, actor=owner)


def _check_read(op, record, response):
    assert response.json()["id"] == record.pk


def _check_update(op, record, response):
    assert response.json()[NAME_FIELD[op.resource]] == "Renamed"


def _check_delete(op, record, response):
    stored = _reload(record)
    assert stored is None or stored.deleted_at is not None


def _check_restore(op, record, response):
    assert response.json()["deleted_at"] is None
    assert _reload(record).deleted_at is None


def _check_audit(op, record, response):
    assert "create" in [entry["action"] for entry in response.json()]


def _check_move(op, record, response):
    assert response.json()["stage_id"] != record.stage_id


def _check_win(op, record, response):
    assert response.json()["status"] == "won"


def _lose_body(op, deal):
    from peyvand.sales.models import LostReason

    return {"reason": LostReason.objects.filter(active=True).first().pk, "version": deal.version}


def _check_lose(op, record, response):
    assert response.json()["status"] == "lost" and response.json()["lost_because_id"]


def _check_stage_history(op, record, response):
    assert [h["to_stage_id"] for h in response.json()] == [record.stage_id]


def _check_checklist(op, record, response):
    assert isinstance(response.json(), list)


def _checklist_item_body(op, deal):
    from peyvand.sales.models import ChecklistItem

    item = ChecklistItem.objects.create(stage=deal.stage, text="Confirm budget", required=True)
    return {"item": item.pk, "done": True}


def _check_checklist_check(op, record, response):
    assert [i["done"] for i in response.json()] == [True]


def _check_convert(op, record, response):
    assert response.json()["lead"]["status"] == "converted"


def _check_score(op, record, response):
    assert {"score", "band", "qualified"} <= set(response.json())


def _check_insights(op, record, response):
    assert response.json()


ACTIONS = {
    "read": Action(200, admin_check=_check_read),
    "score": Action(200, admin_check=_check_score),
    "insights": Action(200, admin_check=_check_insights),
    "rescore": Action(202),
    "update": Action(200, body=_patch_body, admin_check=_check_update),
    "delete": Action(204, admin_check=_check_delete),
    "restore": Action(200, prepare=_soft_delete, admin_check=_check_restore),
    "audit": Action(200, admin_check=_check_audit),
    "move": Action(
        200,
        body=lambda op, deal: {"stage": _other_stage(deal).pk, "version": deal.version},
        admin_check=_check_move,
    ),
    "win": Action(200, body=lambda op, deal: {"version": deal.version}, admin_check=_check_win),
    "lose": Action(200, body=_lose_body, admin_check=_check_lose),
    "stage_history": Action(200, admin_check=_check_stage_history),
    "checklist": Action(200, admin_check=_check_checklist),
    "checklist_check": Action(200, body=_checklist_item_body, admin_check=_check_checklist_check),
    "convert": Action(200, body=lambda op, lead: {"version": lead.version}, admin_check=_check_convert),
    # billing: a deal's lines (GET on deals, PUT on quotes) and "make a quote"; the quote's own actions
    "lines": Action(200, body=_lines_body),
    "lines_replace": Action(200, body=_lines_body),
    "quote": Action(201, prepare=_with_deal_lines),
    "revise": Action(201),
    "ready": Action(200),
    "approve": Action(200, prepare=_quote_status("pending_approval")),
    "send": Action(200),
    "accept": Action(200, body=lambda op, q: {"name": "Kian"}, prepare=_quote_status("sent")),
    "request_changes": Action(200, body=lambda op, q: {"text": "Cheaper"}, prepare=_quote_status("sent")),
    "link": Action(200),
    "versions": Action(200),
    # service: a ticket's conversation and moves (who of team A may write is in tests/service)
    "messages": Action(200),
    "reply": Action(201, body=lambda op, t: {"body": "We are on it."}),
    "note": Action(201, body=lambda op, t: {"body": "Internal only."}),
    "status": Action(200, body=_ticket_status_body, admin_check=_check_ticket_status),
    "merge": Action(200, body=_ticket_merge_body, admin_check=_check_merge),
    "split": Action(201, body=_ticket_split_body, admin_check=_check_split),
}
COLLECTION_ACTIONS = {"list", "create"}


def _send(client, op: Operation, pk: Any = None, body: Any = None, **params):
    if op.method == "GET":
        return client.get(op.url(pk), **params)
    if op.method == "DELETE":
        return client.delete(op.url(pk), **params)
    if op.method == "POST":
        return client.post(op.url(pk), body if body is not None else {})
    if op.method == "PATCH":
        return client.patch(op.url(pk), body if body is not None else {})
    if op.method == "PUT":
        return client._call("put", op.url(pk), body if body is not None else {})
    raise AssertionError(f"no way to send {op}")


def _request_for(op: Operation, record) -> tuple[Any, dict]:
    action = ACTIONS.get(op.action)
    if action is None:
        pytest.fail(f"{op} ({op.operation_id}) has no rule in the permission matrix; add one to ACTIONS")
    if op.has_body and action.body is None:
        pytest.fail(f"{op} takes a body but ACTIONS[{op.action!r}] does not say how to build one")
    body = action.body(op, record) if action.body else None
    params = {"version": record.version} if "version" in op.query_params else {}
    return body, params


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


@pytest.fixture
def support_a(team_a):
    return UserFactory(username="support_a", role=Role.SUPPORT_AGENT, team=team_a)


@pytest.fixture
def support_manager_a(team_a):
    return UserFactory(username="support_manager_a", role=Role.SUPPORT_MANAGER, team=team_a)


@pytest.fixture
def marketer_a(team_a):
    return UserFactory(username="marketer_a", role=Role.MARKETER, team=team_a)


@pytest.fixture
def foreign_record(rep_b, pipeline):
    """A maker of records owned by rep_b, of team B."""

    def make(resource):
        if resource not in MAKERS:
            pytest.fail(f"no maker for resource {resource!r}; add one to MAKERS")
        return MAKERS[resource](rep_b, SECRET_NAME)

    return make


# --- coverage of the matrix -----------------------------------------------------------------------------------


def test_every_operation_in_the_openapi_document_is_covered():
    uncovered = []
    for op in MATRIX_OPERATIONS:
        known_actions = COLLECTION_ACTIONS if op.is_collection else set(ACTIONS)
        if op.resource not in MAKERS or op.action not in known_actions:
            uncovered.append(f"{op} ({op.operation_id})")
    assert not uncovered, (
        "These API operations are not covered by the permission matrix of tests/test_permissions.py; for each, "
        "add its resource to MAKERS (and CREATE_BODY) and its action to ACTIONS, or name the test that proves "
        "who may use it in TESTED_ELSEWHERE:\n" + "\n".join(f"  {op}" for op in uncovered)
    )


@pytest.mark.parametrize("operation_id", sorted(TESTED_ELSEWHERE))
def test_operations_outside_the_matrix_name_a_test_that_exists(operation_id):
    module_name, test_name = TESTED_ELSEWHERE[operation_id]
    assert operation_id in {op.operation_id for op in OPERATIONS}, f"{operation_id} is no longer in the API"
    assert callable(getattr(importlib.import_module(module_name), test_name, None)), (module_name, test_name)


def test_every_resource_and_pipelines_has_list_create_and_record_endpoints_in_the_matrix():
    for name in [*RESOURCE_NAMES, "pipelines"]:
        assert name in {op.resource for op in LIST_OPERATIONS}, name
        assert name in {op.resource for op in CREATE_OPERATIONS}, name
        assert {"read", "update", "delete"} <= {
            op.action for op in RECORD_OPERATIONS if op.resource == name
        }, name
    for name in RESOURCE_NAMES:
        assert {"restore", "audit"} <= {op.action for op in RECORD_OPERATIONS if op.resource == name}, name


# --- record endpoints -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("op", RECORD_OPERATIONS, ids=str)
def test_admin_may_use_every_record_endpoint_on_another_teams_record(
    op, admin, rep_b, foreign_record, api_for
):
    record = foreign_record(op.resource)
    action = ACTIONS.get(op.action)
    if action and action.prepare:
        action.prepare(record, rep_b)
        record = _reload(record)
    body, params = _request_for(op, record)

    response = _send(api_for(admin), op, record.pk, body, **params)

    assert response.status_code == action.admin_status, response.content
    if action.admin_check:
        action.admin_check(op, record, response)


@pytest.mark.parametrize("role", TEAM_A_NON_ADMINS)
@pytest.mark.parametrize("op", RECORD_OPERATIONS, ids=str)
def test_team_a_non_admins_get_404_from_every_record_endpoint_for_a_team_b_record(
    op,
    role,
    request,
    rep_b,
    foreign_record,
    api_for,
):
    user = request.getfixturevalue(role)
    record = foreign_record(op.resource)
    action = ACTIONS.get(op.action)
    if action and action.prepare:
        action.prepare(record, rep_b)
        record = _reload(record)
    body, params = _request_for(op, record)
    before = _stored_state(record)

    response = _send(api_for(user), op, record.pk, body, **params)

    assert response.status_code == 404, (role, response.content)
    body = response.json()
    assert body["detail"] and body["code"] == "not_found" and body["errors"] == []
    assert SECRET_WORD not in response.content.decode().lower()
    assert _stored_state(record) == before, "a refused request changed something"


@pytest.mark.parametrize("role", TEAM_A_NON_ADMINS)
@pytest.mark.parametrize(
    "op", [op for op in RECORD_OPERATIONS if op.resource in ADMIN_ONLY_WRITES and op.method != "GET"], ids=str
)
def test_non_admins_are_refused_403_when_writing_a_shared_admin_only_record(
    op, role, request, pipeline, api_for
):
    user = request.getfixturevalue(role)
    body, params = _request_for(op, pipeline)
    before = _stored_state(pipeline)

    response = _send(api_for(user), op, pipeline.pk, body, **params)

    assert response.status_code == 403, response.content
    assert _stored_state(pipeline) == before


# --- list endpoints -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", TEAM_A_ROLES)
@pytest.mark.parametrize("op", LIST_OPERATIONS, ids=str)
def test_lists_show_another_teams_record_to_admin_only(op, role, request, foreign_record, api_for):
    user = request.getfixturevalue(role)
    foreign = foreign_record(op.resource)
    own = MAKERS[op.resource](user, "Own record")
    model = type(foreign)
    everything = set(model.objects.values_list("pk", flat=True))
    expected = everything if role == "admin" else everything - {foreign.pk}
    client = api_for(user)

    listed = client.get(op.url(), page_size=200)

    assert sorted(_ids(listed)) == sorted(expected)
    assert listed.json()["count"] == len(expected)
    assert own.pk in _ids(listed)


@pytest.mark.parametrize("role", TEAM_A_ROLES)
@pytest.mark.parametrize("op", LIST_OPERATIONS, ids=str)
def test_searching_a_list_for_another_teams_record_by_name_finds_it_for_admin_only(
    op,
    role,
    request,
    foreign_record,
    api_for,
):
    user = request.getfixturevalue(role)
    foreign = foreign_record(op.resource)
    MAKERS[op.resource](user, "Own record")
    client = api_for(user)

    found = client.get(op.url(), search=SECRET_WORD, page_size=200)

    ids = _ids(found)
    if role == "admin":
        assert foreign.pk in ids
    else:
        assert foreign.pk not in ids
        assert SECRET_WORD not in found.content.decode().lower()
    if "search" in op.query_params:
        expected = [foreign.pk] if role == "admin" else []
        assert ids == expected
        assert found.json()["count"] == len(expected)


@pytest.mark.parametrize("role", TEAM_A_NON_ADMINS)
@pytest.mark.parametrize("op", [op for op in LIST_OPERATIONS if op.resource in RESOURCE_NAMES], ids=str)
def test_filtering_a_list_by_another_teams_owner_or_team_finds_nothing(
    op,
    role,
    request,
    rep_b,
    team_b,
    foreign_record,
    api_for,
):
    user = request.getfixturevalue(role)
    foreign_record(op.resource)
    client = api_for(user)

    by_owner = client.get(op.url(), owner=rep_b.pk)
    by_team = client.get(op.url(), team=team_b.pk)

    assert by_owner.json() == {"items": [], "count": 0}
    assert by_team.json() == {"items": [], "count": 0}


# --- create endpoints -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", TEAM_A_ROLES)
@pytest.mark.parametrize("op", CREATE_OPERATIONS, ids=str)
def test_each_role_creates_records_it_owns_and_only_admin_writes_admin_only_resources(
    op,
    role,
    request,
    pipeline,
    api_for,
):
    user = request.getfixturevalue(role)
    if op.resource not in CREATE_BODY:
        pytest.fail(f"no create body for {op}; add one to CREATE_BODY")

    body = (
        CREATE_BODY_FOR[op.resource](user, "Created here")
        if op.resource in CREATE_BODY_FOR
        else CREATE_BODY[op.resource]("Created here")
    )
    response = _send(api_for(user), op, body=body)

    if op.resource in ADMIN_ONLY_WRITES and role != "admin":
        assert response.status_code == 403, response.content
        assert not Pipeline.objects.filter(name="Created here").exists()
        return
    assert response.status_code == 201, response.content
    if op.resource not in ADMIN_ONLY_WRITES:
        assert response.json()["owner_id"] == user.pk
        assert response.json()["team_id"] == user.team_id


@pytest.mark.parametrize("role", TEAM_A_ROLES)
@pytest.mark.parametrize(
    "op", [op for op in CREATE_OPERATIONS if op.resource not in ADMIN_ONLY_WRITES], ids=str
)
def test_only_admin_creates_a_record_owned_by_another_teams_user(
    op, role, request, rep_b, team_b, pipeline, api_for
):
    user = request.getfixturevalue(role)
    model = type(MAKERS[op.resource](user, "Own record"))
    count_before = model.all_objects.count()

    body = (
        CREATE_BODY_FOR[op.resource](user, "Handed over")
        if op.resource in CREATE_BODY_FOR
        else CREATE_BODY[op.resource]("Handed over")
    )
    response = _send(api_for(user), op, body={**body, "owner": rep_b.pk})

    if role == "admin":
        assert response.status_code == 201, response.content
        assert (response.json()["owner_id"], response.json()["team_id"]) == (rep_b.pk, team_b.pk)
    else:
        assert response.status_code == 422, response.content
        assert [e["field"] for e in response.json()["errors"]] == ["owner"]
        assert model.all_objects.count() == count_before


# --- visibility inside a team ---------------------------------------------------------------------------------


@pytest.mark.parametrize("resource", RESOURCE_NAMES)
def test_manager_sees_and_changes_own_teams_rep_records_but_not_another_teams(
    resource,
    manager_a,
    rep_a,
    rep_b,
    pipeline,
    api_for,
):
    teammates = MAKERS[resource](rep_a, "Teammate record")
    strangers = MAKERS[resource](rep_b, SECRET_NAME)
    client = api_for(manager_a)

    assert client.get(f"/{resource}/{teammates.pk}").status_code == 200
    assert client.get(f"/{resource}/{strangers.pk}").status_code == 404
    assert _ids(client.get(f"/{resource}", page_size=200)) == [teammates.pk]
    changed = client.patch(
        f"/{resource}/{teammates.pk}",
        {"version": teammates.version, NAME_FIELD[resource]: "Changed by manager"},
    )
    assert changed.status_code == 200, changed.content


@pytest.mark.parametrize("viewer", ["rep_a", "support_a", "marketer_a"])
@pytest.mark.parametrize("resource", RESOURCE_NAMES)
def test_with_rep_sees_team_on_a_team_member_sees_a_teammates_record_but_not_another_teams(
    resource,
    viewer,
    request,
    settings,
    rep_a2,
    rep_b,
    pipeline,
    api_for,
):
    settings.PEYVAND_REP_SEES_TEAM = True
    user = request.getfixturevalue(viewer)
    teammates = MAKERS[resource](rep_a2, "Teammate record")
    strangers = MAKERS[resource](rep_b, SECRET_NAME)
    client = api_for(user)

    assert client.get(f"/{resource}/{teammates.pk}").status_code == 200
    assert client.get(f"/{resource}/{strangers.pk}").status_code == 404
    assert _ids(client.get(f"/{resource}", page_size=200)) == [teammates.pk]


@pytest.mark.parametrize("viewer", ["rep_a", "support_a", "marketer_a"])
@pytest.mark.parametrize("resource", RESOURCE_NAMES)
def test_with_rep_sees_team_off_a_team_member_sees_only_their_own_records(
    resource,
    viewer,
    request,
    settings,
    rep_a2,
    pipeline,
    api_for,
):
    settings.PEYVAND_REP_SEES_TEAM = False
    user = request.getfixturevalue(viewer)
    teammates = MAKERS[resource](rep_a2, "Teammate record")
    own = MAKERS[resource](user, "Own record")
    client = api_for(user)

    if resource in QUEUE_RESOURCES and viewer == "support_a":
        # the team is the support agent's queue: they see a teammate's ticket whatever the setting
        assert client.get(f"/{resource}/{teammates.pk}").status_code == 200
        assert sorted(_ids(client.get(f"/{resource}", page_size=200))) == sorted([own.pk, teammates.pk])
        return
    assert client.get(f"/{resource}/{teammates.pk}").status_code == 404
    assert client.get(f"/{resource}/{own.pk}").status_code == 200
    assert _ids(client.get(f"/{resource}", page_size=200)) == [own.pk]


# --- requests without a valid token ---------------------------------------------------------------------------


def _without_token(user):
    return Client()


def _with_unknown_token(user):
    return Client(headers={"Authorization": "Bearer pv_not-a-real-token"})


def _with_revoked_token(user):
    token, key = ApiToken.issue(user)
    token.revoke()
    return Client(headers={"Authorization": f"Bearer {key}"})


def _with_token_of_deactivated_user(user):
    _, key = ApiToken.issue(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    return Client(headers={"Authorization": f"Bearer {key}"})


def _with_wrong_scheme(user):
    _, key = ApiToken.issue(user)
    return Client(headers={"Authorization": f"Token {key}"})


CREDENTIALS = [
    _without_token,
    _with_unknown_token,
    _with_revoked_token,
    _with_token_of_deactivated_user,
    _with_wrong_scheme,
]


@pytest.mark.parametrize("op", [op for op in OPERATIONS if op.operation_id not in PUBLIC_OPERATIONS], ids=str)
def test_requests_without_a_valid_token_get_401_json_and_change_nothing(op, admin, foreign_record):
    record = foreign_record(op.resource) if op.resource in MAKERS else foreign_record("contacts")
    url = f"/api/v1{op.url(record.pk)}"
    for credentials in CREDENTIALS:
        client = credentials(admin)
        before = _stored_state(record)

        if op.method in ("POST", "PATCH"):
            response = getattr(client, op.method.lower())(url, data={}, content_type="application/json")
        else:
            response = getattr(client, op.method.lower())(url)

        assert response.status_code == 401, (credentials.__name__, response.content)
        assert response["Content-Type"].startswith("application/json")
        body = response.json()
        assert body["detail"] and body["errors"] == [], credentials.__name__
        assert SECRET_WORD not in response.content.decode().lower()
        assert _stored_state(record) == before, credentials.__name__
