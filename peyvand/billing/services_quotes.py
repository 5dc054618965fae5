"""Quotes (pre-invoices): made from a deal in one click, edited while a draft, revised into a new version,
approved when their discount is above the owner's ceiling, sent to the customer, and accepted or sent back with
changes asked for (by the customer through the signed link, or by staff on their behalf).

Statuses: draft → (mark ready / send) → pending_approval when the discount needs a manager → approved → sent →
accepted | changes_requested; revising supersedes a quote (read-only from then on) with version + 1.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from peyvand.accounts.models import Role, User
from peyvand.billing import amounts, documents, lines, pdf, permissions
from peyvand.billing.models import BillingSettings, NumberSequence, Quote, QuoteLine, QuoteStatus
from peyvand.core import events
from peyvand.core.audit import write_audit
from peyvand.core.errors import PeyvandError
from peyvand.core.models import AuditAction
from peyvand.core.records import create_record, field_error, lock_for_update, update_record
from peyvand.core.text import clean_display_text, strip_control
from peyvand.messaging import services as messaging
from peyvand.notifications.services import notify
from peyvand.sales.models import Deal, Stage
from peyvand.sales.services import move_deal_to_stage

NOT_EDITABLE = "quote.not_editable"
WRONG_STATUS = "quote.wrong_status"
EXPIRED = "quote.expired"
NO_EMAIL = "quote.no_email"
PUBLIC_SALT = "billing.quote.public"
MAX_TERMS = 5000
MAX_NAME = 200
MAX_CHANGE_REQUEST = 5000

EDITABLE = (QuoteStatus.DRAFT, QuoteStatus.PENDING_APPROVAL, QuoteStatus.APPROVED)
ANSWERABLE = (QuoteStatus.SENT, QuoteStatus.CHANGES_REQUESTED)
FINAL = (QuoteStatus.SUPERSEDED, QuoteStatus.ACCEPTED, QuoteStatus.DECLINED, QuoteStatus.INVOICED)


# ── the public link ─────────────────────────────────────────────────────────────────────────────────────────────


def public_token(quote: Quote) -> str:
    """The signed token of the quote's public page: its id and revision, so a superseded revision's link no longer
    opens it (the newer revision has a token of its own)."""
    return signing.dumps({"q": quote.pk, "v": quote.version_number}, salt=PUBLIC_SALT)


def quote_for_token(token: str) -> Quote | None:
    """The quote a token was made for, or None for a bad signature, a quote that no longer exists, or a revision
    that has been superseded."""
    try:
        data = signing.loads(token, salt=PUBLIC_SALT)
        pk, version = int(data["q"]), int(data["v"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    quote = (
        Quote.objects.filter(pk=pk, version_number=version)
        .select_related("company", "contact", "owner", "deal")
        .first()
    )
    return quote


def public_url(quote: Quote) -> str:
    return settings.PEYVAND_SITE_URL.rstrip("/") + reverse("quote-public", args=[public_token(quote)])


# ── numbering and pricing ───────────────────────────────────────────────────────────────────────────────────────


def _next_number(billing: BillingSettings, day: dt.date) -> str:
    """The next quote number of the fiscal year: the prefix, the year and a counter. Quotes need not be gap-free;
    the counter row is locked so two quotes never share a number."""
    year = documents.fiscal_year(day, billing.fiscal_calendar)
    sequence, _created = NumberSequence.objects.select_for_update().get_or_create(
        kind="quote", fiscal_year=year
    )
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{billing.quote_prefix}{year}-{sequence.last:04d}"


def _price(quote: Quote) -> amounts.DocumentTotals:
    """Re-price the quote's stored lines with its document discount and store its totals."""
    quote_lines = list(quote.lines.order_by("position", "id"))
    totals = documents.price_lines(
        quote_lines, currency=quote.currency, discount_percent=quote.discount_percent
    )
    QuoteLine.objects.bulk_update(quote_lines, ["gross", "discount", "net", "tax", "total"])
    documents.apply_totals(quote, totals)
    return totals


def discount_share(quote: Quote) -> Decimal:
    return amounts.discount_share(
        amounts.DocumentTotals(
            gross=quote.gross, discount=quote.discount, net=quote.net, tax=quote.tax, total=quote.total
        )
    )


def needs_approval(quote: Quote, billing: BillingSettings | None = None) -> bool:
    """Whether the quote's discount is above what its owner may give alone."""
    billing = billing or BillingSettings.current()
    ceiling = permissions.discount_ceiling(quote.owner, billing)
    return ceiling is not None and discount_share(quote) > ceiling


