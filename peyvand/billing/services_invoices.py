"""Invoices and credit notes: drafting, issuing under a gap-free number, crediting, and the one function that keeps
an invoice's paid, credited, balance and status true to its allocations and credit notes.

An issued document is immutable: ``refuse_changes_to_issued`` (a ``pre_save`` receiver connected from
``resources_invoices.register``) refuses any save of an issued row other than the bookkeeping fields
``refresh_invoice`` keeps, whatever path the save comes from (a form, the API, a soft delete).
"""

import datetime as dt
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from peyvand.billing import documents, parties, permissions
from peyvand.billing.amounts import ZERO
from peyvand.billing.models import (
    BillingSettings,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    NumberSequence,
    Product,
    Quote,
    QuoteStatus,
)
from peyvand.billing.tasks import attach_issued_pdf
from peyvand.contacts.models import Company, Contact
from peyvand.core import events
from peyvand.core.audit import write_audit
from peyvand.core.errors import PeyvandError, ValidationFailed
from peyvand.core.models import AuditAction
from peyvand.core.records import create_record, field_error, lock_for_update, resolve_reference, update_record
from peyvand.core.text import clean_display_text
from peyvand.sales.models import Deal

IMMUTABLE = "invoice.immutable"
NOT_ISSUABLE = "invoice.not_issuable"
NOT_CREDITABLE = "invoice.not_creditable"
MAX_LINES = 200
MAX_QUANTITY = Decimal("99999999999")
MAX_AMOUNT = Decimal("999999999999999999")
# What the bookkeeping of an issued invoice may still change; everything else was fixed when it was issued.
BOOKKEEPING_FIELDS = frozenset({"paid", "credited", "balance", "status", "paid_at", "version", "updated_at"})
OPEN_STATUSES = (InvoiceStatus.ISSUED, InvoiceStatus.PARTLY_PAID, InvoiceStatus.OVERDUE)
DRAFT_FIELDS = (
    "company",
    "contact",
    "deal",
    "currency",
    "discount_percent",
    "terms",
    "note",
    "issue_date",
    "due_date",
)


def immutable_error() -> PeyvandError:
    return PeyvandError(
        IMMUTABLE,
        _("An issued invoice cannot be changed or deleted; issue a credit note to correct it."),
        status=409,
    )


def refuse_changes_to_issued(sender, instance: Invoice, update_fields=None, **kwargs) -> None:
    """``pre_save`` of Invoice: an issued row only takes its bookkeeping fields."""
    if instance.pk is None or (update_fields is not None and set(update_fields) <= BOOKKEEPING_FIELDS):
        return
    stored = Invoice.all_objects.filter(pk=instance.pk).values_list("status", flat=True).first()
    if stored not in (None, InvoiceStatus.DRAFT):
        raise immutable_error()


# ── Lines ───────────────────────────────────────────────────────────────────────────────────────────────────────


def _decimal(raw: Any, field: str, *, low: Decimal, high: Decimal, errors: list) -> Decimal:
    try:
        value = Decimal(str(raw).strip() if raw is not None else "0")
    except (InvalidOperation, ValueError):
        value = Decimal("NaN")
    if not value.is_finite() or not low <= value <= high:
        errors.append(
            {
                "field": field,
                "message": _("Enter a number from %(low)s to %(high)s.") % {"low": low, "high": high},
            }
        )
        return ZERO
    return value


