"""The permission matrix of the pages: every address of the UI, for each role, over real HTTP.

The addresses come from Django's URL resolver (everything in ``peyvand.urls`` but the API, the admin, ``i18n/``
and static files), so a page added tomorrow makes ``test_every_page_of_the_ui_has_a_row_in_the_matrix`` fail,
naming it, until ``PAGES`` says what each role gets from it. Each row says, per role, what a GET and (where the
view takes one) a POST answer for a record the role may see; what a manager and a rep of team A get for the same
kind of record of team B (404 for a record page: another team's record does not exist for them); and which
htmx partials the page renders (``HX-Request``, with ``HX-Target`` where the view picks its partial by target).
A refused request changes nothing.
"""

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from peyvand.accounts.models import ApiToken, SignedInSession, Team, User
from peyvand.activities.models import Activity
from peyvand.activities.services import create_activity, rotate_calendar_feed
from peyvand.automation.models import Rule
from peyvand.contacts import merge as merging
from peyvand.contacts.models import Company, Contact
from peyvand.contacts.services import create_company, create_contact
from peyvand.core import periods, registry
from peyvand.core.models import AuditEntry, CustomField, Holiday, Job, SavedView
from peyvand.core.records import delete_record
from peyvand.imports.models import ImportRun
from peyvand.leads.models import AssignmentRule, Lead, ScoringModel, ScoringRule, WebForm
from peyvand.leads.services import create_lead
from peyvand.notifications.models import Notification
from peyvand.notifications.services import notify
from peyvand.sales.models import ChecklistItem, Deal, LostReason, Pipeline, StageHistory
from peyvand.sales.services import create_deal
from peyvand.targets.models import Target
from tests.factories import make_pipeline

pytestmark = pytest.mark.django_db

ANONYMOUS, ADMIN, MANAGER, REP = "anonymous", "admin", "manager_a", "rep_a"
ROLES = (ANONYMOUS, ADMIN, MANAGER, REP)
SIGN_IN = "redirect to sign-in"  # 302 to LOGIN_URL?next=<the page>

# The parts of the URL configuration that are not UI pages, with the test that covers each.
NOT_PAGES = (
    "api/",  # tests/test_permissions.py walks the OpenAPI document
    "admin/",  # Django's admin: staff only, Django's own checks
    "i18n/",  # the language switch, public by design
    settings.STATIC_URL.lstrip("/"),
)


# --- the pages, read from the URL resolver --------------------------------------------------------------------


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, route, inner or pattern.namespace or "")
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            view = pattern.callback
            yield route, name or route, f"{view.__module__}.{getattr(view, '__name__', type(view).__name__)}"


def ui_patterns(urlconf: str | None = None) -> dict[str, str]:
    """{URL name (or route when unnamed): "route -> view"} for every UI page."""
    found = {}
    for route, key, view in _walk(get_resolver(urlconf).url_patterns):
        bare = route.lstrip("^")
        if any(bare.startswith(prefix) for prefix in NOT_PAGES if prefix):
            continue
        found[key] = f"/{bare} -> {view}"
    return found


# --- the records a page is asked about -------------------------------------------------------------------------


@dataclass
class World:
    """The people of the matrix: team A's admin, manager and rep; team B's rep and manager."""

    users: dict[str, User]
    rep_b: User
    manager_b: User
    pipeline: Pipeline

    def manager_of(self, who: User) -> User:
        return self.manager_b if who.team_id == self.rep_b.team_id else self.users[MANAGER]


SERIAL = itertools.count(1)


def _company(world, who):
    return create_company(actor=who, values={"name": f"Kian Trading {next(SERIAL)}"}, allow_duplicate=True)


def _contact(world, who, last_name="Shirazi"):
    return create_contact(
        actor=who, values={"first_name": "Kian", "last_name": last_name}, allow_duplicate=True
    )


def _lead(world, who):
    return create_lead(
        actor=who,
        values={"last_name": f"Rahimi {next(SERIAL)}", "company_name": "Rahimi Co"},
        allow_duplicate=True,
    )


def _deal(world, who):
    return create_deal(actor=who, values={"title": "Ten printers", "amount": "1000"})


def _activity(world, who):
    from django.utils import timezone

    return create_activity(
        actor=who, values={"subject": "Call back", "kind": "task", "due_at": timezone.now().isoformat()}
    )


def _invoice(world, who):
    """A draft invoice for the user's own company (billing, issue 14)."""
    from peyvand.billing.services_invoices import create_invoice

    customer = _company(world, who)
    return create_invoice(
        actor=who, values={"company": customer.pk, "lines": [{"description": "Printer", "unit_price": "100"}]}
    )


def _payment(world, who):
    """Reps may not record payments; the row is written directly for them."""
    import datetime as dt

    from peyvand.billing.models import Payment

    customer = _company(world, who)
    return Payment.objects.create(
        owner=who, team=who.team, company=customer, amount=100, method="cash", received_on=dt.date(2026, 4, 5)
    )


def _quote(world, who):
    from peyvand.billing import lines, services_quotes
    from tests.billing.quote_factories import make_product

    deal = create_deal(actor=who, values={"title": "Ten printers"})
    deal = lines.set_deal_lines(actor=who, deal=deal, rows=[{"product": make_product(who).pk, "quantity": 1}])
    return services_quotes.create_quote_from_deal(actor=who, deal=deal)


def _quote_action_url(world, who):
    return reverse("quotes:action", args=[_quote(world, who).pk, "ready"])


def _public_quote_url(world, who):
    from peyvand.billing import services_quotes

    return reverse("quote-public", args=[services_quotes.public_token(_quote(world, who))])


def _ticket(world, who):
    from peyvand.service.services_tickets import create_ticket

    return create_ticket(actor=who, values={"subject": "No sound", "customer_email": "c@example.com"})


def _other_ticket(world, who) -> dict[str, Any]:
    """A ticket of the role's own to merge into."""
    return {"target": _ticket(world, who).pk}


MAKERS: dict[str, Callable[[World, User], Any]] = {
    "tickets": _ticket,
    "invoices": _invoice,
    "payments": _payment,
    "quotes": _quote,
    "companies": _company,
    "contacts": _contact,
    "leads": _lead,
    "deals": _deal,
    "activities": _activity,
}


def _record_url(name: str, kind: str, *, deleted: bool = False, **query):
    def build(world: World, who: User) -> str:
        record = MAKERS[kind](world, who)
        if deleted:
            # only those who record payments delete one (billing.permissions.can_delete_payment)
            delete_record(record, actor=world.manager_of(who) if kind == "payments" else who)
        url = reverse(name, args=[record.pk])
        return f"{url}?{urlencode(query)}" if query else url

    return build


def _url(name: str, **query) -> Callable[[World, User], str]:
    def build(world: World, who: User) -> str:
        url = reverse(name)
        return f"{url}?{urlencode(query)}" if query else url

    return build


def _checklist_url(world, who):
    deal = _deal(world, who)
    item = ChecklistItem.objects.create(stage=deal.stage, text="Send the price list", required=False)
    return reverse("deal-checklist", args=[deal.pk, item.pk])


def _lost_reason_url(name: str):
    def build(world, who):
        reason = LostReason.objects.create(name=f"Went quiet {next(SERIAL)}", order=90)
        return reverse(name, args=[reason.pk])

    return build


def _losing(world, who) -> dict[str, Any]:
    return {"reason": LostReason.objects.filter(active=True).first().pk, "note": "Chose a cheaper supplier"}


def _new_reason(world, who) -> dict[str, Any]:
    return {"name": f"Lost contact {next(SERIAL)}", "order": "5", "active": "1"}


def _person_url(name: str):
    """A page about a fresh person of ``who``'s team, so that deactivating them or resetting their password
    leaves the matrix's own people signed in."""

    def build(world, who):
        from tests.factories import UserFactory

        person = UserFactory(username=f"person{next(SERIAL)}", team=who.team)
        return reverse(name, args=[person.pk])

    return build


def _holiday_url(name: str):
    def build(world, who):
        day = dt.date(2030, 1, 1) + dt.timedelta(days=next(SERIAL))
        return reverse(name, args=[Holiday.objects.create(date=day, name="Company day").pk])

    return build


def _person_values(world, who) -> dict[str, Any]:
    return {
        "username": f"new.person{next(SERIAL)}",
        "first_name": "Roya",
        "role": "sales_rep",
        "team": str(who.team_id),
        "skills": "printers",
        "password": "violet-harbour-1387",
        "active": "0",
    }


def _person_edit_values(world, who) -> dict[str, Any]:
    # the edit keeps the person's username unless one is given, so a free one is
    return {**_person_values(world, who), "password": ""}


def _team_url(name: str):
    def build(world, who):
        return reverse(name, args=[Team.objects.create(name=f"Team {next(SERIAL)}").pk])

    return build


def _new_holiday(world, who) -> dict[str, Any]:
    day = dt.date(2031, 1, 1) + dt.timedelta(days=next(SERIAL))
    return {"date": day.isoformat(), "name": "Company day", "share": "0.5"}


def _holiday_file(world, who) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    day = dt.date(2032, 1, 1) + dt.timedelta(days=next(SERIAL))
    return {
        "file": SimpleUploadedFile("holidays.csv", f"date,name\n{day.isoformat()},Company day\n".encode())
    }


def _custom_field_url(name: str):
    def build(world, who):
        field = CustomField.objects.create(
            entity="contact", key=f"field_{next(SERIAL)}", label=f"Field {next(SERIAL)}", field_type="text"
        )
        return reverse(name, args=[field.pk])

    return build


def _team_values(world, who) -> dict[str, Any]:
    return {"name": f"Kerman {next(SERIAL)}", "city": "Kerman"}


def _new_custom_field(world, who) -> dict[str, Any]:
    return {"entity": "contact", "label": f"Branch {next(SERIAL)}", "field_type": "text", "confirm": ""}


def _merge_url(world, who):
    first, second = _contact(world, who, "Karimi"), _contact(world, who, "Karimi")
    return reverse("merge") + "?" + urlencode({"entity": "contact", "ids": f"{first.pk},{second.pk}"})


def _merge_record(world, who):
    first, second = _contact(world, who, "Karimi"), _contact(world, who, "Karimi")
    return merging.merge_records(actor=who, survivor=first, others=[second.pk])


def _merge_detail_url(world, who):
    return reverse("merge-detail", args=[_merge_record(world, who).pk])


def _merge_undo_url(world, who):
    return reverse("merge-undo", args=[_merge_record(world, who).pk])


def _saved_view_url(kind: str):
    def build(world, who):
        view = SavedView.objects.create(
            owner=who, list_name=kind, name=f"View {next(SERIAL)}", query="ordering=-id"
        )
        return reverse(f"{kind}:view-delete", args=[view.pk])

    return build


