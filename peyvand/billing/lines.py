"""Product lines of a deal and of a quote: reading what people send (product, quantity, discount), pricing it for
the document's customer on the day, and a deal's amount following its lines.

A line's unit price comes from ``pricing.unit_price`` (the customer's price lists, quantity breaks), its tax from
``pricing.tax_percent`` (the levies of the product's class that day, none for an exempt customer), and every
amount from ``documents.price_lines``. When a deal has lines its amount is their net total, changed through
sales' own ``update_deal`` so the deal's audit trail and events say so.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peyvand.billing import amounts, documents, pricing
from peyvand.billing.models import DealLine, DocumentLine, Product
from peyvand.core.audit import write_audit
from peyvand.core.errors import PeyvandError, ValidationFailed
from peyvand.core.models import AuditAction
from peyvand.core.records import lock_for_update
from peyvand.core.text import clean_display_text
from peyvand.sales.models import Deal
from peyvand.sales.services import update_deal

L = TypeVar("L", bound=DocumentLine)

MAX_LINES = 200
MAX_QUANTITY = Decimal("99999999999")
MAX_DESCRIPTION = 300


def products_to_offer(search: str = "", *, limit: int = 20):
    """Active products whose code or name holds ``search`` (the lines' product picker; every member of staff sees
    the catalogue)."""
    queryset = Product.objects.filter(active=True).select_related("tax_class")
    text = clean_display_text(search or "")
    if text:
        from django.db.models import Q

        queryset = queryset.filter(
            Q(code__icontains=text) | Q(name__icontains=text) | Q(name_en__icontains=text)
        )
    return queryset.order_by("code", "id")[:limit]


def _decimal(value: Any, field: str, *, low: Decimal, high: Decimal, message) -> Decimal:
    if isinstance(value, bool):
        raise ValidationFailed([{"field": field, "message": message}])
    try:
        number = Decimal(str(value).strip().replace("٫", ".")) if value not in (None, "") else None
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite() or not low <= number <= high:
        raise ValidationFailed([{"field": field, "message": message}])
    return number


def read_lines(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The lines people sent, each ``{product, quantity, discount_percent?, description?}``, checked: an active
    product, a positive quantity, a discount from 0 to 100 (or none: the customer's tier discount). Errors name the row (``lines.2.quantity``)."""
    if not isinstance(rows, list):
        raise ValidationFailed([{"field": "lines", "message": _("Send a list of lines.")}])
    if len(rows) > MAX_LINES:
        raise ValidationFailed(
            [{"field": "lines", "message": _("A document has at most %(max)s lines.") % {"max": MAX_LINES}}]
        )
    pks = [row.get("product") for row in rows if isinstance(row, dict)]
    products = {
        p.pk: p
        for p in Product.objects.filter(
            pk__in=[pk for pk in pks if isinstance(pk, int) and not isinstance(pk, bool)]
        ).select_related("tax_class")
    }
    errors, cleaned = [], []
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            errors.append({"field": f"lines.{i}", "message": _("Send each line as an object.")})
            continue
        product = products.get(row.get("product"))
        if product is None or not product.active:
            errors.append({"field": f"lines.{i}.product", "message": _("Choose an active product.")})
        try:
            quantity = _decimal(
                row.get("quantity", 1),
                f"lines.{i}.quantity",
                low=Decimal("0.001"),
                high=MAX_QUANTITY,
                message=_("Enter a quantity above zero."),
            )
            # No discount given: the customer's tier gives its standing discount (build_lines).
            raw_discount = row.get("discount_percent")
            discount = (
                None
                if raw_discount in (None, "")
                else _decimal(
                    raw_discount,
                    f"lines.{i}.discount_percent",
                    low=Decimal("0"),
                    high=Decimal("100"),
                    message=_("Enter a discount from 0 to 100."),
                )
            )
        except ValidationFailed as exc:
            errors += exc.errors
            continue
        description = clean_display_text(row.get("description") or "")[:MAX_DESCRIPTION]
        cleaned.append(
            {
                "product": product,
                "quantity": quantity,
                "discount_percent": discount,
                "description": description,
            }
        )
    if errors:
        raise ValidationFailed(errors)
    return cleaned


