"""Revenue from what was sold, line by line: by product and category, best-selling products, products bought
together (cross-sell) and the discount given.

- **Source** (``source``): ``invoices`` — the lines of invoices issued in the period less the lines of credit notes
  issued in it (a credit note's line counts negative); ``deals`` — the lines of the deals won in the period.
  By default invoices when any invoice has been issued (billing is used), else deals.
- **Revenue** of a line is its ``net``: after every discount, before tax (a deal's amount is before tax too).
- Invoices and credit notes count when the user may see them (their owner and team, as every owned record);
  deals as ``Scope.deals()``. A filter only a deal answers (pipeline, region, channel, audience, customer,
  product) keeps the invoices of the deals in scope.

The dashboards' revenue follows ``BillingSettings.revenue_source`` (``revenue_source()``): won deals (as
before) or issued invoices less credit notes (``invoiced_revenue``).
"""

from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, DecimalField, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from peyvand.analytics.outcomes import percent
from peyvand.analytics.registry import column, report
from peyvand.analytics.scope import Scope, local_end
from peyvand.billing.models import (
    BillingSettings,
    DealLine,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    Product,
    ProductCategory,
)
from peyvand.sales.models import DealStatus

ZERO = Decimal(0)
SOURCES = ("invoices", "deals")
MONEY = DecimalField(max_digits=20, decimal_places=2)


def billing_used() -> bool:
    return Invoice.objects.exclude(status=InvoiceStatus.DRAFT).exists()


def revenue_source() -> str:
    """What the dashboards count as revenue, by the billing settings: "deals" (won deals) or "invoices"."""
    value = BillingSettings.objects.order_by("pk").values_list("revenue_source", flat=True).first()
    return value if value in SOURCES else "deals"


def documents(scope: Scope, *, kinds=(InvoiceKind.INVOICE, InvoiceKind.CREDIT_NOTE)) -> QuerySet:
    """Issued invoices and credit notes the user may see, narrowed by the scope's filters (not its period)."""
    docs = Invoice.objects.visible_to(scope.user).exclude(status=InvoiceStatus.DRAFT).filter(kind__in=kinds)
    if scope.team:
        docs = docs.filter(team_id=scope.team)
    if scope.rep:
        docs = docs.filter(owner_id=scope.rep)
    if scope.narrows_deals:
        docs = docs.filter(deal__in=scope.deals().values("pk"))
    return docs


def issued_in(scope: Scope, path: str = "issue_date") -> Q:
    return Q(**{f"{path}__gte": scope.start, f"{path}__lte": scope.end})


def signed(field: str, kind_path: str = "invoice__kind") -> Case:
    """A line's ``field``, negative on a credit note."""
    return Case(
        When(**{kind_path: InvoiceKind.CREDIT_NOTE}, then=-F(field)),
        default=F(field),
        output_field=MONEY if field != "quantity" else DecimalField(max_digits=14, decimal_places=3),
    )


def _narrowed(lines: QuerySet, scope: Scope) -> QuerySet:
    if scope.product:
        lines = lines.filter(product_id=scope.product)
    if scope.category:
        lines = lines.filter(
            Q(product__category_id=scope.category) | Q(product__category__parent_id=scope.category)
        )
    return lines


def sold_lines(scope: Scope, source: str, kind: str = InvoiceKind.INVOICE) -> QuerySet:
    """The lines sold in the period: of the invoices (or, with ``kind``, the credit notes) issued in it, or of the
    deals won in it. Each kind is read on its own so a line needs no join to its invoice (its sign is the kind's),
    which lets PostgreSQL answer from the index ``invoice_line_report`` alone."""
    if source == "invoices":
        docs = documents(scope, kinds=(kind,)).filter(issued_in(scope))
        return _narrowed(InvoiceLine.objects.filter(invoice__in=docs.values("pk")), scope)
    won = scope.deals().filter(status=DealStatus.WON).filter(scope.in_period("closed_at"))
    return _narrowed(DealLine.objects.filter(deal__in=won.values("pk")), scope)


def _source(source: str | None) -> str:
    return source or ("invoices" if billing_used() else "deals")


def _names(model, ids) -> dict[Any, str]:
    present = [i for i in ids if i is not None]
    names = {pk: str(obj) for pk, obj in model.objects.in_bulk(present).items()}
    return {i: names.get(i, _gettext("Not set")) for i in ids}


def _grouped(lines: QuerySet, key: str, doc: str) -> dict[Any, dict[str, Any]]:
    groups = lines.values(key).annotate(
        revenue=Sum("net"), quantity=Sum("quantity"), documents=Count(doc, distinct=True)
    )
    return {g[key]: g for g in groups.order_by()}