def _job_url(world, who):
    return reverse("job", args=[Job.objects.create(kind="import", title="Import", created_by=who).pk])


def _import_run(who) -> ImportRun:
    return ImportRun.objects.create(
        kind="contacts", file_name="people.csv", file_sha256="0" * 64, created_by=who, owner=who
    )


def _import_url(name):
    return lambda world, who: reverse(name, args=[_import_run(who).pk])


def _notification_url(world, who):
    notify(recipients=[who], kind="test", title="A deal is stuck", key=f"test-{who.pk}")
    return reverse("notification-open", args=[Notification.objects.filter(recipient=who).latest("pk").pk])


def _session_url(world, who):
    row = SignedInSession.objects.create(user=who, key_hash=f"{next(SERIAL):064d}")
    return reverse("security-end-session", args=[row.pk])


def _token_url(world, who):
    token, _key = ApiToken.issue(who)
    return reverse("security-revoke-token", args=[token.pk])


def _scoring_model() -> ScoringModel:
    model = ScoringModel.objects.create(name="Website leads", pipeline=None, active=False)
    ScoringRule.objects.create(
        model=model, label="From the website", field="source", condition="equals", value="website", points=10
    )
    return model


def _scoring_url(name):
    def build(world, who):
        model = _scoring_model()
        args = [model.pk, model.rules.get().pk] if name == "scoring_accept" else [model.pk]
        return reverse(name, args=args)

    return build


def _assignment_rule_url(name):
    def build(world, who):
        rule = AssignmentRule.objects.create(name=f"Website {next(SERIAL)}", strategy="user", target_user=who)
        return reverse(name, args=[rule.pk])

    return build


def _new_assignment_rule(world, who) -> dict[str, Any]:
    return {"name": f"Karaj {next(SERIAL)}", "territory": "Karaj", "strategy": "user", "target_user": who.pk}


def _settings_rule_url(name):
    def build(world, who):
        model = _scoring_model()
        args = (
            [model.pk, model.rules.get().pk] if "rule-" in name and not name.endswith("add") else [model.pk]
        )
        return reverse(name, args=args)

    return build


def _new_scoring_model(world, who) -> dict[str, Any]:
    return {"name": f"Model {next(SERIAL)}", "warm_from": "10", "hot_from": "30", "threshold": "20"}


def _new_scoring_rule(world, who) -> dict[str, Any]:
    return {
        "label": "Buying now",
        "field": "purchase_timeline",
        "condition": "equals",
        "value": "now",
        "points": "5",
    }


def _pipeline_url(world, who):
    pipeline = make_pipeline(name=f"Team {next(SERIAL)}", team=who.team, is_default=False)
    return reverse("sales-pipeline-edit", args=[pipeline.pk])


def _rule(world, who) -> Rule:
    """A rule of ``who``'s team, made by its manager (rules are configuration of a team)."""
    manager = world.manager_of(who)
    return Rule.objects.create(
        name="Welcome",
        trigger="record_created",
        record_type="contact",
        actions=[{"type": "notify", "recipients": ["owner"], "title": "Hello"}],
        created_by=manager,
        team=manager.team,
    )


def _rule_url(name):
    return lambda world, who: reverse(name, args=[_rule(world, who).pk])


def _feed_url(world, who):
    return reverse("calendar-feed", kwargs={"token": rotate_calendar_feed(user=who).token})


def _public_form_url(world, who):
    return reverse("public_form", args=[WebForm.objects.create(name="Site", fields=["last_name"]).key])


def _web_form_url(name: str):
    def build(world, who):
        form = WebForm.objects.create(name=f"Site {next(SERIAL)}", fields=["last_name", "phone"])
        return reverse(name, args=[form.pk])

    return build


def _new_web_form(world, who) -> dict[str, Any]:
    return {
        "name": f"Contact us {next(SERIAL)}",
        "ask": ["last_name", "phone"],
        "source": "website",
        "active": "1",
    }


def _target_cell(world, who) -> dict[str, Any]:
    """Set a month's target for ``who`` (a rep), the way the grid's cell posts it."""
    calendar = periods.business_calendar()
    year = periods.YEAR_RANGE[calendar][0] + 150
    return {"subject": f"user:{who.pk}", "kind": "month", "year": year, "number": 1, "amount": "5000"}


def _file_on_contact(world, who):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from peyvand.files.services import attach_file

    contact = _contact(world, who)
    upload = SimpleUploadedFile("notes.txt", b"Call on Sunday", content_type="text/plain")
    return attach_file(actor=who, record_type="contact", record_id=contact.pk, upload=upload)


def _comment_on_contact(world, who):
    from peyvand.comments.services import add_comment

    contact = _contact(world, who)
    return add_comment(actor=who, record_type="contact", record_id=contact.pk, body="Call on Sunday")


def _record_link_url(name: str):
    """A page of a record's files or comments: /records/<type>/<id>/..."""

    def build(world, who):
        return reverse(name, args=["contact", _contact(world, who).pk])

    return build


def _of(name: str, make):
    return lambda world, who: reverse(name, args=[make(world, who).pk])


# --- billing: printed documents and the tax system's export ---


def _invoice_pdf_url(world, who):
    from tests.billing.test_pdf import make_invoice

    return reverse(
        "billing:document-pdf", args=["invoice", make_invoice(who, number=f"INV-{next(SERIAL)}").pk]
    )


# --- what each role gets ---------------------------------------------------------------------------------------

Expected = int | str


def everyone(status: Expected, anonymous: Expected = SIGN_IN) -> dict[str, Expected]:
    return {ANONYMOUS: anonymous, ADMIN: status, MANAGER: status, REP: status}


def roles(*, admin: Expected, manager: Expected, rep: Expected, anonymous: Expected = SIGN_IN):
    return {ANONYMOUS: anonymous, ADMIN: admin, MANAGER: manager, REP: rep}


POST_ONLY = everyone(405)
# Another person's session, token or notification is theirs alone, an administrator's neither.
MINE_ONLY = {ADMIN: 404, MANAGER: 404, REP: 404}
HTMX = {"HX-Request": "true"}
HTMX_RESULTS = {"HX-Request": "true", "HX-Target": "results"}
HTMX_DIALOG = {"HX-Request": "true", "HX-Target": "quick-dialog-body"}


@dataclass(frozen=True)
class Page:
    """What each role gets from one address.

    ``url(world, who)`` builds the address for a record of ``who`` (made fresh for each request); a role asks
    about a record of rep_a (which every role of team A may see) unless ``personal``, when the record is the
    role's own (their session, their notification). ``foreign`` is what team A's manager and rep get for the
    same address built for team B's rep (None: the page is not about a record of a team).
    """

    url: Callable[[World, User], str]
    get: dict[str, Expected] | None = None
    post: dict[str, Expected] | None = None
    data: Callable[[World, User], dict[str, Any]] | None = None
    foreign: Expected | dict[str, Expected] | None = None
    htmx_get: tuple[dict[str, str], ...] = ()
    htmx_post: dict[str, Expected] | None = None
    foreign_htmx_post: Expected | dict[str, Expected] = 404
    personal: bool = False
    note: str = ""

    def foreign_for(self, role: str) -> Expected | None:
        if isinstance(self.foreign, dict):
            return self.foreign.get(role)
        return self.foreign


def _inline_field_page(kind: str) -> Page:
    """A record page's field edited in place: the edit form's rights (anyone who sees the record); a screen
    without such fields answers 404 for every field."""
    fields = registry.by_plural(kind).screen.inline_fields
    name = fields[0] if fields else "name"

    def build(world: World, who: User) -> str:
        return reverse(f"{kind}:field", args=[MAKERS[kind](world, who).pk, name])

    status = 200 if fields else 404
    return Page(
        build,
        get=everyone(status),
        post=everyone(status),
        data=lambda world, who: {name: "Changed in place", "version": 1},
        htmx_get=(HTMX,),
        htmx_post=everyone(status),
        foreign=404,
        note="the form's field and the service's rules: tests/web/test_inline_edit.py",
    )


def _screen_pages(kind: str, *, extra: dict[str, Page] | None = None) -> dict[str, Page]:
    """The generic pages every record screen has: list, form, record page, edit, delete and restore."""
    return {
        f"{kind}:list": Page(
            _url(f"{kind}:list"),
            get=everyone(200),
            htmx_get=(HTMX_RESULTS,),
            note="HX-Target results: the table",
        ),
        f"{kind}:create": Page(_url(f"{kind}:create"), get=everyone(200), post=everyone(200)),
        f"{kind}:detail": Page(_record_url(f"{kind}:detail", kind), get=everyone(200), foreign=404),
        f"{kind}:edit": Page(
            _record_url(f"{kind}:edit", kind), get=everyone(200), post=everyone(200), foreign=404
        ),
        f"{kind}:delete": Page(
            _record_url(f"{kind}:delete", kind), get=POST_ONLY, post=everyone(302), foreign=404
        ),
        f"{kind}:field": _inline_field_page(kind),
        f"{kind}:views": Page(_url(f"{kind}:views"), get=POST_ONLY, post=everyone(302)),
        f"{kind}:view-delete": Page(
            _saved_view_url(kind), get=POST_ONLY, post=everyone(302), foreign=MINE_ONLY, personal=True
        ),
        f"{kind}:bulk": Page(
            _url(f"{kind}:bulk"),
            get=POST_ONLY,
            post=everyone(302),
            note="each record's own rights: test_bulk.py",
        ),
        # A deleted record is out of everyone's sight but an administrator's.
        f"{kind}:restore": Page(
            _record_url(f"{kind}:restore", kind, deleted=True),
            get=POST_ONLY,
            post=roles(admin=302, manager=404, rep=404),
            foreign=404,
        ),
        **(extra or {}),
    }