def _discount(value: Any, field: str = "discount_percent") -> Decimal:
    try:
        number = Decimal(str(value if value not in (None, "") else 0).replace("٫", "."))
    except ArithmeticError:
        number = Decimal("-1")
    if isinstance(value, bool) or not number.is_finite() or not 0 <= number <= 100:
        raise field_error(field, _("Enter a discount from 0 to 100."))
    return number


def _accept_stage(deal: Deal | None, value: Any) -> Stage | None:
    if value in (None, ""):
        return None
    pk = value.pk if isinstance(value, Stage) else value
    stage = Stage.objects.filter(pk=pk).first() if isinstance(pk, int) or str(pk).isdigit() else None
    if stage is None or deal is None or stage.pipeline_id != deal.pipeline_id:
        raise field_error("accept_stage", _("Choose a stage of the deal's pipeline."))
    return stage


def _clean(values: dict[str, Any], quote: Quote | None, deal: Deal | None) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    if "terms" in values:
        terms = strip_control(str(values["terms"] or "")).strip()
        if len(terms) > MAX_TERMS:
            raise field_error(
                "terms", _("Terms may be at most %(max)s characters long.") % {"max": MAX_TERMS}
            )
        cleaned["terms"] = terms
    if "discount_percent" in values:
        cleaned["discount_percent"] = _discount(values["discount_percent"])
    if values.get("valid_until") not in (None, ""):
        valid_until = values["valid_until"]
        if isinstance(valid_until, str):
            try:
                valid_until = dt.date.fromisoformat(valid_until)
            except ValueError:
                raise field_error("valid_until", _("Enter a date such as 2025-11-25.")) from None
        issue_date = quote.issue_date if quote else timezone.localdate()
        if valid_until < issue_date:
            raise field_error("valid_until", _("A quote cannot expire before the day it is made."))
        cleaned["valid_until"] = valid_until
    if "accept_stage" in values:
        cleaned["accept_stage"] = _accept_stage(deal, values["accept_stage"])
    if values.get("owner") not in (None, ""):
        cleaned["owner"] = values["owner"]
    return cleaned


# ── making and editing ──────────────────────────────────────────────────────────────────────────────────────────


@transaction.atomic
def create_quote_from_deal(*, actor, deal: Deal, values: dict[str, Any] | None = None) -> Quote:
    """A draft quote of the deal (one the actor sees): its customer, currency and product lines (at the prices
    they carry), the next number, valid for the settings' days, with the settings' terms."""
    values = dict(values or {})
    billing = BillingSettings.current()
    today = timezone.localdate()
    deal_lines = lines.deal_lines(deal)
    if not deal_lines:
        raise PeyvandError(
            "quote.no_lines", _("Add product lines to the deal before making a quote."), field="deal"
        )
    cleaned = _clean(values, None, deal)
    quote = create_record(
        Quote,
        actor=actor,
        values={
            "deal": deal,
            "company": deal.company,
            "contact": deal.contact,
            "currency": deal.currency,
            "number": _next_number(billing, today),
            "issue_date": today,
            "valid_until": today + dt.timedelta(days=billing.quote_valid_days),
            "terms": billing.quote_terms,
            **cleaned,
        },
    )
    _copy_lines(lines.copy_rows(deal_lines), quote)
    _price(quote)
    quote.save()
    return quote


def _copy_lines(rows: list[dict[str, Any]], quote: Quote) -> None:
    built = lines.build_lines(
        QuoteLine,
        rows,
        company=quote.company,
        contact=quote.contact,
        currency=quote.currency,
        day=quote.issue_date,
        quote=quote,
    )
    QuoteLine.objects.bulk_create(built)


def create_quote(*, actor, values: dict[str, Any]) -> Quote:
    """The generic create (``POST /quotes``, the "new quote" form): ``deal`` names a deal the actor sees."""
    values = dict(values)
    deal_value = values.pop("deal", None)
    pk = getattr(deal_value, "pk", deal_value)
    from peyvand.sales.selectors import deals_visible_to

    deal = deals_visible_to(actor).filter(pk=pk).first() if pk not in (None, "") else None
    if deal is None:
        raise field_error("deal", _("Choose a deal you can see."))
    return create_quote_from_deal(actor=actor, deal=deal, values=values)


def _require_editable(quote: Quote) -> None:
    if quote.status not in EDITABLE:
        raise PeyvandError(
            NOT_EDITABLE,
            _("Only a quote not yet sent can be changed; revise it to make a new version."),
            status=409,
        )


