"""Writes behind the customer metrics: spend, survey answers (one by one or from a CSV file) and key accounts.

Who may write: spend, an administrator any and a sales manager their own team's; survey answers, anyone, for
contacts they may see, owned by themselves; a key account's potential, an administrator, the company's owner or
the manager of its team. Every write is audited.
"""

import csv
import datetime as dt
import io
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peyvand.accounts.models import Team
from peyvand.analytics import permissions
from peyvand.analytics.models import KeyAccount, Spend, SurveyResponse
from peyvand.contacts.models import Company, Contact
from peyvand.core.audit import diff, snapshot, write_audit
from peyvand.core.choices import Channel
from peyvand.core.errors import PeyvandError, StaleVersion, ValidationFailed
from peyvand.core.jalali import DateOutOfRange, check_in_range, in_range, out_of_range_message, parse_date
from peyvand.core.models import AuditAction
from peyvand.core.text import to_ascii_digits
from peyvand.targets import periods
from peyvand.targets.services import MAX_AMOUNT, clean_amount

MAX_IMPORT_ROWS = 10_000
CHANNELS = {value for value, _label in Channel.choices}


def _created(instance, actor) -> None:
    changes = {k: [None, v] for k, v in snapshot(instance).items() if v not in (None, "", [], {})}
    write_audit(instance=instance, actor=actor, action=AuditAction.CREATE, changes=changes)


def _save_changes(instance, *, actor, values: dict[str, Any]):
    before = snapshot(instance)
    for name, value in values.items():
        setattr(instance, name, value)
    changes = diff(before, snapshot(instance))
    if changes:
        if hasattr(instance, "version"):
            instance.version += 1
        instance.save()
        write_audit(instance=instance, actor=actor, action=AuditAction.UPDATE, changes=changes)
    return instance


# --- spend ----------------------------------------------------------------------------------------------------


def _spend_forbidden() -> PeyvandError:
    return PeyvandError(
        permissions.SPEND_FORBIDDEN,
        _("You may enter spend only for your own team."),
        field="team",
        status=403,
    )


def clean_month(value: Any) -> dt.date:
    """The first day of a month of the business calendar; ValueError otherwise."""
    if isinstance(value, str):
        value = parse_date(value)[0]
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ValueError("month")
    check_in_range(value)
    if periods.period_containing(periods.business_calendar(), periods.MONTH, value).start != value:
        raise ValueError("month")
    return value