PAGES: dict[str, Page] = {
    # --- signing in and one's own account (a session, a token: only one's own exists) ---
    "login": Page(_url("login"), get=everyone(302, anonymous=200), note="signed in: on to the home page"),
    "signin-code": Page(_url("signin-code"), get=everyone(302, anonymous=302)),
    "signin-enrol": Page(_url("signin-enrol"), get=everyone(302, anonymous=302)),
    "logout": Page(_url("logout"), get=everyone(405, anonymous=405), post=everyone(302, anonymous=302)),
    "security": Page(_url("security"), get=everyone(200)),
    # an empty form is bad input (400 or 422), not a refusal
    "security-enrol": Page(_url("security-enrol"), get=everyone(200), post=everyone(400)),
    "security-backup-codes": Page(_url("security-backup-codes"), get=POST_ONLY, post=everyone(302)),
    "security-two-factor-off": Page(_url("security-two-factor-off"), get=POST_ONLY, post=everyone(302)),
    "security-end-session": Page(
        _session_url, get=POST_ONLY, post=everyone(302), foreign=MINE_ONLY, personal=True
    ),
    "security-end-other-sessions": Page(
        _url("security-end-other-sessions"), get=POST_ONLY, post=everyone(302)
    ),
    "security-create-token": Page(_url("security-create-token"), get=POST_ONLY, post=everyone(400)),
    "security-revoke-token": Page(
        _token_url, get=POST_ONLY, post=everyone(302), foreign=MINE_ONLY, personal=True
    ),
    "security-password": Page(_url("security-password"), get=everyone(200), post=everyone(200)),
    # --- public: the embeddable lead form and the calendar feed (its secret address is the credential) ---
    "public_form": Page(
        _public_form_url, get=everyone(200, anonymous=200), post=everyone(422, anonymous=422)
    ),
    "calendar-feed": Page(_feed_url, get=everyone(200, anonymous=200), foreign=200, personal=True),
    # --- the home page, boards, dashboards and reports: each shows only what the viewer may see ---
    "home": Page(_url("home"), get=everyone(200)),
    "board": Page(_url("board"), get=everyone(200)),
    "dashboard": Page(_url("dashboard"), get=everyone(200), htmx_get=(HTMX,)),
    "sales-board": Page(_url("sales-board"), get=everyone(200), htmx_get=(HTMX,)),
    "reports": Page(_url("reports"), get=everyone(200)),
    "report": Page(lambda world, who: reverse("report", args=["outcomes"]), get=everyone(200)),
    "report-export": Page(
        lambda world, who: reverse("report-export", args=["outcomes"]) + "?format=csv", get=everyone(200)
    ),
    "stuck-deals": Page(_url("stuck-deals"), get=everyone(200)),
    # --- billing: its hub, every signed-in member of staff (figures and cards: tests/billing/test_views_home.py) ---
    "billing:home": Page(_url("billing:home"), get=everyone(200)),
    # --- billing: a document's PDF for whoever sees it; the tax system's export for those who issue invoices ---
    "billing:document-pdf": Page(_invoice_pdf_url, get=everyone(200), post=everyone(405), foreign=404),
    "billing:tax-export": Page(
        _url("billing:tax-export"),
        get=roles(admin=200, manager=200, rep=403),
        note="the export's rows and refusals: tests/billing/test_export_tax.py",
    ),
    "calendar": Page(_url("calendar"), get=everyone(200)),
    "calendar-move": Page(
        _record_url("calendar-move", "activities"), get=POST_ONLY, post=everyone(422), foreign=404
    ),
    "calendar-feed-rotate": Page(_url("calendar-feed-rotate"), get=POST_ONLY, post=everyone(302)),
    "notifications": Page(_url("notifications"), get=everyone(200)),
    "notification-open": Page(
        _notification_url, get=POST_ONLY, post=everyone(302), foreign=MINE_ONLY, personal=True
    ),
    "notifications-read-all": Page(_url("notifications-read-all"), get=POST_ONLY, post=everyone(302)),
    # --- background work: a job and an import run are their starter's (and an administrator's) ---
    "job": Page(_job_url, get=everyone(200), foreign=404, htmx_get=(HTMX,), personal=True),
    "search": Page(
        _url("search", q="a"),
        get=everyone(200),
        htmx_get=({"HX-Request": "true", "HX-Target": "search-results"},),
        note="finds only what each user may see: tests/web/test_search_page.py",
    ),
    "imports:upload": Page(_url("imports:upload"), get=everyone(200), post=everyone(200)),
    "imports:detail": Page(
        _import_url("imports:detail"), get=everyone(200), foreign=404, htmx_get=(HTMX,), personal=True
    ),
    "imports:check": Page(
        _import_url("imports:check"), get=POST_ONLY, post=everyone(302), foreign=404, personal=True
    ),
    "imports:start": Page(
        _import_url("imports:start"), get=POST_ONLY, post=everyone(302), foreign=404, personal=True
    ),
    "export": Page(
        lambda world, who: reverse("export", args=["contacts"]),
        get=everyone(200),
        post=everyone(200),
        data=lambda world, who: {"ids": [_contact(world, who).pk], "format": "csv"},
        note="POST: the rows ticked on the list; only those the user may see (test_bulk_stage_export.py)",
    ),
    # --- duplicates: the review page and the scan are managers' and administrators'; a merge needs only sight ---
    "duplicates": Page(_url("duplicates"), get=roles(admin=200, manager=200, rep=403)),
    "duplicates-scan": Page(
        _url("duplicates-scan"), get=POST_ONLY, post=roles(admin=302, manager=302, rep=403)
    ),
    "merge": Page(_merge_url, get=everyone(200), post=everyone(200), foreign=404),
    "merge-detail": Page(_merge_detail_url, get=everyone(200), foreign=404),
    "merge-undo": Page(_merge_undo_url, get=POST_ONLY, post=everyone(302), foreign=404),
    # --- configuration: the settings hub, pipelines (administrators), scoring (administrators), automation ---
    "settings": Page(
        _url("settings"),
        get=everyone(200),  # a rep's only card is "My mailboxes"
        note="the cards each role sees: tests/web/test_settings_hub.py",
    ),
    "sales-pipelines": Page(_url("sales-pipelines"), get=roles(admin=200, manager=403, rep=403)),
    "sales-pipeline-create": Page(
        _url("sales-pipeline-create"),
        get=roles(admin=200, manager=403, rep=403),
        post=roles(admin=200, manager=403, rep=403),
    ),
    "sales-pipeline-edit": Page(
        _pipeline_url,
        get=roles(admin=200, manager=403, rep=403),
        post=roles(admin=200, manager=403, rep=403),
        foreign=403,
    ),
    "sales-lost-reasons": Page(
        _url("sales-lost-reasons"),
        get=roles(admin=200, manager=403, rep=403),
        post=roles(admin=302, manager=403, rep=403),
        data=_new_reason,
    ),
    "sales-lost-reason-edit": Page(
        _lost_reason_url("sales-lost-reason-edit"),
        get=roles(admin=200, manager=403, rep=403),
        post=roles(admin=302, manager=403, rep=403),
        data=_new_reason,
        foreign=403,  # the list is shared by every team: only administrators edit it
    ),
    "sales-lost-reason-active": Page(
        _lost_reason_url("sales-lost-reason-active"),
        get=POST_ONLY,
        post=roles(admin=302, manager=403, rep=403),
        foreign=403,
    ),
    # --- people settings: administrators only, whoever's team the person or the team is ---
    "settings-users": Page(_url("settings-users", search="a"), get=roles(admin=200, manager=403, rep=403)),
    "settings-user-create": Page(
        _url("settings-user-create"),
        get=roles(admin=200, manager=403, rep=403),
        post=roles(admin=302, manager=403, rep=403),
        data=_person_values,
    ),
    "settings-user-edit": Page(
        _person_url("settings-user-edit"),
        get=roles(admin=200, manager=403, rep=403),
        post=roles(admin=302, manager=403, rep=403),
        data=_person_edit_values,
        foreign=403,
    ),
    "settings-user-active": Page(
        _person_url("settings-user-active"),
        get=POST_ONLY,
        post=roles(admin=302, manager=403, rep=403),
        data=_person_values,
        foreign=403,
    ),
    "settings-user-password": Page(
        _person_url("settings-user-password"),
        get=roles(admin=200, manager=403, rep=403),
        post=roles(admin=302, manager=403, rep=403),
        data=_person_values,
        foreign=403,
    ),
    "settings-teams": Page(
        _url("settings-teams"),
        get=roles(admin=200, manager=403, rep=403),
        post=roles(admin=302, manager=403, rep=403),
        data=_team_values,
    ),
    "settings-team-edit": Page(
        _team_url("settings-team-edit"),
        get=roles(admin=200, manager=403, rep=403),
        post=roles(admin=302, manager=403, rep=403),
        data=_team_values,
        foreign=403,
    ),
    "settings-team-delete": Page(
        _team_url("settings-team-delete"),
        get=POST_ONLY,
        post=roles(admin=302, manager=403, rep=403),
        foreign=403,
    ),
    # core's settings, served by web: administrators only (tests/web/test_settings_workdays.py, _customfields.py)
    "settings-working-days": Page(
        _url("settings-working-days"),
        get=roles(admin=200, manager=403, rep=403),
        post=roles(admin=302, manager=403, rep=403),
        data=lambda world, who: {"thursday": "0.5"},
    ),
    "settings-holiday-add": Page(
        _url("settings-holiday-add"),
        get=POST_ONLY,
        post=roles(admin=302, manager=403, rep=403),
        data=_new_holiday,
    ),
    "settings-holiday-edit": Page(
        _holiday_url("settings-holiday-edit"),
        get=roles(admin=200, manager=403, rep=403),
        post=roles(admin=302, manager=403, rep=403),
        data=_new_holiday,
        foreign=403,  # the calendar is shared by every team
    ),
    "settings-holiday-delete": Page(
        _holiday_url("settings-holiday-delete"),
        get=POST_ONLY,
        post=roles(admin=302, manager=403, rep=403),
        foreign=403,
    ),
    # Lead assignment rules and scoring models: company-wide configuration, administrators only (403 to others).
    "leads-assignment": Page(_url("leads-assignment"), get=roles(admin=200, manager=403, rep=403)),
    "leads-assignment-create": Page(
        _url("leads-assignment-create"),
        get=roles(admin=200, manager=403, rep=403),
        post=roles(admin=302, manager=403, rep=403),
        data=_new_assignment_rule,
    ),
    "leads-assignment-edit": Page(
        _assignment_rule_url("leads-assignment-edit"),
        get=roles(admin=200, manager=403, rep=403),
        post=roles(admin=302, manager=403, rep=403),
        data=_new_assignment_rule,
        foreign=403,
    ),
    "leads-assignment-move": Page(
        _assignment_rule_url("leads-assignment-move"),
        get=POST_ONLY,
        post=roles(admin=302, manager=403, rep=403),
        data=lambda world, who: {"direction": "up"},
        foreign=403,
    ),
    "leads-assignment-delete": Page(
        _assignment_rule_url("leads-assignment-delete"),
        get=POST_ONLY,
        post=roles(admin=302, manager=403, rep=403),
        foreign=403,
    ),
    "leads-scoring": Page(_url("leads-scoring"), get=roles(admin=200, manager=403, rep=403)),
    "leads-scoring-create": Page(
        _url("leads-scoring-create"),
        get=roles(admin=200, manager=403, rep=403),
        post=roles(admin=302, manager=403, rep=403),
        data=_new_scoring_model,
    ),
    "leads-scoring-edit": Page(
        _settings_rule_url("leads-scoring-edit"),
        get=roles(admin=200, manager=403, rep=403),
        post=roles(admin=302, manager=403, rep=403),
        data=_new_scoring_model,
        foreign=403,
    ),
    "leads-scoring-rule-add": Page(
        _settings_rule_url("leads-scoring-rule-add"),
        get=POST_ONLY,
        post=roles(admin=302, manager=403, rep=403),
        data=_new_scoring_rule,
        foreign=403,
    ),
    "leads-scoring-rule-edit": Page(
        _settings_rule_url("leads-scoring-rule-edit"),
        get=POST_ONLY,
        post=roles(admin=302, manager=403, rep=403),
        data=_new_scoring_rule,
        foreign=403,
    ),
    "leads-scoring-rule-delete": Page(
        _settings_rule_url("leads-scoring-rule-delete"),
        get=POST_ONLY,
        post=roles(admin=302, manager=403, rep=403),
        foreign=403,
    ),
    "leads-web-forms": Page(_url("leads-web-forms"), get=roles(admin=200, manager=403, rep=403)),
    "leads-web-form-create": Page(
        _url("leads-web-form-create"),
        get=roles(admin=200, manager=403, rep=403),
        post=roles(admin=302, manager=403, rep=403),
        data=_new_web_form,
    ),
    "leads-web-form-edit": Page(
        _web_form_url("leads-web-form-edit"),
        get=roles(admin=200, manager=403, rep=403),
        post=roles(admin=302, manager=403, rep=403),
        data=_new_web_form,
        foreign=403,  # forms belong to the whole company: only administrators see or change them
    ),
    "leads-web-form-active": Page(
        _web_form_url("leads-web-form-active"),
        get=POST_ONLY,
        post=roles(admin=302, manager=403, rep=403),
        foreign=403,
    ),
    "settings-holidays-official": Page(
        _url("settings-holidays-official"),
        get=POST_ONLY,
        post=roles(admin=302, manager=403, rep=403),
        data=lambda world, who: {"year": "2040"},
    ),
    "settings-holidays-import": Page(
        _url("settings-holidays-import"),
        get=POST_ONLY,
        post=roles(admin=302, manager=403, rep=403),
        data=_holiday_file,
    ),
    "settings-custom-fields": Page(
        _url("settings-custom-fields"),
        get=roles(admin=200, manager=403, rep=403),
        post=roles(admin=302, manager=403, rep=403),
        data=_new_custom_field,
    ),
    "settings-custom-field-edit": Page(
        _custom_field_url("settings-custom-field-edit"),
        get=roles(admin=200, manager=403, rep=403),
        post=roles(admin=302, manager=403, rep=403),
        data=_new_custom_field,
        foreign=403,
    ),
    "settings-custom-field-delete": Page(
        _custom_field_url("settings-custom-field-delete"),
        get=roles(admin=200, manager=403, rep=403),
        post=roles(admin=302, manager=403, rep=403),
        foreign=403,
    ),
    "scoring_insights": Page(_scoring_url("scoring_insights"), get=roles(admin=200, manager=404, rep=404)),
    "scoring_accept": Page(
        _scoring_url("scoring_accept"), get=POST_ONLY, post=roles(admin=302, manager=404, rep=404)
    ),
    "scoring_rescore": Page(
        _scoring_url("scoring_rescore"), get=POST_ONLY, post=roles(admin=302, manager=404, rep=404)
    ),
    "automation:list": Page(_url("automation:list"), get=roles(admin=200, manager=200, rep=403)),
    "automation:create": Page(
        _url("automation:create"),
        get=roles(admin=200, manager=200, rep=403),
        post=roles(admin=200, manager=200, rep=403),
        htmx_post=roles(admin=200, manager=200, rep=403),
    ),
    "automation:detail": Page(
        _rule_url("automation:detail"),
        get=roles(admin=200, manager=200, rep=403),
        foreign={MANAGER: 404, REP: 403},
    ),
    "automation:edit": Page(
        _rule_url("automation:edit"),
        get=roles(admin=200, manager=200, rep=403),
        post=roles(admin=200, manager=200, rep=403),
        foreign={MANAGER: 404, REP: 403},
    ),
    "automation:toggle": Page(
        _rule_url("automation:toggle"),
        get=POST_ONLY,
        post=roles(admin=302, manager=302, rep=403),
        foreign={MANAGER: 404, REP: 403},
    ),
    "automation:delete": Page(
        _rule_url("automation:delete"),
        get=POST_ONLY,
        post=roles(admin=302, manager=302, rep=403),
        foreign={MANAGER: 404, REP: 403},
    ),
    "targets": Page(_url("targets"), get=everyone(200)),
    "targets-cell": Page(
        lambda world, who: reverse("targets-cell"),
        get=POST_ONLY,
        data=_target_cell,
        post=roles(admin=302, manager=302, rep=404),
        htmx_post=roles(admin=200, manager=200, rep=403),
        foreign={MANAGER: 404, REP: 404},
        foreign_htmx_post=403,
        note="a plain form post answers 404 where htmx gets the refused cell (403)",
    ),
    "targets-import": Page(
        _url("targets-import"),
        get=roles(admin=200, manager=200, rep=404),
        post=roles(admin=200, manager=200, rep=404),
    ),
    # --- record pages: the generic screens and what each record type adds ---
    **_screen_pages("companies"),
    **_screen_pages("contacts"),
    **_screen_pages(
        "leads",
        extra={
            "leads:convert": Page(
                _record_url("leads:convert", "leads"), get=everyone(200), post=everyone(200), foreign=404
            )
        },
    ),
    **_screen_pages(
        "deals",
        extra={
            "deals:move": Page(
                _record_url("deals:move", "deals"), get=POST_ONLY, post=everyone(302), foreign=404
            ),
            "deals:win": Page(
                _record_url("deals:win", "deals"), get=POST_ONLY, post=everyone(302), foreign=404
            ),
            "deals:lose": Page(
                _record_url("deals:lose", "deals"),
                get=everyone(200),
                post=everyone(302),
                data=_losing,
                foreign=404,
            ),
            "deal-checklist": Page(
                _checklist_url,
                get=POST_ONLY,
                post=everyone(302),
                htmx_post=everyone(200),
                foreign=404,
            ),
        },
    ),
    **_screen_pages(
        "activities",
        extra={
            "activities:done": Page(
                _record_url("activities:done", "activities"), get=POST_ONLY, post=everyone(302), foreign=404
            ),
            # an empty form changes nothing and says so on the form (200); tests/activities/test_reschedule.py
            "activities:plan": Page(
                _record_url("activities:plan", "activities"),
                get=everyone(200),
                post=everyone(200),
                foreign=404,
                htmx_get=(HTMX_DIALOG,),
                note="HX-Target quick-dialog-body: the dialog's form",
            ),
            "activities:record-choices": Page(
                _url("activities:record-choices", q="Kian"),
                get=everyone(200),
                htmx_get=(HTMX,),
                note="the record picker: only what the user may see, tests/web/test_quick_create_header.py",
            ),
        },
    ),
    # --- billing: invoices and payments (issue 14); the services refuse what a role may not do, and these pages
    # answer the refusal as a message on the record page (302) or on the form (200) ---
    **_screen_pages(
        "invoices",
        extra={
            "invoices:overdue": Page(_url("invoices:overdue"), get=everyone(200)),
            "invoices:issue": Page(
                _record_url("invoices:issue", "invoices"), get=POST_ONLY, post=everyone(302), foreign=404
            ),
            "invoices:credit": Page(
                _record_url("invoices:credit", "invoices"), get=everyone(200), post=everyone(200), foreign=404
            ),
        },
    ),
    **{
        **_screen_pages(
            "payments",
            extra={
                "payments:cheque": Page(
                    _record_url("payments:cheque", "payments"), get=POST_ONLY, post=everyone(302), foreign=404
                ),
            },
        ),
        "payments:create": Page(
            _url("payments:create"),
            get=roles(admin=200, manager=200, rep=403),
            post=roles(admin=200, manager=200, rep=403),
        ),
    },
    # --- service: the hub and the queue for every member of staff (each counts only the tickets they see);
    # a ticket's conversation, status, merge and split for those who work the queue (a sales rep reads it:
    # 403); the rules: tests/service/test_views_tickets.py ---
    "service:home": Page(_url("service:home"), get=everyone(200)),
    **_screen_pages(
        "tickets",
        extra={
            "tickets:queue": Page(_url("tickets:queue"), get=everyone(200)),
            "tickets:reply": Page(
                _record_url("tickets:reply", "tickets"),
                get=POST_ONLY,
                post=roles(admin=302, manager=302, rep=403),
                data=lambda world, who: {"body": "We are on it."},
                htmx_post=roles(admin=200, manager=200, rep=403),
                foreign=404,
            ),
            "tickets:note": Page(
                _record_url("tickets:note", "tickets"),
                get=POST_ONLY,
                post=roles(admin=302, manager=302, rep=403),
                data=lambda world, who: {"body": "Internal only."},
                htmx_post=roles(admin=200, manager=200, rep=403),
                foreign=404,
            ),
            "tickets:status": Page(
                _record_url("tickets:status", "tickets"),
                get=POST_ONLY,
                post=roles(admin=302, manager=302, rep=403),
                data=lambda world, who: {"status": "open", "version": "1"},
                htmx_post=roles(admin=200, manager=200, rep=403),
                foreign=404,
            ),
            "tickets:merge": Page(
                _record_url("tickets:merge", "tickets"),
                get=POST_ONLY,
                post=roles(admin=302, manager=302, rep=403),
                data=_other_ticket,
                foreign=404,
            ),
            "tickets:split": Page(
                _record_url("tickets:split", "tickets"),
                get=POST_ONLY,
                post=roles(admin=302, manager=302, rep=403),
                data=lambda world, who: {"message": "0", "subject": "Split off"},
                foreign=404,
                note="no such message: back to the ticket with the error",
            ),
        },
    ),
    # --- billing: a deal's product lines, "make a quote", a quote's lines and buttons, the customer's link ---
    "deal-lines": Page(
        _record_url("deal-lines", "deals"),
        get=everyone(200),
        post=everyone(302),
        htmx_get=(HTMX,),
        htmx_post=everyone(204),  # saved: HX-Refresh reads the page again, since the deal's amount follows
        foreign=404,
        note="the lines' rules: tests/billing/test_lines.py",
    ),
    "deal-quote": Page(_record_url("deal-quote", "deals"), get=POST_ONLY, post=everyone(302), foreign=404),
    "deal-line-products": Page(_url("deal-line-products", q="P"), get=everyone(200), htmx_get=(HTMX,)),
    **_screen_pages(
        "quotes",
        extra={
            "quotes:lines": Page(
                _record_url("quotes:lines", "quotes"), get=POST_ONLY, post=everyone(302), foreign=404
            ),
            "quotes:action": Page(_quote_action_url, get=POST_ONLY, post=everyone(302), foreign=404),
            # a quote to an invoice in one click (a draft quote is refused back to its page; the rules:
            # tests/billing/test_views_quotes.py)
            "quotes:invoice": Page(
                _record_url("quotes:invoice", "quotes"), get=POST_ONLY, post=everyone(302), foreign=404
            ),
        },
    ),
    # public: the signed token is the credential, whoever opens it (an empty answer changes nothing)
    "quote-public": Page(
        _public_quote_url,
        get=everyone(200, anonymous=200),
        post=everyone(200, anonymous=200),
        foreign=200,
        note="signature, superseded and answers: tests/billing/test_views_public_quotes.py",
    ),
    # Files and comments on any record (here a contact): the record's visibility decides; another team's is 404.
    "files:upload": Page(_record_link_url("files:upload"), get=POST_ONLY, post=everyone(303), foreign=404),
    "files:download": Page(_of("files:download", _file_on_contact), get=everyone(200), foreign=404),
    "files:delete": Page(
        _of("files:delete", _file_on_contact), get=POST_ONLY, post=everyone(303), foreign=404
    ),
    "comments:add": Page(
        _record_link_url("comments:add"),
        get=POST_ONLY,
        post=everyone(303),
        data=lambda world, who: {"body": "Call on Sunday"},
        foreign=404,
    ),
    "comments:edit": Page(
        _of("comments:edit", _comment_on_contact),
        get=POST_ONLY,
        post=everyone(303),
        data=lambda world, who: {"body": "Call on Monday"},
        foreign=404,
    ),
    "comments:delete": Page(
        _of("comments:delete", _comment_on_contact), get=POST_ONLY, post=everyone(303), foreign=404
    ),
}