def build_lines(rows: Any, *, field: str = "lines") -> list[InvoiceLine]:
    """Unsaved invoice lines from what a form or the API sent; every bad cell is named (``lines.2.quantity``)."""
    if not isinstance(rows, list) or not rows:
        raise field_error(field, _("An invoice needs at least one line."))
    if len(rows) > MAX_LINES:
        raise field_error(field, _("An invoice has at most %(max)s lines.") % {"max": MAX_LINES})
    errors: list[dict[str, Any]] = []
    lines = []
    for i, row in enumerate(rows):
        where = f"{field}.{i}"
        if not isinstance(row, dict):
            errors.append({"field": where, "message": _("Send each line as an object.")})
            continue
        product = None
        if row.get("product") not in (None, ""):
            product = Product.objects.filter(
                pk=row["product"] if str(row["product"]).isdigit() else 0
            ).first()
            if product is None:
                errors.append({"field": f"{where}.product", "message": _("No such product.")})
        description = clean_display_text(row.get("description"))[:300] or (product.name if product else "")
        if not description:
            errors.append({"field": f"{where}.description", "message": _("This field is required.")})
        quantity = _decimal(
            row.get("quantity", 1),
            f"{where}.quantity",
            low=Decimal("0.001"),
            high=MAX_QUANTITY,
            errors=errors,
        )
        unit_price = _decimal(
            row.get("unit_price", product.price if product else 0),
            f"{where}.unit_price",
            low=ZERO,
            high=MAX_AMOUNT,
            errors=errors,
        )
        discount = _decimal(
            row.get("discount_percent", 0),
            f"{where}.discount_percent",
            low=ZERO,
            high=Decimal(100),
            errors=errors,
        )
        tax = _decimal(
            row.get("tax_percent", 0), f"{where}.tax_percent", low=ZERO, high=Decimal(100), errors=errors
        )
        lines.append(
            InvoiceLine(
                position=i,
                product=product,
                description=description,
                quantity=quantity,
                unit=clean_display_text(row.get("unit"))[:30] or (product.unit if product else ""),
                unit_price=unit_price,
                discount_percent=discount,
                tax_percent=tax,
                serial_number=clean_display_text(row.get("serial_number"))[:100],
            )
        )
    if errors:
        raise ValidationFailed(errors)
    return lines


def _save_lines(invoice: Invoice, lines: list[InvoiceLine]) -> None:
    totals = documents.price_lines(
        lines, currency=invoice.currency, discount_percent=invoice.discount_percent
    )
    documents.apply_totals(invoice, totals)
    invoice.balance = invoice.total if invoice.kind == InvoiceKind.INVOICE else ZERO
    invoice.lines.all().delete()
    for line in lines:
        line.invoice = invoice
    InvoiceLine.objects.bulk_create(lines)


def _clean_header(actor, values: dict[str, Any]) -> dict[str, Any]:
    """Resolve the customer and the deal through the actor's visibility; refuse a percent out of range."""
    values = dict(values)
    for name, model in (("company", Company), ("contact", Contact), ("deal", Deal)):
        if name in values:
            values[name] = resolve_reference(model, values[name], actor, name)
    if "discount_percent" in values:
        errors: list[dict[str, Any]] = []
        values["discount_percent"] = _decimal(
            values["discount_percent"], "discount_percent", low=ZERO, high=Decimal(100), errors=errors
        )
        if errors:
            raise ValidationFailed(errors)
    for name in ("terms", "note"):
        if name in values:
            values[name] = str(values[name] or "")[:5000]
    return values


def _require_customer(invoice: Invoice) -> None:
    if invoice.company_id is None and invoice.contact_id is None:
        raise field_error("company", _("Choose the company or the contact the invoice is for."))


# ── Drafts ──────────────────────────────────────────────────────────────────────────────────────────────────────


@transaction.atomic
def create_invoice(*, actor, values: dict[str, Any]) -> Invoice:
    """A draft invoice: no number yet, its lines priced and totalled."""
    values = dict(values)
    lines = build_lines(values.pop("lines", None))
    values.pop("kind", None)
    header = _clean_header(actor, {k: v for k, v in values.items() if k in (*DRAFT_FIELDS, "owner", "quote")})
    if header.get("deal") and not (header.get("company") or header.get("contact")):
        header["company"], header["contact"] = header["deal"].company, header["deal"].contact
    if not (header.get("company") or header.get("contact")):
        raise field_error("company", _("Choose the company or the contact the invoice is for."))
    invoice = create_record(Invoice, actor=actor, values=header)
    _save_lines(invoice, lines)
    invoice.save()
    return invoice