@transaction.atomic
def update_quote(*, actor, quote: Quote, version: int | None, values: dict[str, Any]) -> Quote:
    """Change a draft's discount, terms, validity, acceptance stage or owner; a change voids an approval (the
    quote is a draft again)."""
    current = lock_for_update(quote, version)
    _require_editable(current)
    values = dict(values)
    deal_value = values.pop("deal", None)
    if deal_value not in (None, "") and getattr(deal_value, "pk", deal_value) != current.deal_id:
        raise field_error("deal", _("A quote stays with the deal it was made from."))
    cleaned = _clean(values, current, current.deal)
    if "discount_percent" in cleaned:
        current.discount_percent = cleaned["discount_percent"]
        _price(current)
        cleaned.update(gross=current.gross, discount=current.discount, net=current.net)
        cleaned.update(tax=current.tax, total=current.total)
    updated = update_record(current, actor=actor, version=version, values=cleaned)
    return _back_to_draft(updated, actor)


def _back_to_draft(quote: Quote, actor) -> Quote:
    if quote.status in (QuoteStatus.PENDING_APPROVAL, QuoteStatus.APPROVED):
        return update_record(
            quote,
            actor=actor,
            version=quote.version,
            values={"status": QuoteStatus.DRAFT, "approved_by": None},
            note="changed after approval was asked for",
        )
    return quote


@transaction.atomic
def set_quote_lines(*, actor, quote: Quote, rows: list[dict[str, Any]], version: int | None = None) -> Quote:
    """Replace a draft's lines (priced for its customer today) and its totals."""
    current = lock_for_update(quote, quote.version if version is None else version)
    _require_editable(current)
    cleaned = lines.read_lines(rows)
    if not cleaned:
        raise field_error("lines", _("A quote needs at least one line."))
    before = [f"{line.description} × {line.quantity.normalize():f}" for line in current.lines.all()]
    QuoteLine.objects.filter(quote=current).delete()
    _copy_lines(cleaned, current)
    totals = _price(current)
    after = [f"{line.description} × {line.quantity.normalize():f}" for line in current.lines.all()]
    updated = update_record(
        current,
        actor=actor,
        version=current.version,
        values={
            "gross": totals.gross,
            "discount": totals.discount,
            "net": totals.net,
            "tax": totals.tax,
            "total": totals.total,
        },
        note="lines changed" if before != after else "",
    )
    if before != after:
        write_audit(
            instance=updated, actor=actor, action=AuditAction.UPDATE, changes={"products": [before, after]}
        )
    return _back_to_draft(updated, actor)


@transaction.atomic
def revise_quote(*, actor, quote: Quote) -> Quote:
    """A new version of the quote (same number, version + 1, ``previous`` set) with its lines, discount, terms and
    stage; the quote revised is superseded and stays as it was, read-only, its public link no longer opening."""
    current = Quote.objects.select_for_update().get(pk=quote.pk)
    if current.status in FINAL:
        raise PeyvandError(WRONG_STATUS, _("This quote can no longer be revised."), status=409)
    today = timezone.localdate()
    billing = BillingSettings.current()
    revision = create_record(
        Quote,
        actor=actor,
        values={
            "owner": current.owner,
            "deal": current.deal,
            "company": current.company,
            "contact": current.contact,
            "currency": current.currency,
            "price_list": current.price_list,
            "number": current.number,
            "version_number": current.version_number + 1,
            "previous": current,
            "issue_date": today,
            "valid_until": max(current.valid_until, today + dt.timedelta(days=billing.quote_valid_days)),
            "terms": current.terms,
            "discount_percent": current.discount_percent,
            "accept_stage": current.accept_stage,
        },
        note=f"revision of {current}",
    )
    _copy_lines(lines.copy_rows(current.lines.order_by("position", "id")), revision)
    _price(revision)
    revision.save()
    update_record(current, actor=actor, version=current.version, values={"status": QuoteStatus.SUPERSEDED})
    return revision


# ── approval and sending ────────────────────────────────────────────────────────────────────────────────────────


def _approvers(quote: Quote):
    return User.objects.filter(is_active=True).filter(
        Q(role=Role.ADMIN) | Q(is_superuser=True) | Q(role=Role.SALES_MANAGER, team_id=quote.team_id)
    )