def build_lines(
    model: type[L],
    rows: list[dict[str, Any]],
    *,
    company,
    contact,
    currency: str,
    day: dt.date,
    **parent,
) -> list[L]:
    """Unsaved lines of ``model`` priced for the customer on the day (a row's own ``unit_price`` is kept: a
    copied line keeps the price it was offered at)."""
    customer = pricing.customer_of(company=company, contact=contact)
    lines = []
    for position, row in enumerate(rows):
        product = row["product"]
        unit_price = row.get("unit_price")
        if unit_price is None:
            unit_price, _list = pricing.unit_price(
                product, customer=customer, quantity=row["quantity"], day=day, currency=currency
            )
        tax = row.get("tax_percent")
        if tax is None:
            tax = pricing.tax_percent(product, day=day, exempt=customer.tax_exempt)
        lines.append(
            model(
                position=position,
                product=product,
                description=row.get("description") or _product_name(product),
                quantity=row["quantity"],
                unit=product.unit if product else "",
                unit_price=unit_price,
                discount_percent=pricing.tier_discount(customer)
                if row.get("discount_percent") is None
                else row["discount_percent"],
                tax_percent=tax,
                **parent,
            )
        )
    return lines


def _product_name(product: Product | None) -> str:
    if product is None:
        return ""
    return f"{product.code} — {product.name}"[:MAX_DESCRIPTION]


def copy_rows(lines) -> list[dict[str, Any]]:
    """Rows that build the same lines again (a quote from a deal, a revision): prices and tax as they were."""
    return [
        {
            "product": line.product,
            "quantity": line.quantity,
            "discount_percent": line.discount_percent,
            "description": line.description,
            "unit_price": line.unit_price,
            "tax_percent": line.tax_percent,
        }
        for line in lines
    ]


def deal_lines(deal: Deal) -> list[DealLine]:
    return list(DealLine.objects.filter(deal=deal).select_related("product").order_by("position", "id"))


def totals_of(lines, *, currency: str, discount_percent: Decimal = amounts.ZERO) -> amounts.DocumentTotals:
    """A document's totals from its stored lines (what the lines' amounts add up to)."""
    return amounts.DocumentTotals(
        gross=sum((line.gross for line in lines), amounts.ZERO),
        discount=sum((line.discount for line in lines), amounts.ZERO),
        net=sum((line.net for line in lines), amounts.ZERO),
        tax=sum((line.tax for line in lines), amounts.ZERO),
        total=sum((line.total for line in lines), amounts.ZERO),
    )


def _summary(lines) -> list[str]:
    return [f"{line.description} × {line.quantity.normalize():f}" for line in lines]


@transaction.atomic
def set_deal_lines(*, actor, deal: Deal, rows: list[dict[str, Any]], version: int | None = None) -> Deal:
    """Replace a deal's product lines (``rows`` as ``read_lines`` takes them) and make its amount their net total.

    Whoever may change the deal may change its lines (the deal is one the caller found among those they see);
    the deal row is locked, so two people's edits come one after the other. ``version``, when given, must be the
    deal's current one. An empty list removes the lines and leaves the amount as it was.
    """
    current = lock_for_update(deal, deal.version if version is None else version)
    if current.deleted_at is not None:
        raise PeyvandError("record.deleted", _("This record is deleted; restore it first."), status=409)
    cleaned = read_lines(rows)
    before = deal_lines(current)
    lines = build_lines(
        DealLine,
        cleaned,
        company=current.company,
        contact=current.contact,
        currency=current.currency,
        day=timezone.localdate(),
        deal=current,
    )
    totals = documents.price_lines(lines, currency=current.currency)
    DealLine.objects.filter(deal=current).delete()
    DealLine.objects.bulk_create(lines)
    if _summary(before) != _summary(lines):
        write_audit(
            instance=current,
            actor=actor,
            action=AuditAction.UPDATE,
            changes={"products": [_summary(before), _summary(lines)]},
        )
    if lines and current.amount != totals.net:
        current = update_deal(
            actor=actor, deal=current, version=current.version, values={"amount": totals.net}
        )
    return current


def change_deal_lines(*, actor, deal: Deal, change) -> Deal:
    """Apply ``change(rows)`` to the deal's lines as rows (add, change or remove one) and save them all again:
    the page's buttons change one line, the service always prices the whole deal."""
    rows = [
        {
            "product": line.product_id,
            "quantity": line.quantity,
            "discount_percent": line.discount_percent,
            "description": line.description,
        }
        for line in deal_lines(deal)
    ]
    return set_deal_lines(actor=actor, deal=deal, rows=change(rows))


def amount_note(model, record, name: str):
    """The deal form's note under the amount: with product lines, the amount is theirs (registry.field_notes)."""
    if model is not Deal or name != "amount" or record is None or not record.pk:
        return None
    if not DealLine.objects.filter(deal_id=record.pk).exists():
        return None
    return _("This deal has product lines: its amount follows their net total, and changes when they change.")