@transaction.atomic
def update_invoice(*, actor, invoice: Invoice, version: int | None, values: dict[str, Any]) -> Invoice:
    """Change a draft's customer, dates, discount, terms or lines; an issued invoice refuses every change."""
    if invoice.status != InvoiceStatus.DRAFT:
        raise immutable_error()
    values = dict(values)
    rows = values.pop("lines", None)
    lines = build_lines(rows) if rows is not None else None
    header = _clean_header(actor, {k: v for k, v in values.items() if k in (*DRAFT_FIELDS, "owner")})
    invoice = update_record(invoice, actor=actor, version=version, values=header)
    if invoice.status != InvoiceStatus.DRAFT:  # issued while the caller was editing
        raise immutable_error()
    _require_customer(invoice)
    if lines is None:
        lines = list(invoice.lines.all())
    before = invoice.total
    _save_lines(invoice, lines)
    invoice.save()
    if rows is not None and before != invoice.total:
        write_audit(
            instance=invoice,
            actor=actor,
            action=AuditAction.UPDATE,
            changes={"total": [str(before), str(invoice.total)]},
        )
    return invoice


# A quote the customer accepted, or one fit to be sent (approved) or sent: not a draft, one waiting for a manager's
# approval of its discount or for the changes the customer asked for, nor one already closed.
INVOICEABLE_QUOTES = (QuoteStatus.ACCEPTED, QuoteStatus.APPROVED, QuoteStatus.SENT)


@transaction.atomic
def invoice_from_quote(*, actor, quote: Quote) -> Invoice:
    """A draft invoice with the quote's customer, deal, discount, terms and lines; the quote becomes invoiced."""
    quote = Quote.objects.select_for_update().get(pk=quote.pk)
    if quote.status not in INVOICEABLE_QUOTES:
        raise PeyvandError(
            "quote.not_invoiceable",
            _(
                "Only an accepted quote, or one approved or sent to the customer, can become an invoice; this "
                "one is a draft, waits for approval or changes, or was already invoiced, revised or declined."
            ),
            status=409,
        )
    invoice = create_record(
        Invoice,
        actor=actor,
        values={
            "company": quote.company,
            "contact": quote.contact,
            "deal": quote.deal,
            "currency": quote.currency,
            "price_list": quote.price_list,
            "discount_percent": quote.discount_percent,
            "terms": quote.terms,
            "quote": quote,
        },
        note=_("From quote %(number)s") % {"number": str(quote)},
    )
    lines = [
        InvoiceLine(
            position=line.position,
            product=line.product,
            description=line.description,
            quantity=line.quantity,
            unit=line.unit,
            unit_price=line.unit_price,
            discount_percent=line.discount_percent,
            tax_percent=line.tax_percent,
        )
        for line in quote.lines.all()
    ]
    _save_lines(invoice, lines)
    invoice.save()
    old = quote.status
    quote.status = QuoteStatus.INVOICED
    quote.version += 1
    quote.save(update_fields=["status", "version", "updated_at"])
    write_audit(
        instance=quote, actor=actor, action=AuditAction.UPDATE, changes={"status": [old, quote.status]}
    )
    return invoice


# ── Issuing ─────────────────────────────────────────────────────────────────────────────────────────────────────