def _ask_approval(quote: Quote, actor, billing: BillingSettings) -> Quote:
    share = discount_share(quote)
    quote = update_record(
        quote,
        actor=actor,
        version=quote.version,
        values={"status": QuoteStatus.PENDING_APPROVAL, "approved_by": None},
        note=f"discount {share}% is above the owner's ceiling",
    )
    notify(
        recipients=_approvers(quote).exclude(pk=getattr(actor, "pk", None)),
        kind="quote_approval",
        title=gettext_noop("Quote %(number)s waits for your approval: a discount of %(share)s%%"),
        params={"number": str(quote), "share": str(share)},
        url=reverse("quotes:detail", args=[quote.pk]),
        key=f"quote-approval-{quote.pk}-{quote.version}",
    )
    return quote


@transaction.atomic
def mark_quote_ready(*, actor, quote: Quote) -> Quote:
    """A draft is ready to send: approved at once when its discount is within the owner's ceiling, else waiting
    for a manager of its team (or an administrator), who is notified."""
    current = Quote.objects.select_for_update().get(pk=quote.pk)
    if current.status not in (QuoteStatus.DRAFT,):
        raise PeyvandError(WRONG_STATUS, _("Only a draft can be marked ready."), status=409)
    billing = BillingSettings.current()
    if needs_approval(current, billing):
        return _ask_approval(current, actor, billing)
    return update_record(
        current, actor=actor, version=current.version, values={"status": QuoteStatus.APPROVED}
    )


@transaction.atomic
def approve_quote(*, actor, quote: Quote) -> Quote:
    """A manager of the quote's team within their own ceiling, or an administrator, approves its discount."""
    current = Quote.objects.select_for_update().get(pk=quote.pk)
    if current.status != QuoteStatus.PENDING_APPROVAL:
        raise PeyvandError(WRONG_STATUS, _("This quote is not waiting for approval."), status=409)
    billing = BillingSettings.current()
    if not permissions.can_approve_discount(actor, current, billing, discount_share(current)):
        raise PeyvandError(
            permissions.APPROVAL_FORBIDDEN,
            _(
                "Only a manager of the quote's team within their own ceiling, or an administrator, may approve it."
            ),
            status=403,
        )
    approved = update_record(
        current,
        actor=actor,
        version=current.version,
        values={"status": QuoteStatus.APPROVED, "approved_by": actor},
        note=f"discount {discount_share(current)}% approved",
    )
    notify(
        recipients=[approved.owner] if approved.owner_id != actor.pk else [],
        kind="quote_approved",
        title=gettext_noop("Quote %(number)s is approved; you may send it"),
        params={"number": str(approved)},
        url=reverse("quotes:detail", args=[approved.pk]),
        key=f"quote-approved-{approved.pk}-{approved.version}",
    )
    return approved


def recipient_of(quote: Quote) -> str:
    """The e-mail address the quote goes to: its contact's first, else its company's."""
    for party in (quote.contact, quote.company):
        emails = [e for e in (getattr(party, "emails", None) or []) if e]
        if emails:
            return emails[0]
    return ""


@transaction.atomic
def send_quote(*, actor, quote: Quote) -> Quote:
    """E-mail the customer the quote's signed link and mark it sent. A draft whose discount needs approval goes
    to a manager instead (nothing is sent); a quote waiting for approval is not sent."""
    current = Quote.objects.select_for_update().get(pk=quote.pk)
    if current.status in FINAL:
        raise PeyvandError(WRONG_STATUS, _("This quote can no longer be sent."), status=409)
    billing = BillingSettings.current()
    if current.status == QuoteStatus.DRAFT and needs_approval(current, billing):
        return _ask_approval(current, actor, billing)
    if current.status == QuoteStatus.PENDING_APPROVAL:
        raise PeyvandError(
            WRONG_STATUS, _("This quote waits for a manager's approval of its discount."), status=409
        )
    to = recipient_of(current)
    if not to:
        raise PeyvandError(
            NO_EMAIL,
            _("The quote's contact has no e-mail address; add one first."),
            field="contact",
            status=422,
        )
    subject = _("Quote %(number)s from %(seller)s") % {
        "number": str(current),
        "seller": billing.seller_name or settings.PEYVAND_SITE_URL,
    }
    body = _(
        "Hello,\n\nYour quote %(number)s is ready. See it, accept it or ask for changes here:\n%(url)s\n\n"
        "It is valid until %(valid_until)s."
    ) % {"number": str(current), "url": public_url(current), "valid_until": current.valid_until.isoformat()}
    # The PDF is kept among the quote's files (what was sent stays on the record) and the outbox row refers to it.
    printed = pdf.attach_pdf(current, actor=actor)
    try:
        messaging.send(
            channel="email",
            to=to,
            subject=subject,
            body=body,
            record_type="quote",
            record_id=current.pk,
            source="quote",
            attachments=[
                {"name": printed.name, "content_type": "application/pdf", "path": printed.file.name}
            ],
        )
    except Exception:
        # the file's row rolls back with this transaction; its bytes in the storage would not
        printed.file.storage.delete(printed.file.name)
        raise
    return update_record(
        current,
        actor=actor,
        version=current.version,
        values={"status": QuoteStatus.SENT, "sent_at": timezone.now()},
        note=f"sent to {to}",
    )