# --- billing's catalogue: products are everyone's to read and the catalogue keepers' (managers, administrators)
# to change; the catalogue's settings pages are theirs too, the billing settings administrators' ---


def _product(world, who):
    from peyvand.billing.services_catalog import create_product

    keeper = world.manager_of(who)
    return create_product(
        actor=keeper, values={"code": f"P-{next(SERIAL)}", "name": "Paper", "price": "1000"}
    )


def _catalog_row(name: str, kind: str):
    def build(world, who):
        from peyvand.billing.models import CustomerTier, PriceList, ProductCategory, TaxClass, TaxRate

        serial = next(SERIAL)
        if kind == "category":
            return reverse(name, args=[kind, ProductCategory.objects.create(name=f"Tools {serial}").pk])
        if kind == "tax-class":
            return reverse(
                name, args=[kind, TaxClass.objects.create(code=f"c{serial}", name=f"C {serial}").pk]
            )
        if kind == "tier":
            return reverse(name, args=[kind, CustomerTier.objects.create(name=f"VIP {serial}").pk])
        if kind == "rate":
            tax_class = TaxClass.objects.create(code=f"r{serial}", name=f"R {serial}")
            rate = TaxRate.objects.create(
                tax_class=tax_class, name="VAT", percent=10, valid_from=dt.date(2025, 1, 1)
            )
            return reverse(name, args=[tax_class.pk, rate.pk])
        if kind == "rate-add":
            return reverse(name, args=[TaxClass.objects.create(code=f"a{serial}", name=f"A {serial}").pk])
        if kind == "delete-category":
            return reverse(name, args=[ProductCategory.objects.create(name=f"Old {serial}").pk])
        return reverse(name, args=[PriceList.objects.create(name=f"Retail {serial}").pk])

    return build