def product_figures(scope: Scope, source: str, by: str = "product") -> list[dict[str, Any]]:
    """Quantity and revenue of each product (or category) sold in the period, most revenue first. A credit note's
    lines count negative; credit notes are not sales, so the count is of invoices (won deals) the product was on."""
    key = "product_id" if by == "product" else "product__category_id"
    if source == "invoices":
        sold = _grouped(sold_lines(scope, source), key, "invoice_id")
        returned = _grouped(sold_lines(scope, source, InvoiceKind.CREDIT_NOTE), key, "invoice_id")
    else:
        sold, returned = _grouped(sold_lines(scope, source), key, "deal_id"), {}
    rows = []
    for group in {**sold, **returned}:
        out, back = sold.get(group, {}), returned.get(group, {})
        rows.append(
            {
                "group": group,
                "revenue": (out.get("revenue") or ZERO) - (back.get("revenue") or ZERO),
                "quantity": (out.get("quantity") or ZERO) - (back.get("quantity") or ZERO),
                "documents": out.get("documents", 0),
            }
        )
    names = _names(Product if by == "product" else ProductCategory, [r["group"] for r in rows])
    total = sum((r["revenue"] for r in rows), ZERO)
    for row in rows:
        row["name"] = names[row["group"]]
        row["share"] = percent(row["revenue"], total) if total > 0 else None
    rows.sort(key=lambda r: (-r["revenue"], -r["quantity"], r["name"]))
    return rows


def _product_columns(by: str, source: str) -> list[dict[str, Any]]:
    return [
        column("name", _("Product") if by == "product" else _("Product category"), "label"),
        column("quantity", _("Quantity")),
        column("revenue", _("Revenue"), "money"),
        column("share", _("Share of revenue"), "percent"),
        column("documents", _("Invoices") if source == "invoices" else _("Deals won")),
    ]


@report(
    "revenue-by-product",
    _("Revenue by product"),
    options={"by": ("product", "category"), "source": SOURCES},
    summary=_(
        "What each product or product category brought in: issued invoices less credit notes, or the lines of won deals."
    ),
)
def revenue_by_product(scope: Scope, *, by: str | None = None, source: str | None = None) -> dict[str, Any]:
    """Per product (or category): quantity, revenue (the lines' net, credit notes negative), share of the
    revenue and the number of invoices (deals) it was on."""
    by, source = by or "product", _source(source)
    rows = product_figures(scope, source, by)
    return {
        "by": by,
        "source": source,
        "columns": _product_columns(by, source),
        "rows": rows,
        "total": {"revenue": sum((r["revenue"] for r in rows), ZERO)},
    }


@report(
    "best-sellers",
    _("Best-selling products"),
    options={"rank": ("quantity", "revenue"), "source": SOURCES},
    summary=_("The products sold most in the period, by quantity or by revenue."),
)
def best_sellers(scope: Scope, *, rank: str | None = None, source: str | None = None) -> dict[str, Any]:
    """Products ranked by quantity sold (or revenue), with their rank."""
    rank, source = rank or "quantity", _source(source)
    rows = [r for r in product_figures(scope, source) if r["group"] is not None]
    rows.sort(key=lambda r: (-r[rank], -r["revenue" if rank == "quantity" else "quantity"], r["name"]))
    for position, row in enumerate(rows, start=1):
        row["rank"] = position
    return {
        "rank": rank,
        "source": source,
        "columns": [column("rank", _("Rank")), *_product_columns("product", source)],
        "rows": rows,
    }


CROSS_SELL_ROWS = 50


@report(
    "cross-sell",
    _("Products bought together"),
    options={"source": SOURCES},
    summary=_("Pairs of products on the same invoice or deal: how often, and what share of buyers of each."),
)
def cross_sell(scope: Scope, *, source: str | None = None) -> dict[str, Any]:
    """Each pair of products on one invoice (won deal) of the period: the number of documents with both, their
    share of the documents with any product, and of those with the first or the second product of the pair.
    Credit notes are not purchases and are left out."""
    source = _source(source)
    if source == "invoices":
        docs = documents(scope, kinds=(InvoiceKind.INVOICE,)).filter(issued_in(scope))
        lines = InvoiceLine.objects.filter(invoice__in=docs.values("pk"), product__isnull=False)
        doc, other = "invoice_id", "invoice__lines__product_id"
    else:
        won = scope.deals().filter(status=DealStatus.WON).filter(scope.in_period("closed_at"))
        lines = DealLine.objects.filter(deal__in=won.values("pk"), product__isnull=False)
        doc, other = "deal_id", "deal__lines__product_id"
    with_product = lines.values(doc).distinct().count()
    per_product = dict(lines.values_list("product_id").annotate(n=Count(doc, distinct=True)).order_by())
    pairs = (
        lines.filter(**{f"{other}__gt": F("product_id")})
        .values("product_id", other)
        .annotate(together=Count(doc, distinct=True))
        .order_by("-together", "product_id", other)[:CROSS_SELL_ROWS]
    )
    rows = [{"a": p["product_id"], "b": p[other], "together": p["together"]} for p in pairs]
    names = _names(Product, [r["a"] for r in rows] + [r["b"] for r in rows])
    for row in rows:
        row.update(
            a_name=names[row["a"]],
            b_name=names[row["b"]],
            share=percent(row["together"], with_product),
            of_a=percent(row["together"], per_product.get(row["a"], 0)),
            of_b=percent(row["together"], per_product.get(row["b"], 0)),
        )
    return {
        "source": source,
        "documents": with_product,
        "columns": [
            column("a_name", _("Product"), "label"),
            column("b_name", _("Bought with"), "label"),
            column("together", _("Together")),
            column("share", _("Share of all purchases"), "percent"),
            column("of_a", _("Share of the first product's purchases"), "percent"),
            column("of_b", _("Share of the second product's purchases"), "percent"),
        ],
        "rows": rows,
    }