# ── the customer's answer ───────────────────────────────────────────────────────────────────────────────────────


def _require_answerable(quote: Quote) -> None:
    if quote.status not in ANSWERABLE:
        raise PeyvandError(WRONG_STATUS, _("This quote cannot be answered now."), status=409)
    if quote.valid_until < timezone.localdate():
        raise PeyvandError(EXPIRED, _("This quote has expired; ask for a new one."), status=409)


@transaction.atomic
def accept_quote(*, actor, quote: Quote, name: str, address: str | None) -> Quote:
    """The customer accepts (``actor`` None: through the public link; else staff recording it for them): their
    name, the time and the address are kept. The deal moves to the quote's acceptance stage, as its owner would
    move it; when the stage's exit criteria refuse, the acceptance stands and the owner is told."""
    current = Quote.objects.select_for_update().get(pk=quote.pk)
    _require_answerable(current)
    name = clean_display_text(name or "")[:MAX_NAME]
    if not name:
        raise field_error("name", _("Type your name to accept the quote."))
    accepted = update_record(
        current,
        actor=actor,
        version=current.version,
        values={
            "status": QuoteStatus.ACCEPTED,
            "responder_name": name,
            "responded_at": timezone.now(),
            "responder_address": address or None,
        },
        note="accepted through the public link" if actor is None else "acceptance recorded by staff",
    )
    moved = _move_deal(accepted)
    events.emit(events.quote_accepted, Quote, quote=accepted, actor=actor)
    notify(
        recipients=[accepted.owner],
        kind="quote_accepted",
        title=gettext_noop("Quote %(number)s was accepted by %(name)s")
        if moved is not False
        else gettext_noop("Quote %(number)s was accepted by %(name)s; the deal could not move to its stage"),
        params={"number": str(accepted), "name": name},
        url=reverse("quotes:detail", args=[accepted.pk]),
        key=f"quote-accepted-{accepted.pk}",
    )
    return accepted


def _move_deal(quote: Quote) -> bool | None:
    """Move the deal to the acceptance stage as its owner; False when the move is refused (None: nothing to do)."""
    stage, deal = quote.accept_stage, quote.deal
    if stage is None or deal is None or deal.stage_id == stage.pk:
        return None
    try:
        with transaction.atomic():
            move_deal_to_stage(actor=quote.owner, deal=deal, stage=stage, version=deal.version)
    except PeyvandError:
        return False
    return True


@transaction.atomic
def request_quote_changes(
    *, actor, quote: Quote, text: str, name: str = "", address: str | None = None
) -> Quote:
    """The customer asks for changes (a text); the owner is told and revises the quote."""
    current = Quote.objects.select_for_update().get(pk=quote.pk)
    _require_answerable(current)
    text = strip_control(str(text or "")).strip()[:MAX_CHANGE_REQUEST]
    if not text:
        raise field_error("text", _("Say what should change."))
    answered = update_record(
        current,
        actor=actor,
        version=current.version,
        values={
            "status": QuoteStatus.CHANGES_REQUESTED,
            "change_request": text,
            "responder_name": clean_display_text(name or "")[:MAX_NAME],
            "responded_at": timezone.now(),
            "responder_address": address or None,
        },
    )
    events.emit(events.quote_changes_requested, Quote, quote=answered, actor=actor)
    notify(
        recipients=[answered.owner],
        kind="quote_changes",
        title=gettext_noop("Changes were asked for on quote %(number)s"),
        params={"number": str(answered)},
        url=reverse("quotes:detail", args=[answered.pk]),
        key=f"quote-changes-{answered.pk}-{answered.version}",
    )
    return answered


def check_answerable(quote: Quote) -> bool:
    """Whether the quote's public page offers accept and "ask for changes"."""
    try:
        _require_answerable(quote)
    except PeyvandError:
        return False
    return True