KEEPERS = roles(admin=200, manager=200, rep=403)
KEEPERS_BAD_INPUT = roles(admin=400, manager=400, rep=403)
KEEPERS_DONE = roles(admin=302, manager=302, rep=403)
SHARED = {MANAGER: 200, REP: 403}
SHARED_POSTS = "its POST (bad input 400, a rep 403): tests/billing/test_views_catalog.py"  # the catalogue is every team's: no record of it is another team's


def _deleted_product_url(world, who):
    product = _product(world, who)
    delete_record(product, actor=world.manager_of(who))
    return reverse("products:restore", args=[product.pk])


PRODUCT_PAGES = {
    **_screen_pages("products"),
    "products:restore": Page(
        _deleted_product_url, get=POST_ONLY, post=roles(admin=302, manager=404, rep=404), foreign=404
    ),
    "products:create": Page(
        _url("products:create"), get=KEEPERS, post=roles(admin=200, manager=200, rep=403)
    ),
    "products:detail": Page(_record_url("products:detail", "products"), get=everyone(200), foreign=200),
    "products:edit": Page(
        _record_url("products:edit", "products"),
        get=everyone(200),
        post=everyone(200),
        foreign=200,
        note="a rep's save is refused by the service on the form: tests/billing/test_services_catalog.py",
    ),
    "products:delete": Page(
        _record_url("products:delete", "products"),
        get=POST_ONLY,
        post=everyone(302),
        foreign=302,
        note="a rep's delete is refused with a message (test_a_rep_cannot_delete_a_product_but_a_manager_can)",
    ),
    "billing-settings": Page(
        _url("billing-settings"),
        get=roles(admin=200, manager=403, rep=403),
        post=roles(admin=400, manager=403, rep=403),
    ),
    "billing-catalog": Page(_url("billing-catalog"), get=KEEPERS),
    "billing-catalog-add": Page(
        lambda world, who: reverse("billing-catalog-add", args=["tier"]), get=KEEPERS, post=KEEPERS_BAD_INPUT
    ),
    "billing-catalog-item": Page(
        _catalog_row("billing-catalog-item", "category"), get=KEEPERS, foreign=SHARED, note=SHARED_POSTS
    ),
    "billing-category-delete": Page(
        _catalog_row("billing-category-delete", "delete-category"),
        get=POST_ONLY,
        post=KEEPERS_DONE,
        foreign={MANAGER: 302, REP: 403},
    ),
    "billing-tax-rate-add": Page(
        _catalog_row("billing-tax-rate-add", "rate-add"), get=KEEPERS, post=KEEPERS_BAD_INPUT
    ),
    "billing-tax-rate": Page(
        _catalog_row("billing-tax-rate", "rate"), get=KEEPERS, foreign=SHARED, note=SHARED_POSTS
    ),
    "billing-tax-rate-delete": Page(
        _catalog_row("billing-tax-rate-delete", "rate"),
        get=POST_ONLY,
        post=KEEPERS_DONE,
        foreign={MANAGER: 302, REP: 403},
    ),
    "billing-price-lists": Page(_url("billing-price-lists"), get=KEEPERS),
    "billing-price-list-create": Page(_url("billing-price-list-create"), get=KEEPERS, post=KEEPERS_BAD_INPUT),
    "billing-price-list-edit": Page(
        _catalog_row("billing-price-list-edit", "price-list"),
        get=KEEPERS,
        foreign=SHARED,
        note=SHARED_POSTS,
    ),
    "billing-price-list-export": Page(
        _catalog_row("billing-price-list-export", "price-list"), get=KEEPERS, foreign=SHARED
    ),
    "billing-price-list-import": Page(
        _catalog_row("billing-price-list-import", "price-list"),
        get=KEEPERS,
        foreign=SHARED,
        note=SHARED_POSTS,
    ),
    # a customer's billing profile: anyone who sees the company (a rep sets no tier or price list)
    "billing-profile": Page(
        lambda world, who: reverse("billing-profile", args=["company", _company(world, who).pk]),
        get=everyone(200),
        post=everyone(302),
        foreign=404,
    ),
}
# a product's fields are changed in place by those who keep the catalogue (``Screen.can_change``); a rep, who
# reads every product, is not offered the field (404)
KEEPERS_IN_PLACE = roles(admin=200, manager=200, rep=404)
PRODUCT_PAGES["products:field"] = replace(
    PRODUCT_PAGES["products:field"],
    get=KEEPERS_IN_PLACE,
    post=KEEPERS_IN_PLACE,
    htmx_post=KEEPERS_IN_PLACE,
    foreign={MANAGER: 200, REP: 404},
    foreign_htmx_post={MANAGER: 200, REP: 404},
)
MAKERS["products"] = _product
PAGES.update(PRODUCT_PAGES)


# --- the knowledge base: articles are the whole staff's (every role reads every article, of any team); support
# staff, managers and administrators write them; a sales rep is refused by the services (403 on the form, a
# message after a button); the categories are an administrator's; the help centre is public ---


def _article(world, who, *, audience="internal", publish=False):
    """An article written by the manager of ``who``'s team (a sales rep writes none), as ``who``'s record."""
    from peyvand.service import services_kb

    made = services_kb.create_article(
        actor=world.manager_of(who),
        values={"title": f"Article {next(SERIAL)}", "body": "Line one\nLine two", "audience": audience},
    )
    if publish:
        made = services_kb.publish_article(actor=world.manager_of(who), article=made)
    return made


def _deleted_article_url(world, who):
    from peyvand.service import services_kb

    article = _article(world, who)
    services_kb.delete_article(actor=world.manager_of(who), article=article)
    return reverse("articles:restore", args=[article.pk])


def _article_action_url(world, who):
    return reverse("articles:action", args=[_article(world, who).pk, "publish"])


def _article_revision_url(world, who):
    from peyvand.service import services_kb

    article = _article(world, who)
    services_kb.update_article(
        actor=world.manager_of(who), article=article, version=article.version, values={"body": "Changed"}
    )
    return reverse("articles:restore-revision", args=[article.pk, 1])


def _help_article_url(world, who):
    return reverse("help:article", args=[_article(world, who, audience="public", publish=True).pk])


def _kb_category_url(name: str):
    def build(world, who):
        from peyvand.service.models import ArticleCategory

        return reverse(name, args=[ArticleCategory.objects.create(name=f"Category {next(SERIAL)}").pk])

    return build


