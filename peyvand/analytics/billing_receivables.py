"""Money owed and money received: payments per month, receivables ageing, days to pay, and customer value from
payments.

- **Owed on a day** by an invoice issued by then = its total − the credit notes issued against it by then − the
  parts of payments received by then allocated to it (a bounced cheque pays nothing).
- **Ageing** of what is owed on ``as_of``: *current* when not yet past its due date (or without one), else by days
  past due: 1–30, 31–60, 61–90, over 90; per customer (the invoice's company, else its contact).
- **Payment's day**: the day it was received; a cheque's, its due date (when the money clears). A bounced cheque
  counts nowhere.
- **Days to pay** of an invoice paid in full: from its issue date to the day of the last payment allocated to it
  (the one that cleared it); counted in the period that day falls in.
- **Customer value from payments**: what the customers who paid in the period paid in it, and over their whole
  history up to its end (lifetime value), with their first and last payment days.
Invoices and payments count when the user may see them (owner and team); the team and rep filters are the
record's own, and a filter only a deal answers keeps the invoices of the deals in scope.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import (
    Count,
    DecimalField,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from peyvand.analytics.billing_revenue import documents
from peyvand.analytics.outcomes import percent
from peyvand.analytics.registry import column, report
from peyvand.analytics.scope import Scope, local_start
from peyvand.billing.models import (
    ChequeStatus,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    Payment,
    PaymentAllocation,
)
from peyvand.contacts.models import Company, Contact
from peyvand.core import periods

ZERO = Decimal(0)
MONEY = DecimalField(max_digits=20, decimal_places=2)
BUCKETS = ("current", "days_1_30", "days_31_60", "days_61_90", "days_over_90")


def payments(scope: Scope) -> QuerySet:
    """Payments the user may see that were not bounced, narrowed by team and rep."""
    paid = Payment.objects.visible_to(scope.user).exclude(cheque_status=ChequeStatus.BOUNCED)
    if scope.team:
        paid = paid.filter(team_id=scope.team)
    if scope.rep:
        paid = paid.filter(owner_id=scope.rep)
    return paid


def payment_day(prefix: str = ""):
    """The day a payment counts on: a cheque's due date, else the day it was received."""
    return Coalesce(F(f"{prefix}cheque_due_date"), F(f"{prefix}received_on"))


def per_customer(queryset: QuerySet, **aggregates) -> dict[tuple[str, int | None], dict[str, Any]]:
    """``aggregates`` per customer: a company's records are its own whatever contact they name; a contact's
    without a company are the contact's. Keys are ("company", id) or ("contact", id)."""
    figures = {}
    for g in queryset.filter(company__isnull=False).values("company_id").annotate(**aggregates).order_by():
        figures[("company", g["company_id"])] = g
    for g in queryset.filter(company__isnull=True).values("contact_id").annotate(**aggregates).order_by():
        figures[("contact", g["contact_id"])] = g
    return figures