@report(
    "discount-given",
    _("Discount given"),
    options={"by": ("rep", "product", "month"), "source": SOURCES},
    summary=_("How much was given away in discounts, and its share of the price before discount."),
)
def discount_given(scope: Scope, *, by: str | None = None, source: str | None = None) -> dict[str, Any]:
    """Gross (quantity × unit price), discount (the line's own and its share of the document's) and the
    discount's share of the gross, of the invoice lines (won deals' lines) of the period, per rep, product or
    month. Credit notes do not give discounts and are left out."""
    by, source = by or "rep", _source(source)
    if source == "invoices":
        docs = documents(scope, kinds=(InvoiceKind.INVOICE,)).filter(issued_in(scope))
        lines = InvoiceLine.objects.filter(invoice__in=docs.values("pk"))
        doc, owner, day = "invoice", "invoice__owner_id", "invoice__issue_date"
    else:
        won = scope.deals().filter(status=DealStatus.WON).filter(scope.in_period("closed_at"))
        lines = DealLine.objects.filter(deal__in=won.values("pk"))
        doc, owner, day = "deal", "deal__owner_id", "deal__closed_at"
    if by == "month":
        months = scope.months()
        bound = (lambda m: m.end) if source == "invoices" else (lambda m: local_end(m.end))
        lookup = "lte" if source == "invoices" else "lt"
        key: Any = Case(
            *[When(**{f"{day}__{lookup}": bound(m)}, then=Value(i)) for i, m in enumerate(months)],
            output_field=IntegerField(),
        )
    else:
        key = F(owner) if by == "rep" else F("product_id")
    groups = (
        lines.annotate(group=key)
        .values("group")
        .annotate(gross=Sum("gross"), discount=Sum("discount"), documents=Count(doc, distinct=True))
        .order_by()
    )
    rows = [
        {
            "group": g["group"],
            "gross": g["gross"] or ZERO,
            "discount": g["discount"] or ZERO,
            "documents": g["documents"],
        }
        for g in groups
    ]
    if by == "month":
        labels = {i: m.label() for i, m in enumerate(scope.months())}
        for row in rows:
            row["name"] = labels.get(row["group"], "")
        rows.sort(key=lambda r: r["group"] if r["group"] is not None else -1)
    else:
        from peyvand.accounts.models import User

        names = _names(User if by == "rep" else Product, [r["group"] for r in rows])
        for row in rows:
            row["name"] = names[row["group"]]
        rows.sort(key=lambda r: (-r["discount"], r["name"]))
    for row in rows:
        row["share"] = percent(row["discount"], row["gross"]) if row["gross"] else None
    gross = sum((r["gross"] for r in rows), ZERO)
    discount = sum((r["discount"] for r in rows), ZERO)
    labels_by = {"rep": _("Rep"), "product": _("Product"), "month": _("Month")}
    return {
        "by": by,
        "source": source,
        "columns": [
            column("name", labels_by[by], "label"),
            column("gross", _("Before discount"), "money"),
            column("discount", _("Discount given"), "money"),
            column("share", _("Discount share"), "percent"),
            column("documents", _("Invoices") if source == "invoices" else _("Deals won")),
        ],
        "rows": rows,
        "total": {"gross": gross, "discount": discount, "share": percent(discount, gross) if gross else None},
    }


# --- the dashboards' revenue when it is counted from invoices ----------------------------------------------------


def invoiced(scope: Scope, *, key: str | None = None) -> dict[Any, Decimal]:
    """Revenue from invoices issued in the period less credit notes issued in it (net of tax), in total (key
    None) or per ``key`` (``owner_id``, ``team_id``)."""
    docs = documents(scope).filter(issued_in(scope))
    amount = Sum(signed("net", "kind"))
    if key is None:
        return {None: docs.aggregate(total=amount)["total"] or ZERO}
    return {row[key]: row["total"] or ZERO for row in docs.values(key).annotate(total=amount).order_by()}


def invoiced_by_month(scope: Scope, months) -> dict[int, Decimal]:
    """Revenue from invoices less credit notes, per month (its index in ``months``)."""
    if not months:
        return {}
    bucket = Case(
        *[When(issue_date__lte=m.end, then=Value(i)) for i, m in enumerate(months)],
        output_field=IntegerField(),
    )
    docs = documents(scope).filter(issue_date__gte=months[0].start, issue_date__lte=months[-1].end)
    rows = docs.annotate(bucket=bucket).values("bucket").annotate(total=Sum(signed("net", "kind"))).order_by()
    return {row["bucket"]: row["total"] or ZERO for row in rows}