WRITERS_FORM = roles(admin=200, manager=200, rep=403)
KB_ADMIN = roles(admin=200, manager=403, rep=403)
ARTICLE_PAGES = {
    **_screen_pages("articles"),
    "articles:create": Page(_url("articles:create"), get=WRITERS_FORM, post=WRITERS_FORM),
    "articles:detail": Page(_record_url("articles:detail", "articles"), get=everyone(200), foreign=200),
    "articles:edit": Page(
        _record_url("articles:edit", "articles"),
        get=everyone(200),
        post=everyone(200),
        foreign=200,
        note="a rep's save is refused by the service on the form: tests/service/test_services_kb.py",
    ),
    "articles:delete": Page(
        _record_url("articles:delete", "articles"),
        get=POST_ONLY,
        post=everyone(302),
        foreign=302,
        note="a rep's delete is refused with a message (test_sales_reps_read_but_do_not_write_articles)",
    ),
    "articles:restore": Page(
        _deleted_article_url, get=POST_ONLY, post=roles(admin=302, manager=404, rep=404), foreign=404
    ),
    "articles:action": Page(
        _article_action_url,
        get=POST_ONLY,
        post=everyone(302),
        foreign=302,
        note="a rep is refused with a message: tests/service/test_views_kb.py",
    ),
    "articles:restore-revision": Page(
        _article_revision_url,
        get=POST_ONLY,
        post=everyone(302),
        foreign=302,
        note="a rep is refused with a message: tests/service/test_api_kb.py (the same service)",
    ),
    "kb:categories": Page(_url("kb:categories"), get=KB_ADMIN, post=roles(admin=400, manager=403, rep=403)),
    "kb:category": Page(
        _kb_category_url("kb:category"),
        get=KB_ADMIN,
        post=roles(admin=400, manager=403, rep=403),
        foreign={MANAGER: 403, REP: 403},
    ),
    "kb:category-delete": Page(
        _kb_category_url("kb:category-delete"),
        get=POST_ONLY,
        post=roles(admin=302, manager=403, rep=403),
        foreign={MANAGER: 403, REP: 403},
    ),
    "help:home": Page(_url("help:home"), get=everyone(200, anonymous=200), post=everyone(405, anonymous=405)),
    "help:contact": Page(
        _url("help:contact"),
        get=everyone(200, anonymous=200),
        post=everyone(422, anonymous=422),
        note="public: an empty message is refused naming its fields; the ticket it opens, the robot trap and the "
        "hourly limit are walked in tests/service/test_help_contact.py",
    ),
    "help:article": Page(
        _help_article_url,
        get=everyone(200, anonymous=200),
        foreign=200,
        note="public: its POST (yes/no, once per visitor, CSRF, 404 for an internal or draft article) is "
        "walked for anonymous visitors in tests/service/test_help_public.py",
    ),
}
MAKERS["articles"] = _article
PAGES.update(ARTICLE_PAGES)


def _add_registered_types() -> None:
    """A record type added by registration (tests/registry_app) gets the generic screen's rows, its records made
    from its input schema's documented examples, as tests/test_permissions.py does for the API."""
    for record_type in registry.record_types():
        resource = record_type.resource
        if record_type.screen is None or resource is None or record_type.plural in MAKERS:
            continue
        schema = resource.schema_in.model_json_schema()
        properties = schema.get("properties", {})
        example = {name: prop["examples"][0] for name, prop in properties.items() if prop.get("examples")}
        if not set(schema.get("required", ())) <= set(example):
            continue
        MAKERS[record_type.plural] = lambda world, who, r=resource, e=example: r.create(
            actor=who, values=dict(e)
        )
        PAGES.update(_screen_pages(record_type.plural))


_add_registered_types()


# --- the service desk's SLA settings: administrators only (``service.permissions.can_manage_service``) ---------


def _sla_row(name: str, kind: str):
    def build(world, who):
        from peyvand.service.models import SLAPolicy, SupportAddress, TicketCategory

        serial = next(SERIAL)
        if kind == "address":
            row = SupportAddress.objects.create(
                address=f"support{serial}@peyvand.example", team=world.users[ADMIN].team
            )
        elif kind == "routing":
            from peyvand.service.models_routing import TicketRoutingRule

            row = TicketRoutingRule.objects.create(name=f"Rule {serial}", team=world.users[ADMIN].team)
        elif kind == "policy":
            row = SLAPolicy.objects.create(
                name=f"Standard {serial}", first_response_minutes=60, resolution_minutes=480
            )
        else:
            row = TicketCategory.objects.create(name=f"Printers {serial}")
        return reverse(name, args=[row.pk])

    return build


ADMINS = roles(admin=200, manager=403, rep=403)
ADMINS_BAD_INPUT = roles(admin=400, manager=403, rep=403)
ADMINS_DONE = roles(admin=302, manager=403, rep=403)
NOT_A_TEAMS = {MANAGER: 403, REP: 403}  # settings rows are no team's: another team's address answers alike
PAGES.update(
    {
        "service-sla-settings": Page(_url("service-sla-settings"), get=ADMINS),
        "service-sla-policy-add": Page(_url("service-sla-policy-add"), get=ADMINS, post=ADMINS_BAD_INPUT),
        "service-sla-policy": Page(
            _sla_row("service-sla-policy", "policy"), get=ADMINS, post=ADMINS_BAD_INPUT, foreign=NOT_A_TEAMS
        ),
        "service-sla-policy-delete": Page(
            _sla_row("service-sla-policy-delete", "policy"),
            get=POST_ONLY,
            post=ADMINS_DONE,
            foreign=NOT_A_TEAMS,
        ),
        "service-category-add": Page(_url("service-category-add"), get=ADMINS, post=ADMINS_BAD_INPUT),
        "service-routing-add": Page(_url("service-routing-add"), get=ADMINS, post=ADMINS_BAD_INPUT),
        "service-routing-rule": Page(
            _sla_row("service-routing-rule", "routing"),
            get=ADMINS,
            post=ADMINS_BAD_INPUT,
            foreign=NOT_A_TEAMS,
        ),
        "service-routing-delete": Page(
            _sla_row("service-routing-delete", "routing"),
            get=POST_ONLY,
            post=ADMINS_DONE,
            foreign=NOT_A_TEAMS,
        ),
        "service-address-add": Page(_url("service-address-add"), get=ADMINS, post=ADMINS_BAD_INPUT),
        "service-address": Page(
            _sla_row("service-address", "address"), get=ADMINS, post=ADMINS_BAD_INPUT, foreign=NOT_A_TEAMS
        ),
        "service-address-delete": Page(
            _sla_row("service-address-delete", "address"),
            get=POST_ONLY,
            post=ADMINS_DONE,
            foreign=NOT_A_TEAMS,
        ),
        "service-category": Page(
            _sla_row("service-category", "category"), get=ADMINS, post=ADMINS_BAD_INPUT, foreign=NOT_A_TEAMS
        ),
        "service-category-delete": Page(
            _sla_row("service-category-delete", "category"),
            get=POST_ONLY,
            post=ADMINS_DONE,
            foreign=NOT_A_TEAMS,
        ),
    }
)


# --- the customer portal (/portal/): public pages whose credential is the e-mailed link and the portal cookie,
# never a staff session — every role, signed in or not, is a visitor without a portal session here: the sign-in
# form, a link (whoever holds it signs in), and otherwise back to the form. What a signed-in customer gets, and
# that it is only theirs, is walked in tests/portal/test_isolation.py ---


def _portal_link_url(world, who):
    import hashlib
    import secrets

    from django.utils import timezone

    from peyvand.portal.models import PortalLink

    token = secrets.token_urlsafe(32)
    PortalLink.objects.create(
        contact=_contact(world, who),
        email="kian@example.com",
        token_hash=hashlib.sha256(token.encode()).hexdigest(),
        expires_at=timezone.now() + dt.timedelta(minutes=15),
    )
    return reverse("portal:link", args=[token])


TO_PORTAL_FORM = everyone(302, anonymous=302)  # 302 to /portal/: no portal session
PAGES.update(
    {
        "portal:sign-in": Page(
            _url("portal:sign-in"),
            get=everyone(200, anonymous=200),
            post=everyone(422, anonymous=422),
            note="an empty address is named; the answer for known and unknown addresses, the limits: "
            "tests/portal/test_sign_in.py",
        ),
        "portal:link": Page(
            _portal_link_url,
            get=everyone(200, anonymous=200),
            post=everyone(302, anonymous=302),
            note="a used, expired or made-up link answers 410: tests/portal/test_sign_in.py",
        ),
        "portal:sign-out": Page(
            _url("portal:sign-out"), get=everyone(405, anonymous=405), post=TO_PORTAL_FORM
        ),
        "portal:home": Page(_url("portal:home"), get=TO_PORTAL_FORM, post=everyone(405, anonymous=405)),
        "portal:new-ticket": Page(_url("portal:new-ticket"), get=TO_PORTAL_FORM, post=TO_PORTAL_FORM),
        "portal:ticket": Page(
            _record_url("portal:ticket", "tickets"), get=TO_PORTAL_FORM, post=TO_PORTAL_FORM, foreign=302
        ),
        "portal:quote-pdf": Page(
            _record_url("portal:quote-pdf", "quotes"),
            get=TO_PORTAL_FORM,
            post=everyone(405, anonymous=405),
            foreign=302,
        ),
        "portal:invoice-pdf": Page(
            _record_url("portal:invoice-pdf", "invoices"),
            get=TO_PORTAL_FORM,
            post=everyone(405, anonymous=405),
            foreign=302,
        ),
    }
)


# --- the service calendar: scheduling is for those who work the queue (a sales rep: 403), a job's page for them
# and the job's technicians (another's job: 404 to a rep); resources are the desk's settings (administrators);
# a resource's feed address is its own credential. The rules: tests/service/test_views_calendar.py ---


def _field_job_url(name: str):
    def build(world, who):
        import datetime as dt

        from django.utils import timezone

        from peyvand.service import services_calendar

        day = dt.date(2026, 1, 1) + dt.timedelta(
            days=next(SERIAL)
        )  # each job on a day of its own: no overlap
        start = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
        made = services_calendar.schedule_job(
            actor=world.users[ADMIN],
            values={
                "title": "Visit",
                "starts_at": start,
                "ends_at": start + dt.timedelta(hours=1),
                "technicians": [who.pk],
            },
        )
        return reverse(name, args=[made.pk])

    return build


def _resource_row(name: str):
    def build(world, who):
        from peyvand.service.models_calendar import ServiceResource

        return reverse(
            name, args=[ServiceResource.objects.create(kind="tool", name=f"Ladder {next(SERIAL)}").pk]
        )

    return build


def _resource_feed_url(world, who):
    from peyvand.service import services_calendar
    from peyvand.service.models_calendar import ServiceResource

    resource = ServiceResource.objects.create(kind="room", name=f"Lab {next(SERIAL)}")
    resource = services_calendar.rotate_resource_feed(actor=world.users[ADMIN], resource=resource)
    return reverse("service:resource-feed", kwargs={"token": resource.feed_token})


SCHEDULERS = roles(admin=200, manager=200, rep=403)
SCHEDULERS_BAD_INPUT = roles(admin=400, manager=400, rep=403)
PAGES.update(
    {
        "service:job-new": Page(_url("service:job-new"), get=SCHEDULERS, post=SCHEDULERS_BAD_INPUT),
        "service:job": Page(
            _field_job_url("service:job"), get=everyone(200), foreign={MANAGER: 200, REP: 404}
        ),
        "service:job-edit": Page(
            _field_job_url("service:job-edit"),
            get=POST_ONLY,
            post=SCHEDULERS_BAD_INPUT,
            foreign={MANAGER: 400, REP: 404},
        ),
        "service:resource-feed": Page(_resource_feed_url, get=everyone(200, anonymous=200)),
        "service-resources": Page(_url("service-resources"), get=ADMINS, post=ADMINS_BAD_INPUT),
        "service-resource-add": Page(_url("service-resource-add"), get=ADMINS, post=ADMINS_BAD_INPUT),
        "service-resource": Page(
            _resource_row("service-resource"), get=ADMINS, post=ADMINS_BAD_INPUT, foreign=NOT_A_TEAMS
        ),
        "service-resource-feed-rotate": Page(
            _resource_row("service-resource-feed-rotate"),
            get=POST_ONLY,
            post=ADMINS_DONE,
            foreign=NOT_A_TEAMS,
        ),
    }
)