def _spend_values(values: dict[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    errors: list[dict[str, Any]] = []
    if "month" in values:
        try:
            cleaned["month"] = clean_month(values["month"])
        except DateOutOfRange as exc:
            errors.append({"field": "month", "message": str(exc)})
        except ValueError:
            errors.append({"field": "month", "message": _("Give the first day of a month.")})
    if "channel" in values:
        if values["channel"] not in CHANNELS:
            errors.append({"field": "channel", "message": _("Choose a channel from the list.")})
        cleaned["channel"] = values["channel"]
    if "amount" in values:
        try:
            cleaned["amount"] = clean_amount(values["amount"])
        except ValueError:
            errors.append({"field": "amount", "message": _("Enter an amount greater than zero.")})
    if "note" in values:
        cleaned["note"] = str(values["note"] or "").strip()[:255]
    if errors:
        raise ValidationFailed(errors)
    return cleaned


@transaction.atomic
def record_spend(*, actor, month: Any, channel: str, amount: Any, note: str = "", team: Any = None) -> Spend:
    """Enter one month's spend on one channel, for a team or (administrators) the whole company."""
    team_id = getattr(team, "pk", team)
    if not permissions.can_write_spend(actor, team_id):
        raise _spend_forbidden()
    if team_id is not None and not Team.objects.filter(pk=team_id).exists():
        raise ValidationFailed([{"field": "team", "message": _("No such team.")}])
    cleaned = _spend_values({"month": month, "channel": channel, "amount": amount, "note": note})
    spend = Spend.objects.create(team_id=team_id, created_by=actor, **cleaned)
    _created(spend, actor)
    return spend


def _locked_spend(actor, spend: Spend, version: int | None) -> Spend:
    if not permissions.can_write_spend(actor, spend.team_id):
        raise _spend_forbidden()
    locked = Spend.objects.select_for_update().get(pk=spend.pk)
    if version is not None and locked.version != version:
        raise StaleVersion(current_version=locked.version, changes={})
    return locked


@transaction.atomic
def update_spend(*, actor, spend: Spend, version: int | None, values: dict[str, Any]) -> Spend:
    """Change a spend entry's month, channel, amount or note; its team stays."""
    spend = _locked_spend(actor, spend, version)
    cleaned = _spend_values({k: v for k, v in values.items() if k in ("month", "channel", "amount", "note")})
    return _save_changes(spend, actor=actor, values=cleaned)


@transaction.atomic
def delete_spend(*, actor, spend: Spend, version: int | None = None) -> None:
    """Remove a spend entry for good; the audit trail keeps what it was."""
    spend = _locked_spend(actor, spend, version)
    before = snapshot(spend)
    write_audit(
        instance=spend,
        actor=actor,
        action=AuditAction.DELETE,
        changes={k: [v, None] for k, v in before.items() if v not in (None, "")},
    )
    spend.delete()


# --- survey answers -------------------------------------------------------------------------------------------


def _contact_id(value: Any) -> int | None:
    raw = to_ascii_digits(str(getattr(value, "pk", value))).strip()
    return int(raw) if raw.isdigit() and 0 < int(raw) < 2**63 else None


def _clean_answer(
    values: dict[str, Any], contacts: dict[int, Contact]
) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """One answer's values, and its errors as {"field", "message"}: score, answered_at, comment, channel,
    contact (an id among ``contacts``, those the actor may see)."""
    cleaned: dict[str, Any] = {}
    errors = []
    raw = to_ascii_digits(str(values.get("score", ""))).strip()
    if raw.isdigit() and 0 <= int(raw) <= 10 and not isinstance(values.get("score"), bool):
        cleaned["score"] = int(raw)
    else:
        errors.append({"field": "score", "message": _("Give a whole number from 0 to 10.")})
    answered = values.get("answered_at")
    if isinstance(answered, dt.datetime) and in_range(answered):
        cleaned["answered_at"] = answered if timezone.is_aware(answered) else timezone.make_aware(answered)
    elif isinstance(answered, dt.datetime):
        errors.append({"field": "answered_at", "message": out_of_range_message()})
    else:
        try:
            day, hour, minute = parse_date(str(answered or ""))
            cleaned["answered_at"] = timezone.make_aware(
                dt.datetime.combine(day, dt.time(hour or 0, minute or 0))
            )
        except DateOutOfRange as exc:
            errors.append({"field": "answered_at", "message": str(exc)})
        except ValueError:
            errors.append(
                {
                    "field": "answered_at",
                    "message": _("Write the date as 2026-03-21 or 1405/01/01, a time may follow."),
                }
            )
    channel = str(values.get("channel") or "").strip()
    if channel and channel not in CHANNELS:
        errors.append({"field": "channel", "message": _("Choose a channel from the list.")})
    cleaned["channel"] = channel
    cleaned["comment"] = str(values.get("comment") or "").strip()[:5000]
    contact = values.get("contact")
    if contact not in (None, ""):
        found = contacts.get(_contact_id(contact) or 0)
        if found is None:
            errors.append({"field": "contact", "message": _("No contact you may see has this id.")})
        cleaned["contact"] = found
    return cleaned, errors


def _new_answer(actor, cleaned: dict[str, Any]) -> SurveyResponse:
    answer = SurveyResponse.objects.create(owner=actor, team_id=actor.team_id, **cleaned)
    _created(answer, actor)
    return answer


@transaction.atomic
def record_survey_response(*, actor, values: dict[str, Any]) -> SurveyResponse:
    """Record one answer (score 0–10) as the actor's own."""
    contacts = Contact.objects.visible_to(actor).in_bulk([_contact_id(values.get("contact")) or 0])
    cleaned, errors = _clean_answer(values, contacts)
    if errors:
        raise ValidationFailed(errors)
    return _new_answer(actor, cleaned)


@transaction.atomic
def import_survey_responses(*, actor, text: str) -> list[SurveyResponse]:
    """Record the answers of a CSV file (header: score, answered_at, and optionally comment, channel, contact),
    all or none: any bad cell refuses the whole file, naming each bad cell by row number (the header is row 1)
    and column."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [name for name in ("score", "answered_at") if name not in header]
    if missing:
        raise ValidationFailed(
            [{"field": name, "message": _("The first row must name this column.")} for name in missing]
        )
    reader.fieldnames = header
    lines: list[dict[str, Any]] = []
    for line in reader:
        if len(lines) == MAX_IMPORT_ROWS:
            raise ValidationFailed(
                [
                    {
                        "field": "file",
                        "message": _("Import at most %(max)s rows at a time.") % {"max": MAX_IMPORT_ROWS},
                    }
                ]
            )
        lines.append(line)
    wanted = {_contact_id(line.get("contact")) for line in lines if line.get("contact")}
    contacts = Contact.objects.visible_to(actor).in_bulk([pk for pk in wanted if pk])
    rows, problems = [], []
    for number, line in enumerate(lines, start=2):
        cleaned, errors = _clean_answer(line, contacts)
        problems += [{"row": number, "column": e["field"], "message": e["message"]} for e in errors]
        rows.append(cleaned)
    if problems:
        raise PeyvandError(
            "survey.import_invalid",
            _("Nothing was imported: some cells are not valid."),
            status=422,
            errors=[{"field": p["column"], "message": _("Row %(row)s: %(message)s") % p} for p in problems],
            extra={"rows": problems},
        )
    return [_new_answer(actor, cleaned) for cleaned in rows]


# --- key accounts ---------------------------------------------------------------------------------------------


def clean_potential(value: Any) -> Decimal:
    """An amount of zero or more (a company may be key before it buys anything)."""
    text = to_ascii_digits(str(value)).replace(",", "").replace("٬", "").strip()
    try:
        amount = Decimal(text) if not isinstance(value, bool) and text else None
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or not 0 <= amount < MAX_AMOUNT:
        raise ValidationFailed([{"field": "potential", "message": _("Enter an amount of zero or more.")}])
    return amount.quantize(Decimal("0.01"))


@transaction.atomic
def set_key_account(*, actor, company: Company, potential: Any, note: str = "") -> KeyAccount:
    """Mark a company key (or change its figures) with the monthly volume it could buy."""
    if not Company.objects.visible_to(actor).filter(pk=company.pk).exists():
        raise PeyvandError("not_found", _("Not found."), status=404)
    if not permissions.can_set_potential(actor, company):
        raise PeyvandError(
            permissions.KEY_ACCOUNT_FORBIDDEN,
            _("Only the company's owner, their manager or an administrator may set its potential."),
            status=403,
        )
    amount = clean_potential(potential)
    values = {"potential": amount, "note": str(note or "").strip()[:255], "updated_by": actor}
    account = KeyAccount.objects.select_for_update().filter(company=company).first()
    if account is None:
        account = KeyAccount.objects.create(company=company, **values)
        _created(account, actor)
        return account
    return _save_changes(account, actor=actor, values=values)


@transaction.atomic
def unset_key_account(*, actor, company: Company) -> None:
    """The company is no longer a key account."""
    account = KeyAccount.objects.select_for_update().filter(company=company).first()
    if account is None or not Company.objects.visible_to(actor).filter(pk=company.pk).exists():
        raise PeyvandError("not_found", _("Not found."), status=404)
    if not permissions.can_set_potential(actor, company):
        raise PeyvandError(
            permissions.KEY_ACCOUNT_FORBIDDEN,
            _("Only the company's owner, their manager or an administrator may set its potential."),
            status=403,
        )
    write_audit(
        instance=account,
        actor=actor,
        action=AuditAction.DELETE,
        changes={"potential": [str(account.potential), None]},
    )
    account.delete()