def _decimal(value) -> Decimal:
    """A sum read by hand-written SQL: SQLite answers numbers as int or float, PostgreSQL as Decimal."""
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def _aged(scope: Scope, day: dt.date) -> list[tuple]:
    """Per customer: what is owed on ``day`` in each bucket, in total, and on how many invoices.

    Written in SQL so each sum is taken once: the credit notes and the payments up to the day are summed per
    invoice for the visible invoices only (a hash join, not two lookups per invoice), then each invoice's owed
    amount is put in its bucket."""
    visible = (
        documents(scope, kinds=(InvoiceKind.INVOICE,))
        .filter(issue_date__lte=day)
        # Paid in full before the day (the payment services set paid_at, and clear it with the status when a
        # cheque bounces): nothing owed then, so most of a long history is skipped without summing it.
        .exclude(status=InvoiceStatus.PAID, paid_at__lt=local_start(day))
        .values("id", "company_id", "contact_id", "due_date", "total")
    )
    inner, inner_params = visible.query.sql_with_params()
    invoice, allocation, payment = (
        Invoice._meta.db_table,
        PaymentAllocation._meta.db_table,
        Payment._meta.db_table,
    )
    bounds = [day, day - dt.timedelta(days=30), day - dt.timedelta(days=60), day - dt.timedelta(days=90)]
    sql = f"""
        WITH visible AS ({inner}),
        credited AS (
            SELECT credits_id AS invoice_id, SUM(total) AS amount FROM {invoice}
            WHERE kind = %s AND status <> %s AND deleted_at IS NULL AND issue_date <= %s
              AND credits_id IN (SELECT id FROM visible)
            GROUP BY credits_id),
        paid AS (
            SELECT a.invoice_id, SUM(a.amount) AS amount FROM {allocation} a JOIN {payment} p ON p.id = a.payment_id
            WHERE p.received_on <= %s AND p.cheque_status <> %s AND p.deleted_at IS NULL
              AND a.invoice_id IN (SELECT id FROM visible)
            GROUP BY a.invoice_id),
        owed AS (
            SELECT v.company_id, v.contact_id, v.due_date,
                   v.total - COALESCE(c.amount, 0) - COALESCE(p.amount, 0) AS owed
            FROM visible v LEFT JOIN credited c ON c.invoice_id = v.id LEFT JOIN paid p ON p.invoice_id = v.id)
        SELECT CASE WHEN company_id IS NULL THEN 'contact' ELSE 'company' END,
               COALESCE(company_id, contact_id),
               SUM(CASE WHEN due_date IS NULL OR due_date >= %s THEN owed ELSE 0 END),
               SUM(CASE WHEN due_date < %s AND due_date >= %s THEN owed ELSE 0 END),
               SUM(CASE WHEN due_date < %s AND due_date >= %s THEN owed ELSE 0 END),
               SUM(CASE WHEN due_date < %s AND due_date >= %s THEN owed ELSE 0 END),
               SUM(CASE WHEN due_date < %s THEN owed ELSE 0 END),
               SUM(owed), COUNT(*)
        FROM owed
        WHERE owed > 0
        GROUP BY 1, 2
    """
    params = [
        *inner_params,
        InvoiceKind.CREDIT_NOTE.value,
        InvoiceStatus.DRAFT.value,
        day,
        day,
        ChequeStatus.BOUNCED.value,
        *[bounds[0], bounds[0], bounds[1], bounds[1], bounds[2], bounds[2], bounds[3], bounds[3]],
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def owed_on(scope: Scope, day: dt.date, *, only_owing: bool = True) -> QuerySet:
    """Invoices issued by ``day`` with something still owed on it, annotated with ``owed``."""
    credited = (
        Invoice.objects.filter(credits_id=OuterRef("pk"), kind=InvoiceKind.CREDIT_NOTE, issue_date__lte=day)
        .exclude(status=InvoiceStatus.DRAFT)
        .order_by()
        .values("credits_id")
        .annotate(s=Sum("total"))
        .values("s")
    )
    paid = (
        PaymentAllocation.objects.filter(invoice_id=OuterRef("pk"))
        .exclude(payment__cheque_status=ChequeStatus.BOUNCED)
        .filter(payment__received_on__lte=day)
        .order_by()
        .values("invoice_id")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    return (
        documents(scope, kinds=(InvoiceKind.INVOICE,))
        .filter(issue_date__lte=day)
        .annotate(
            owed=F("total")
            - Coalesce(Subquery(credited, output_field=MONEY), Value(ZERO, output_field=MONEY))
            - Coalesce(Subquery(paid, output_field=MONEY), Value(ZERO, output_field=MONEY))
        )
        .filter(**({"owed__gt": 0} if only_owing else {}))
    )


def _customer_names(rows: list[dict[str, Any]]) -> None:
    """Each row's customer name: read as names only (a page of customers, not whole records)."""
    companies = dict(
        Company.objects.filter(pk__in=[r["company_id"] for r in rows if r["company_id"]]).values_list(
            "pk", "name"
        )
    )
    contacts = Contact.objects.only("first_name", "last_name").in_bulk(
        [r["contact_id"] for r in rows if r["contact_id"]]
    )
    for row in rows:
        if row["company_id"]:
            name = companies.get(row["company_id"])
        else:
            name = str(contacts[row["contact_id"]]) if row["contact_id"] in contacts else None
        row["name"] = name or _gettext("Not set")


@report(
    "receivables-ageing",
    _("Receivables ageing"),
    options={"as_of": "date"},
    summary=_(
        "What each customer owes on a day, by how long it is past due: current, 1–30, 31–60, 61–90 and over 90 days."
    ),
)
def receivables_ageing(scope: Scope, *, as_of: dt.date | None = None) -> dict[str, Any]:
    """Per customer, what is owed on ``as_of`` (default today) by days past the due date, and in total."""
    day = as_of or timezone.localdate()
    rows = []
    for kind, pk, *figures in _aged(scope, day):
        rows.append(
            {
                "customer": f"{kind}:{pk}",
                "company_id": pk if kind == "company" else None,
                "contact_id": pk if kind == "contact" else None,
                **dict(zip((*BUCKETS, "total"), (_decimal(v) for v in figures[:-1]), strict=True)),
                "invoices": figures[-1],
            }
        )
    _customer_names(rows)
    rows.sort(key=lambda r: (-r["total"], r["name"]))
    total = {name: sum((r[name] for r in rows), ZERO) for name in (*BUCKETS, "total")}
    return {
        "as_of": day.isoformat(),
        "columns": [
            column("name", _("Customer"), "label"),
            column("current", _("Not yet due"), "money"),
            column("days_1_30", _("1–30 days past due"), "money"),
            column("days_31_60", _("31–60 days past due"), "money"),
            column("days_61_90", _("61–90 days past due"), "money"),
            column("days_over_90", _("Over 90 days past due"), "money"),
            column("total", _("Owed"), "money"),
            column("invoices", _("Invoices")),
        ],
        "rows": rows,
        "total": total,
    }


@report(
    "payments-by-month",
    _("Payments received by month"),
    summary=_("The money received each month, and how many payments brought it."),
)
def payments_by_month(scope: Scope) -> dict[str, Any]:
    """The payments (a cheque on its due date; bounced cheques left out) of each month of the period, in the
    reader's calendar when the scope names none (Jalali on Persian pages)."""
    calendar = scope.calendar or periods.reading_calendar()
    months = periods.months_between(calendar, scope.start, scope.end)
    received = (
        payments(scope)
        .alias(day=payment_day())
        .filter(day__gte=scope.start, day__lte=scope.end)
        .aggregate(
            **{
                f"amount_{i}": Sum("amount", filter=Q(day__gte=m.start, day__lte=m.end))
                for i, m in enumerate(months)
            },
            **{
                f"count_{i}": Count("id", filter=Q(day__gte=m.start, day__lte=m.end))
                for i, m in enumerate(months)
            },
        )
    )
    rows = [
        {
            "month": m.start.isoformat(),
            "end": m.end.isoformat(),
            "name": m.label(),
            "amount": received[f"amount_{i}"] or ZERO,
            "payments": received[f"count_{i}"],
        }
        for i, m in enumerate(months)
    ]
    return {
        "calendar": calendar,
        "columns": [
            column("name", _("Month"), "label"),
            column("amount", _("Received"), "money"),
            column("payments", _("Payments")),
        ],
        "rows": rows,
        "total": {
            "amount": sum((r["amount"] for r in rows), ZERO),
            "payments": sum(r["payments"] for r in rows),
        },
    }


def cleared_invoices(scope: Scope) -> list[dict[str, Any]]:
    """Invoices paid in full whose last payment's day falls in the period: owner, issue, due and cleared days."""
    last_payment = (
        PaymentAllocation.objects.filter(invoice_id=OuterRef("pk"))
        .exclude(payment__cheque_status=ChequeStatus.BOUNCED)
        .annotate(day=payment_day("payment__"))
        .order_by("-day")
        .values("day")[:1]
    )
    return list(
        documents(scope, kinds=(InvoiceKind.INVOICE,))
        .filter(status=InvoiceStatus.PAID)
        .annotate(cleared=Subquery(last_payment))
        .filter(cleared__gte=scope.start, cleared__lte=scope.end)
        .values("id", "owner_id", "issue_date", "due_date", "cleared")
    )


@report(
    "days-to-pay",
    _("Average days to pay"),
    summary=_("How long customers take to pay: from an invoice's date to the payment that cleared it."),
)
def days_to_pay(scope: Scope) -> dict[str, Any]:
    """Per rep (the invoice's owner) and in total: invoices cleared in the period, the average days from issue
    to the clearing payment, and the share cleared by the due date."""
    from peyvand.accounts.models import User

    cleared = cleared_invoices(scope)

    def figures(items: list[dict[str, Any]]) -> dict[str, Any]:
        days = [(i["cleared"] - i["issue_date"]).days for i in items]
        on_time = sum(1 for i in items if i["due_date"] is None or i["cleared"] <= i["due_date"])
        return {
            "invoices": len(items),
            "average_days": (Decimal(sum(days)) / len(days)).quantize(Decimal("0.1")) if days else None,
            "on_time": percent(on_time, len(items)),
        }

    by_owner: dict[Any, list] = {}
    for item in cleared:
        by_owner.setdefault(item["owner_id"], []).append(item)
    owners = User.objects.in_bulk([k for k in by_owner if k])
    rows = [
        {
            "group": owner,
            "name": str(owners[owner]) if owner in owners else _gettext("Not set"),
            **figures(items),
        }
        for owner, items in by_owner.items()
    ]
    rows.sort(key=lambda r: (r["name"], r["group"] or 0))
    return {
        "columns": [
            column("name", _("Rep"), "label"),
            column("invoices", _("Invoices paid")),
            column("average_days", _("Average days to pay"), "days"),
            column("on_time", _("Paid by the due date"), "percent"),
        ],
        "rows": rows,
        "total": figures(cleared),
    }


LTV_ROWS = 100


@report(
    "payments-customer-value",
    _("Customer value from payments"),
    summary=_(
        "What the customers who paid in the period paid in it and over their whole history (lifetime value)."
    ),
)
def payments_customer_value(scope: Scope) -> dict[str, Any]:
    """Per customer who paid in the period (the largest lifetime first): paid in the period, paid up to its
    end (lifetime value), first and last payment days; the total row's averages are per customer."""
    upto = payments(scope).alias(day=payment_day()).filter(day__lte=scope.end)
    paying = per_customer(upto.filter(day__gte=scope.start), in_period=Sum("amount"), payments=Count("id"))
    lifetime = per_customer(upto, lifetime=Sum("amount"), first=Min(payment_day()), last=Max(payment_day()))
    rows = {
        key: {
            "customer": f"{key[0]}:{key[1]}",
            "company_id": key[1] if key[0] == "company" else None,
            "contact_id": key[1] if key[0] == "contact" else None,
            "in_period": g["in_period"] or ZERO,
            "payments": g["payments"],
            "lifetime": lifetime[key]["lifetime"] or ZERO,
            "first": lifetime[key]["first"],
            "last": lifetime[key]["last"],
        }
        for key, g in paying.items()
    }
    ordered = sorted(
        rows.values(), key=lambda r: (-r["lifetime"], r["company_id"] or 0, r["contact_id"] or 0)
    )
    customers = len(ordered)
    in_period = sum((r["in_period"] for r in ordered), ZERO)
    lifetime_total = sum((r["lifetime"] for r in ordered), ZERO)
    shown = ordered[:LTV_ROWS]
    _customer_names(shown)
    return {
        "columns": [
            column("name", _("Customer"), "label"),
            column("in_period", _("Paid in the period"), "money"),
            column("payments", _("Payments")),
            column("lifetime", _("Lifetime value"), "money"),
        ],
        "rows": shown,
        "total": {
            "customers": customers,
            "in_period": in_period,
            "lifetime": lifetime_total,
            "average_in_period": (in_period / customers).quantize(Decimal("1")) if customers else None,
            "average_lifetime": (lifetime_total / customers).quantize(Decimal("1")) if customers else None,
        },
    }