# --- service contracts and warranties: records seen as tickets are (the support team its queue's); their items
# and plans for whoever sees the record; work logged from a ticket for those who work the queue (the rules:
# tests/service/test_views_contracts.py) ---


def _contract(world, who):
    from peyvand.service.services_contracts import create_contract

    customer = _company(world, who)
    return create_contract(
        actor=who,
        values={
            "title": "Printer care",
            "company": customer.pk,
            "start_date": dt.date(2026, 1, 1),
            "end_date": dt.date(2026, 12, 31),
        },
    )


def _warranty(world, who):
    from peyvand.service.services_contracts import create_warranty
    from tests.billing.quote_factories import make_product

    return create_warranty(
        actor=who,
        values={
            "product": make_product(who).pk,
            "serial_number": "SN-1",
            "company": _company(world, who).pk,
            "start_date": dt.date(2026, 1, 1),
            "end_date": dt.date(2027, 1, 1),
        },
    )


def _usage_data(world, who):
    """A ticket of ``who``'s that the contract does not cover: logged by no one, answered with the message."""
    return {"ticket": _ticket(world, who).pk, "amount": "1"}


MAKERS.update({"contracts": _contract, "warranties": _warranty})
PAGES.update(
    {
        **_screen_pages(
            "contracts",
            extra={
                "contracts:items": Page(
                    _record_url("contracts:items", "contracts"),
                    get=POST_ONLY,
                    post=everyone(302),
                    data=lambda world, who: {"serial_number": "SN-9"},
                    foreign=404,
                ),
                "contracts:plans": Page(
                    _record_url("contracts:plans", "contracts"),
                    get=POST_ONLY,
                    post=everyone(302),
                    foreign=404,
                ),
                "contracts:usage": Page(
                    _record_url("contracts:usage", "contracts"),
                    get=POST_ONLY,
                    post=roles(admin=302, manager=302, rep=403),
                    data=_usage_data,
                    foreign={MANAGER: 404, REP: 403},
                    note="the contract need not be visible, the ticket must be (404) and covered by it (else the "
                    "message); a rep works no queue (403)",
                ),
            },
        ),
        **_screen_pages(
            "warranties",
            extra={
                "warranties:plans": Page(
                    _record_url("warranties:plans", "warranties"),
                    get=POST_ONLY,
                    post=everyone(302),
                    foreign=404,
                ),
            },
        ),
    }
)


# --- the customer's survey after a resolution: public, the token from the e-mail is the credential -------------


def _survey_url(world, who):
    from peyvand.messaging.models import Outbox
    from peyvand.service import services_tickets

    admin = world.users[ADMIN]
    ticket = services_tickets.create_ticket(
        actor=admin, values={"subject": f"Survey {next(SERIAL)}", "customer_email": "sara@example.com"}
    )
    services_tickets.change_status(actor=admin, ticket=ticket, status="resolved", version=ticket.version)
    body = Outbox.objects.filter(source="ticket_survey", record_id=ticket.pk).get().body
    return "/survey/" + body.split("/survey/", 1)[1].split("/", 1)[0] + "/"


PAGES["survey-public"] = Page(
    _survey_url,
    get=everyone(200, anonymous=200),
    post=everyone(422, anonymous=422),
    note="an empty answer names its field; answers, a second answer, expiry and the rate limit: "
    "tests/service/test_surveys.py",
)
# the service dashboard: those who work the queue (a sales manager too); a sales rep is refused
PAGES["service-dashboard"] = Page(
    _url("service-dashboard"),
    get=roles(admin=200, manager=200, rep=403),
    note="figures and who sees which queue: tests/analytics/test_service_metrics.py",
)


# --- writing to a customer from a record, and the message templates people start from ------------------------


def _compose_url(channel: str):
    def build(world, who):
        contact = create_contact(
            actor=who,
            values={
                "first_name": "Kian",
                "last_name": f"Shirazi {next(SERIAL)}",
                "emails": ["kian@example.com"],
                "phones": ["09121234567"],
            },
            allow_duplicate=True,
        )
        return reverse("messaging-compose", args=["contact", contact.pk, channel])

    return build


def _message_template_url(name: str):
    def build(world, who):
        from peyvand.messaging.models import MessageTemplate

        template = MessageTemplate.objects.create(
            name=f"Follow-up {next(SERIAL)}", body="Hello {{ record.name }}"
        )
        return reverse(name, args=[template.pk])

    return build


def _template_values(world, who):
    return {"name": f"Welcome {next(SERIAL)}", "channel": "email", "body": "Hello", "active": "on"}


PAGES["messaging-compose"] = Page(
    _compose_url("email"),
    get=everyone(200),
    post=everyone(302),
    data=lambda world, who: {"to": "kian@example.com", "subject": "Hello", "body": "Hi Kian"},
    foreign=404,
    htmx_get=(HTMX_DIALOG,),
    note="whoever sees the record writes to its customer; recipients, files and scheduling: "
    "tests/messaging/test_services_compose.py",
)
PAGES["messaging-templates"] = Page(_url("messaging-templates"), get=roles(admin=200, manager=200, rep=403))
PAGES["messaging-template-new"] = Page(
    _url("messaging-template-new"),
    get=roles(admin=200, manager=200, rep=403),
    post=roles(admin=302, manager=302, rep=403),
    data=_template_values,
)
# templates are every team's: none of them is another team's record
PAGES["messaging-template-edit"] = Page(
    _message_template_url("messaging-template-edit"),
    get=roles(admin=200, manager=200, rep=403),
    foreign={MANAGER: 200, REP: 403},
    note="its POST (saved 302, bad input 400, a rep 403): tests/messaging/test_views_compose.py",
)
PAGES["messaging-template-delete"] = Page(
    _message_template_url("messaging-template-delete"),
    get=POST_ONLY,
    post=roles(admin=302, manager=302, rep=403),
    foreign={MANAGER: 302, REP: 403},
)


# --- the SMS gateway's settings (an administrator's) and its webhooks: public, the secret in the address is the
# credential (a call without a report changes nothing) ---


def _sms_gateway(world):
    from peyvand.messaging.models_sms import SmsGateway

    return SmsGateway.objects.first() or SmsGateway.objects.create(provider="kavenegar", api_key="k")


def _sms_token_url(world, who):
    _sms_gateway(world)
    return reverse("sms-token")


def _sms_webhook(kind):
    def build(world, who):
        from peyvand.messaging import services_sms

        gateway = _sms_gateway(world)
        token = services_sms.new_webhook_token(actor=world.users[ADMIN], gateway=gateway)
        return reverse(f"sms-webhook-{kind}", args=[gateway.pk, token])

    return build


PAGES.update(
    {
        "sms-settings": Page(_url("sms-settings"), get=ADMINS, post=ADMINS_BAD_INPUT),
        "sms-token": Page(_sms_token_url, get=POST_ONLY, post=ADMINS),
        "sms-test": Page(
            _url("sms-test"),
            get=POST_ONLY,
            post=ADMINS_DONE,
            note="sending through a gateway and its refusals: tests/messaging/test_sms_views.py",
        ),
        "sms-webhook-delivery": Page(
            _sms_webhook("delivery"),
            get=everyone(200, anonymous=200),
            post=everyone(200, anonymous=200),
            note="public: reports, a wrong secret (404) and repeats: tests/messaging/test_sms_views.py",
        ),
        "sms-webhook-inbound": Page(
            _sms_webhook("inbound"),
            get=everyone(200, anonymous=200),
            post=everyone(200, anonymous=200),
            note="public: received messages kept once, a wrong secret (404): tests/messaging/test_sms_views.py",
        ),
    }
)


# --- the outbox (issue 16): a message about a record is seen by whoever may see the record; tracking and
# unsubscribe links are public by design (the signed token is the credential, the recipient is not a user) ---


def _outbox_message(world, who):
    from peyvand.messaging.models import Outbox

    contact = _contact(world, who)
    return Outbox.objects.create(
        channel="email",
        to="kian@example.com",
        subject="Offer",
        status="failed",
        record_type="contact",
        record_id=contact.pk,
    )


def _sent_message(world, who):
    from peyvand.messaging.services import send

    return send(
        channel="email",
        to="kian@example.com",
        subject="Offer",
        body="x",
        html_body="<p>x</p>",
        topic="marketing",
    )


def _public_path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def _track_open_url(world, who):
    from peyvand.messaging import tracking

    return _public_path(tracking.pixel_url(_sent_message(world, who)))


def _track_click_url(world, who):
    from peyvand.messaging import tracking

    return _public_path(tracking.click_url(_sent_message(world, who), "https://example.com/offer"))


def _unsubscribe_url(world, who):
    from peyvand.messaging import consent

    return _public_path(consent.unsubscribe_url(_sent_message(world, who)))


def _consent_url(world, who):
    contact = create_contact(
        actor=who,
        values={"last_name": f"Consent {next(SERIAL)}", "emails": ["kian@example.com"]},
        allow_duplicate=True,
    )
    return reverse("contact-consent", args=[contact.pk])


PAGES.update(
    {
        "outbox": Page(
            _url("outbox"),
            get=everyone(200),
            note="who sees which message: tests/messaging/test_outbox_page.py",
        ),
        "outbox-message": Page(_of("outbox-message", _outbox_message), get=everyone(200), foreign=404),
        "outbox-retry": Page(
            _of("outbox-retry", _outbox_message), get=POST_ONLY, post=everyone(302), foreign=404
        ),
        "outbox-retry-many": Page(_url("outbox-retry-many"), get=POST_ONLY, post=everyone(302)),
        "messaging-settings": Page(
            _url("messaging-settings"),
            get=roles(admin=200, manager=403, rep=403),
            post=roles(admin=200, manager=403, rep=403),
        ),
        "contact-consent": Page(
            _consent_url,
            get=POST_ONLY,
            post=everyone(302),
            data=lambda world, who: {"channel": "email", "address": "kian@example.com", "topic": "marketing"},
            foreign=404,
            note="opting out and back in: tests/messaging/test_consent.py",
        ),
        "track-open": Page(
            _track_open_url,
            get=everyone(200, anonymous=200),
            note="public by design; proxies and bad tokens: tests/messaging/test_tracking.py",
        ),
        "track-click": Page(
            _track_click_url,
            get=everyone(302, anonymous=302),
            note="public by design; forged targets are 404: tests/messaging/test_tracking.py",
        ),
        "unsubscribe": Page(
            _unsubscribe_url,
            get=everyone(200, anonymous=200),
            post=everyone(200, anonymous=200),
            note="public by design (RFC 8058 one-click): tests/messaging/test_consent.py",
        ),
    }
)