def next_number(kind: str, fiscal_year: int) -> int:
    """The next number of a kind in a fiscal year, taken under the sequence row's lock: two issuers wait for each
    other, and a rolled-back issue gives its number back with its transaction. The row is created race-free (an
    INSERT … ON CONFLICT DO NOTHING) before it is locked."""
    rows = NumberSequence.objects.select_for_update()
    sequence = rows.filter(kind=kind, fiscal_year=fiscal_year).first()
    if sequence is None:  # the year's first number
        NumberSequence.objects.bulk_create(
            [NumberSequence(kind=kind, fiscal_year=fiscal_year, last=0)], ignore_conflicts=True
        )
        sequence = rows.get(kind=kind, fiscal_year=fiscal_year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return sequence.last


def format_number(prefix: str, fiscal_year: int, sequence: int) -> str:
    """INV-1405-00017: the prefix (if any), the fiscal year and the sequence, zero-padded to five digits."""
    return "-".join(part for part in (prefix, str(fiscal_year), f"{sequence:05d}") if part)


def _give_number(invoice: Invoice, settings: BillingSettings) -> None:
    assert invoice.issue_date is not None
    invoice.fiscal_year = documents.fiscal_year(invoice.issue_date, settings.fiscal_calendar)
    invoice.sequence = next_number(invoice.kind, invoice.fiscal_year)
    prefix = settings.invoice_prefix if invoice.kind == InvoiceKind.INVOICE else settings.credit_note_prefix
    invoice.number = format_number(prefix, invoice.fiscal_year, invoice.sequence)
    invoice.issued_at = timezone.now()


def _refuse_issue(actor) -> None:
    if not permissions.can_issue_invoices(actor):
        raise PeyvandError(
            permissions.ISSUE_FORBIDDEN,
            _("Only a sales manager or an administrator can issue invoices."),
            status=403,
        )


@transaction.atomic
def issue_invoice(
    *, actor, invoice: Invoice, version: int | None = None, issue_date: dt.date | None = None
) -> Invoice:
    """Give a draft its number, its seller and buyer as they are today and its due date; from now on it changes
    only through payments and credit notes."""
    _refuse_issue(actor)
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if version is not None and version != invoice.version:
        lock_for_update(invoice, version)  # raises the stale-version error with what changed
    if invoice.status != InvoiceStatus.DRAFT or invoice.kind != InvoiceKind.INVOICE:
        raise PeyvandError(NOT_ISSUABLE, _("Only a draft invoice can be issued."), status=409)
    _require_customer(invoice)
    if not invoice.lines.exists() or invoice.total <= 0:
        raise field_error("lines", _("An invoice needs lines with a total above zero before it is issued."))
    settings = BillingSettings.current()
    profile = parties.profile_of(invoice.customer)
    invoice.issue_date = issue_date or invoice.issue_date or timezone.localdate()
    terms = profile.payment_terms_days if profile and profile.payment_terms_days is not None else None
    if invoice.due_date is None or invoice.due_date < invoice.issue_date:
        days = terms if terms is not None else settings.payment_terms_days
        invoice.due_date = invoice.issue_date + dt.timedelta(days=days)
    # The same shape pdf.py and the tax export read (parties.py), so an issued invoice prints what it stored.
    invoice.seller = parties.seller_party(settings)
    invoice.buyer = parties.buyer_party(invoice.customer)
    invoice.paid = invoice.credited = ZERO
    invoice.balance = invoice.total
    invoice.version += 1
    invoice.save()  # still a draft: everything but the number is written before the sequence is locked
    # The number last: its row lock is held until the commit, so every other issuer of the year waits for as
    # little as possible (one UPDATE of the sequence, one of the invoice, the audit row, the commit).
    _give_number(invoice, settings)
    invoice.status = InvoiceStatus.ISSUED
    invoice.save(update_fields=["fiscal_year", "sequence", "number", "issued_at", "status", "updated_at"])
    write_audit(
        instance=invoice,
        actor=actor,
        action=AuditAction.UPDATE,
        changes={"status": [InvoiceStatus.DRAFT, InvoiceStatus.ISSUED], "number": ["", invoice.number]},
    )
    events.emit(events.invoice_issued, Invoice, invoice=invoice, actor=actor)
    _store_pdf_after_commit(invoice, actor)
    return invoice


def _store_pdf_after_commit(invoice: Invoice, actor) -> None:
    """The PDF is stored after the issue commits, by a background job: rendering takes far longer than issuing and
    must not hold the number sequence's lock, a rendering failure must not roll back an issued number, and
    ``attach_file`` writes its bytes to storage, which a rolled-back transaction would not take back. ``robust``:
    a job that cannot even be queued is logged, never raised to the issuer."""
    transaction.on_commit(
        partial(attach_issued_pdf.enqueue, invoice_id=invoice.pk, actor_id=actor.pk), robust=True
    )


# ── Credit notes ────────────────────────────────────────────────────────────────────────────────────────────────


def _credit_lines(invoice: Invoice, rows: Any) -> list[InvoiceLine]:
    """Lines of a credit note: each names a line of the invoice and how much of it is given back."""
    if not isinstance(rows, list) or not rows:
        raise field_error("lines", _("Choose the lines to credit, or credit the whole invoice."))
    originals: dict[Any, InvoiceLine] = {line.pk: line for line in invoice.lines.all()}
    errors: list[dict[str, Any]] = []
    lines = []
    for i, row in enumerate(rows):
        original = originals.get(row.get("line")) if isinstance(row, dict) else None
        if original is None:
            errors.append({"field": f"lines.{i}.line", "message": _("Choose a line of this invoice.")})
            continue
        quantity = _decimal(
            row.get("quantity", original.quantity),
            f"lines.{i}.quantity",
            low=Decimal("0.001"),
            high=original.quantity,
            errors=errors,
        )
        lines.append(_copy_line(original, i, quantity))
    if errors:
        raise ValidationFailed(errors)
    return lines


def _copy_line(original: InvoiceLine, position: int, quantity: Decimal) -> InvoiceLine:
    return InvoiceLine(
        position=position,
        product=original.product,
        description=original.description,
        quantity=quantity,
        unit=original.unit,
        unit_price=original.unit_price,
        discount_percent=original.discount_percent,
        tax_percent=original.tax_percent,
        serial_number=original.serial_number,
    )


@transaction.atomic
def credit_invoice(
    *, actor, invoice: Invoice, lines: Any = None, full: bool = False, note: str = ""
) -> Invoice:
    """Issue a credit note for some lines of an issued invoice (``lines``: ``[{"line": id, "quantity": q}]``) or
    for all of it (``full``, which cancels the invoice). A credit note takes its own gap-free number and never
    gives back more than the invoice still owes."""
    _refuse_issue(actor)
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.kind != InvoiceKind.INVOICE or invoice.status in (
        InvoiceStatus.DRAFT,
        InvoiceStatus.CANCELLED,
    ):
        raise PeyvandError(
            NOT_CREDITABLE, _("Only an issued invoice that is not cancelled can be credited."), status=409
        )
    if full:
        if invoice.paid or invoice.credited:
            raise PeyvandError(
                NOT_CREDITABLE,
                _("This invoice has payments or credit notes; credit the lines still owed instead."),
                status=409,
            )
        new_lines = [_copy_line(line, i, line.quantity) for i, line in enumerate(invoice.lines.all())]
    else:
        new_lines = _credit_lines(invoice, lines)
    note_text = clean_display_text(note)[:500]
    credit = Invoice(
        owner=actor,
        team_id=actor.team_id,
        kind=InvoiceKind.CREDIT_NOTE,
        credits=invoice,
        company=invoice.company,
        contact=invoice.contact,
        deal=invoice.deal,
        currency=invoice.currency,
        discount_percent=invoice.discount_percent,
        terms=invoice.terms,
        note=note_text,
        search_text=invoice.search_text,
    )
    credit.save()
    _save_lines(credit, new_lines)
    if credit.total > invoice.balance:
        raise field_error(
            "lines",
            _("A credit note may give back at most what the invoice still owes (%(balance)s).")
            % {"balance": invoice.balance},
        )
    if credit.total <= 0:
        raise field_error("lines", _("A credit note needs a total above zero."))
    settings = BillingSettings.current()
    credit.issue_date = timezone.localdate()
    credit.due_date = credit.issue_date
    _give_number(credit, settings)
    credit.seller, credit.buyer = invoice.seller, invoice.buyer
    credit.status = InvoiceStatus.ISSUED
    credit.save()
    write_audit(
        instance=credit,
        actor=actor,
        action=AuditAction.CREATE,
        changes={"number": [None, credit.number], "total": [None, str(credit.total)]},
        note=_("Credits invoice %(number)s") % {"number": invoice.number},
    )
    refresh_invoice(invoice, actor=actor, cancel=full)
    events.emit(events.record_created, Invoice, instance=credit, actor=actor)
    _store_pdf_after_commit(credit, actor)
    return credit


# ── Bookkeeping ─────────────────────────────────────────────────────────────────────────────────────────────────


def status_for(invoice: Invoice, *, cancel: bool = False) -> str:
    """The status an issued invoice's figures give it. Overdue is set by the periodic job and kept while anything
    is owed; a credit note that gives back the whole invoice cancels it."""
    if invoice.status == InvoiceStatus.DRAFT:
        return InvoiceStatus.DRAFT
    if (
        cancel
        or invoice.status == InvoiceStatus.CANCELLED
        or (invoice.credited and invoice.credited >= invoice.total)
    ):
        return InvoiceStatus.CANCELLED
    if invoice.balance <= 0:
        return InvoiceStatus.PAID
    if invoice.status == InvoiceStatus.OVERDUE:
        return InvoiceStatus.OVERDUE
    return InvoiceStatus.PARTLY_PAID if invoice.paid else InvoiceStatus.ISSUED


def refresh_invoice(invoice: Invoice, *, actor=None, cancel: bool = False) -> Invoice:
    """Recompute paid, credited, balance and status from the invoice's allocations and issued credit notes, write
    what changed to the audit trail and announce an invoice that has just been paid. Call it inside the
    transaction that changed them."""
    invoice = Invoice.all_objects.select_for_update().get(pk=invoice.pk)
    if invoice.kind != InvoiceKind.INVOICE or invoice.status == InvoiceStatus.DRAFT:
        return invoice
    before = {name: getattr(invoice, name) for name in ("paid", "credited", "balance", "status")}
    invoice.paid = invoice.allocations.aggregate(s=Sum("amount"))["s"] or ZERO
    invoice.credited = (
        Invoice.all_objects.filter(credits=invoice, kind=InvoiceKind.CREDIT_NOTE)
        .exclude(status=InvoiceStatus.DRAFT)
        .aggregate(s=Sum("total"))["s"]
        or ZERO
    )
    invoice.balance = invoice.total - invoice.paid - invoice.credited
    invoice.status = status_for(invoice, cancel=cancel)
    if invoice.status == InvoiceStatus.PAID and invoice.paid_at is None:
        invoice.paid_at = timezone.now()
    elif invoice.status != InvoiceStatus.PAID:
        invoice.paid_at = None
    changes = {
        name: [str(old), str(getattr(invoice, name))]
        for name, old in before.items()
        if old != getattr(invoice, name)
    }
    if not changes:
        return invoice
    invoice.version += 1
    invoice.save(update_fields=["paid", "credited", "balance", "status", "paid_at", "version", "updated_at"])
    write_audit(instance=invoice, actor=actor, action=AuditAction.UPDATE, changes=changes)
    if invoice.status == InvoiceStatus.PAID and before["status"] != InvoiceStatus.PAID:
        events.emit(events.invoice_paid, Invoice, invoice=invoice, actor=actor)
    return invoice


@transaction.atomic
def mark_overdue(*, invoice: Invoice, today: dt.date) -> bool:
    """Mark an issued or partly paid invoice past its due date overdue; True when it just became so (the caller
    then knows the ``invoice_overdue`` event went out once)."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.status not in (InvoiceStatus.ISSUED, InvoiceStatus.PARTLY_PAID) or not invoice.due_date:
        return False
    if invoice.due_date >= today or invoice.balance <= 0:
        return False
    old = invoice.status
    invoice.status = InvoiceStatus.OVERDUE
    invoice.version += 1
    invoice.save(update_fields=["status", "version", "updated_at"])
    write_audit(
        instance=invoice, actor=None, action=AuditAction.UPDATE, changes={"status": [old, invoice.status]}
    )
    events.emit(events.invoice_overdue, Invoice, invoice=invoice, actor=None)
    return True