# --- mailboxes (issue 16): a private mailbox is its owner's alone; an e-mail opens for whoever sees a record it
# is on (the body as the mailbox's privacy says: tests/messaging/test_mailbox_views.py)


def _mailbox(world, who):
    from peyvand.messaging.models import Mailbox

    return Mailbox.objects.create(
        name=f"Mail {next(SERIAL)}",
        email_address=f"{who.username}@example.com",
        owner=who,
        imap_host="127.0.0.1",
        imap_port=9,
        imap_security="none",
        imap_user=who.username,
        imap_password="not-a-real-one",
    )


def _mailbox_url(name: str):
    return lambda world, who: reverse(name, args=[_mailbox(world, who).pk])


def _mail_message_url(world, who):
    from django.utils import timezone

    from peyvand.messaging.models import MailLink, MailMessage, MailThread

    mailbox = _mailbox(world, who)
    contact = create_contact(
        actor=who,
        values={"first_name": "Ali", "last_name": "Rezaei", "emails": ["ali@customer.example"]},
        allow_duplicate=True,
    )
    thread = MailThread.objects.create(mailbox=mailbox, subject="Price list")
    message = MailMessage.objects.create(
        mailbox=mailbox,
        thread=thread,
        message_id=f"<{next(SERIAL)}@customer.example>",
        from_address="ali@customer.example",
        subject="Price list",
        date=timezone.now(),
        body="Please send it.",
    )
    MailLink.objects.create(message=message, record_type="contact", record_id=contact.pk)
    return reverse("messaging-mail-message", args=[message.pk])


def _mail_file_url(world, who):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from peyvand.messaging.models import MailMessage

    url = _mail_message_url(world, who)
    message = MailMessage.objects.latest("pk")
    path = default_storage.save(f"mail/test/{next(SERIAL)}", ContentFile(b"%PDF-1.4\n"))
    message.attachments = [{"name": "quote.pdf", "content_type": "application/pdf", "size": 9, "path": path}]
    message.save(update_fields=["attachments"])
    return url + "files/0/"


PAGES.update(
    {
        "messaging-mailboxes": Page(_url("messaging-mailboxes"), get=everyone(200)),
        "messaging-mailbox-add": Page(
            _url("messaging-mailbox-add"),
            get=everyone(200),
            post=everyone(400),
            note="a shared mailbox (administrators only) and the password: tests/messaging/test_mailbox_views.py",
        ),
        "messaging-mailbox": Page(
            _mailbox_url("messaging-mailbox"),
            get=everyone(200),
            post=everyone(400),
            foreign=MINE_ONLY,
            personal=True,
        ),
        "messaging-mailbox-test": Page(
            _mailbox_url("messaging-mailbox-test"),
            get=POST_ONLY,
            post=everyone(302),
            foreign=MINE_ONLY,
            personal=True,
        ),
        "messaging-mailbox-sync": Page(
            _mailbox_url("messaging-mailbox-sync"),
            get=POST_ONLY,
            post=everyone(302),
            foreign=MINE_ONLY,
            personal=True,
        ),
        "messaging-mailbox-delete": Page(
            _mailbox_url("messaging-mailbox-delete"),
            get=POST_ONLY,
            post=everyone(302),
            foreign=MINE_ONLY,
            personal=True,
        ),
        "messaging-mail-message": Page(_mail_message_url, get=everyone(200), foreign=404),
        # a private mailbox kept to metadata: its owner downloads, others who see the record do not
        "messaging-mail-file": Page(
            _mail_file_url,
            get=roles(admin=404, manager=404, rep=200),
            foreign=404,
            note="a full mailbox's files for the record's viewers: tests/messaging/test_mailbox_views.py",
        ),
    }
)


# --- running a request ---------------------------------------------------------------------------------------


@pytest.fixture
def world(admin, manager_a, rep_a, rep_b, team_b, pipeline) -> World:
    from peyvand.accounts.models import Role
    from tests.factories import UserFactory

    manager_b = UserFactory(username="manager_b", role=Role.SALES_MANAGER, team=team_b)
    return World(
        users={ADMIN: admin, MANAGER: manager_a, REP: rep_a},
        rep_b=rep_b,
        manager_b=manager_b,
        pipeline=pipeline,
    )


def _client(world: World, role: str) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    if role != ANONYMOUS:
        client.force_login(world.users[role])
    client.cookies["django_language"] = "en"
    return client


def _owner(world: World, page: Page, role: str) -> User:
    if page.personal and role != ANONYMOUS:
        return world.users[role]
    return world.users[REP]


def _fingerprint() -> tuple:
    """Counts a refused request must leave as they were."""
    counts = [AuditEntry.objects.count(), StageHistory.objects.count(), Job.objects.count()]
    for model in (Company, Contact, Lead, Deal, Activity, AssignmentRule, ScoringModel, ScoringRule):
        counts.append(model.objects.count())
    counts += [
        Target.objects.count(),
        Rule.objects.filter(enabled=True).count(),
        Rule.objects.count(),
        ApiToken.objects.filter(revoked_at__isnull=True).count(),
        SignedInSession.objects.count(),
        Notification.objects.filter(read_at__isnull=True).count(),
        Pipeline.objects.count(),
        Holiday.objects.count(),
        CustomField.objects.count(),
        ImportRun.objects.exclude(status="uploaded").count(),
        User.objects.count(),
        User.objects.filter(is_active=True).count(),
        Team.objects.count(),
    ]
    return tuple(counts)


def _send(client: Client, method: str, url: str, data: dict | None, headers: dict | None = None):
    if method == "GET":
        return client.get(url, headers=headers or {})
    return client.post(url, data or {}, headers=headers or {})


def _outcome(response) -> Expected:
    if response.status_code == 302 and response["Location"].startswith(
        f"{resolve_url(settings.LOGIN_URL)}?next="
    ):
        return SIGN_IN
    return response.status_code


REFUSED = (SIGN_IN, 401, 403, 404, 405)


def _check(world, page: Page, method: str, role: str, who: User, expected, headers=None) -> str | None:
    """One request; the mismatch described, or None."""
    url = page.url(world, who)
    data = page.data(world, who) if page.data else None
    client = _client(world, role)
    before = _fingerprint()
    response = _send(client, method, url, data, headers)
    got = _outcome(response)
    where = (
        f"{method} {url} as {role}" + (f" with {headers}" if headers else "") + f" (record of {who.username})"
    )
    if got != expected:
        return f"{where}: expected {expected}, got {got}"
    if expected in REFUSED and _fingerprint() != before:
        return f"{where}: refused ({got}) but something changed"
    if headers and expected == 200 and b"<html" in response.content.lower():
        return f"{where}: an htmx request got the whole page instead of a partial"
    return None


# --- coverage of the matrix -----------------------------------------------------------------------------------


def uncovered_pages(urlconf: str | None = None) -> str:
    """The pages without a row in PAGES, one a line with its address and view; empty when all are covered."""
    patterns = ui_patterns(urlconf)
    return "\n".join(f"  {name}: {patterns[name]}" for name in sorted(set(patterns) - set(PAGES)))


def test_every_page_of_the_ui_has_a_row_in_the_matrix():
    missing = uncovered_pages()
    assert not missing, (
        "These UI pages have no row in PAGES of tests/test_page_permissions.py; add one per page saying what "
        "each role gets from it (and, for a record page, what another team's rep gets):\n" + missing
    )


def test_a_new_page_without_a_row_is_reported_by_name_route_and_view():
    missing = uncovered_pages("tests.page_urls")

    assert missing == "  loans:detail: /loans/<int:pk>/ -> tests.page_urls.loan_view"
    assert not {"api", "admin", "i18n"} & {line.split(":")[0].strip() for line in missing.splitlines()}


def test_every_row_of_the_matrix_is_a_page_that_exists():
    stale = sorted(set(PAGES) - set(ui_patterns()))
    assert not stale, f"Rows in PAGES for pages that no longer exist: {stale}"


def test_every_record_page_says_what_another_team_gets():
    """A page whose address holds a record id must declare what a foreign team's rep gets."""
    patterns = ui_patterns()
    undeclared = [
        name
        for name, page in PAGES.items()
        if "<int:pk>" in patterns.get(name, "")
        and page.foreign is None
        and not name.startswith(("scoring_",))
    ]
    assert not undeclared, undeclared


# --- the matrix -----------------------------------------------------------------------------------------------


def _cases():
    for name, page in sorted(PAGES.items()):
        for method, expected in (("GET", page.get), ("POST", page.post)):
            if expected is not None:
                yield pytest.param(name, method, id=f"{method} {name}")


@pytest.mark.parametrize(("name", "method"), list(_cases()))
def test_each_role_gets_what_the_page_declares(name, method, world):
    page = PAGES[name]
    expected = page.get if method == "GET" else page.post
    missing_roles = [role for role in ROLES if role not in expected]
    assert not missing_roles, f"{name}: no expectation for {missing_roles}"
    problems = []
    for role in ROLES:
        who = _owner(world, page, role)
        problems.append(_check(world, page, method, role, who, expected[role]))
        if method == "GET":
            for headers in page.htmx_get:
                problems.append(_check(world, page, method, role, who, expected[role], headers))
        elif page.htmx_post is not None:
            problems.append(_check(world, page, method, role, who, page.htmx_post[role], HTMX))
    for role in (MANAGER, REP):
        foreign = page.foreign_for(role)
        if foreign is None or expected[role] == 405:
            continue
        problems.append(_check(world, page, method, role, world.rep_b, foreign))
        if method == "POST" and page.htmx_post is not None:
            foreign_htmx = page.foreign_htmx_post
            foreign_htmx = foreign_htmx[role] if isinstance(foreign_htmx, dict) else foreign_htmx
            problems.append(_check(world, page, method, role, world.rep_b, foreign_htmx, HTMX))
    if page.foreign is not None and expected[ADMIN] != 405:
        # an administrator sees every team's records, so another team's record is like their own (unless the
        # row says otherwise: another person's session or notification is theirs alone)
        admin_expected = page.foreign_for(ADMIN) if isinstance(page.foreign, dict) else None
        admin_expected = expected[ADMIN] if admin_expected is None else admin_expected
        problems.append(_check(world, page, method, ADMIN, world.rep_b, admin_expected))
    problems = [p for p in problems if p]
    assert not problems, "\n".join(problems)
