"""Writes to sales targets: set (create or replace), change and delete, each checked and audited.

Who may write: an administrator any target; a sales manager their own team's and its reps'; nobody else.
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from peyvand.accounts.models import Role, Team
from peyvand.core.audit import diff, snapshot, write_audit
from peyvand.core.errors import PeyvandError, StaleVersion, ValidationFailed
from peyvand.core.models import AuditAction
from peyvand.core.text import to_ascii_digits
from peyvand.targets import periods, permissions
from peyvand.targets.models import Target

MAX_AMOUNT = Decimal("1e17")  # 20 digits with 2 decimals, as deals keep their amounts
MAX_DEALS = 1_000_000


def _forbidden(field: str | None = None) -> PeyvandError:
    return PeyvandError(
        permissions.TARGET_FORBIDDEN,
        _("You may set targets only for your own team and its reps."),
        field=field,
        status=403,
    )


def target_reps(actor):
    """The reps whose targets ``actor`` may set: the sales reps of the teams they manage (all for an admin)."""
    users = get_user_model().objects.filter(is_active=True, team__isnull=False, role=Role.SALES_REP)
    if permissions.can_set_every_teams_targets(actor):
        return users
    if permissions.can_set_targets(actor):
        return users.filter(team_id=actor.team_id)
    return users.none()


def target_teams(actor):
    if permissions.can_set_every_teams_targets(actor):
        return Team.objects.all()
    if permissions.can_set_targets(actor):
        return Team.objects.filter(pk=actor.team_id)
    return Team.objects.none()


def resolve_subject(actor, *, user: Any = None, team: Any = None) -> tuple[Any, Any]:
    """The rep or the team a target is for, refused (403) when the actor may not set its targets.

    A rep of another team and a rep that does not exist are refused alike, so the answer tells nothing.
    """
    if user in (None, "") and team in (None, ""):
        message = _("Give a rep or a team.")
        raise ValidationFailed([{"field": "user", "message": message}, {"field": "team", "message": message}])
    if user not in (None, "") and team not in (None, ""):
        raise ValidationFailed([{"field": "user", "message": _("Give either a rep or a team, not both.")}])
    if not permissions.can_set_targets(actor):
        raise _forbidden()
    if user not in (None, ""):
        pk = getattr(user, "pk", user)
        found = target_reps(actor).filter(pk=pk).first() if isinstance(pk, int) else None
        if found is None:
            raise _forbidden("user")
        return found, None
    pk = getattr(team, "pk", team)
    found = target_teams(actor).filter(pk=pk).first() if isinstance(pk, int) else None
    if found is None:
        raise _forbidden("team")
    return None, found


def clean_amount(value: Any) -> Decimal:
    """A positive amount: a number, or text with Persian digits and thousands separators; ValueError if not."""
    if isinstance(value, bool) or value in (None, ""):
        raise ValueError("amount")
    if isinstance(value, str):
        value = to_ascii_digits(value).replace(",", "").replace("٬", "").replace("،", "").strip()
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ValueError("amount") from None
    if not amount.is_finite() or amount <= 0 or amount >= MAX_AMOUNT:
        raise ValueError("amount")
    return amount.quantize(Decimal("0.01"))


def clean_deals(value: Any) -> int:
    if value in (None, ""):
        return 0
    if isinstance(value, str):
        value = to_ascii_digits(value).strip()
        if not value.isdigit():
            raise ValueError("deals_won")
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_DEALS:
        raise ValueError("deals_won")
    return value


def _amount_errors(values: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    cleaned: dict[str, Any] = {}
    errors: list[dict[str, Any]] = []
    if "amount" in values:
        try:
            cleaned["amount"] = clean_amount(values["amount"])
        except ValueError:
            errors.append({"field": "amount", "message": _("Enter an amount greater than zero.")})
    if "deals_won" in values:
        try:
            cleaned["deals_won"] = clean_deals(values["deals_won"])
        except ValueError:
            errors.append(
                {"field": "deals_won", "message": _("Enter a whole number of deals, zero or more.")}
            )
    return cleaned, errors


def period_from(kind: Any, year: Any, number: Any, calendar: str | None = None) -> periods.Period:
    try:
        return periods.make_period(calendar or periods.business_calendar(), kind, year, number)
    except ValueError as exc:
        field = str(exc) if str(exc) in ("kind", "year", "number") else "kind"
        message = {
            "kind": _("The period is a month or a quarter."),
            "year": _("Enter a year of the business calendar, such as 1405."),
            "number": _("Months are numbered 1 to 12 and quarters 1 to 4."),
        }[field]
        raise ValidationFailed([{"field": field, "message": message}]) from None


def _subject_filter(user, team) -> dict[str, Any]:
    return {"user": user} if user is not None else {"team": team}


def check_no_overlap(*, user, team, period: periods.Period, exclude_pk: int | None = None) -> None:
    """Refuse a target whose period overlaps another of the same kind for the same rep or team.

    The same label is a replacement, not an overlap; an overlap comes from a period of the other calendar.
    """
    clash = (
        Target.objects.filter(**_subject_filter(user, team), period_kind=period.kind)
        .overlapping(period.start, period.end)
        .exclude(calendar=period.calendar, year=period.year, number=period.number)
    )
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    other = clash.first()
    if other is not None:
        raise PeyvandError(
            "target.overlap",
            _("Another target of this rep or team covers part of this period: %(period)s.")
            % {"period": other.period.label()},
            field="number",
            status=409,
        )


@transaction.atomic
def set_target(
    *,
    actor,
    user: Any = None,
    team: Any = None,
    kind: Any,
    year: Any,
    number: Any,
    amount: Any,
    deals_won: Any = 0,
    calendar: str | None = None,
) -> tuple[Target, bool]:
    """Set the target of a rep or team for a period, replacing the one already set; (target, created)."""
    user, team = resolve_subject(actor, user=user, team=team)
    period = period_from(kind, year, number, calendar)
    cleaned, errors = _amount_errors({"amount": amount, "deals_won": deals_won})
    if errors:
        raise ValidationFailed(errors)
    check_no_overlap(user=user, team=team, period=period)
    label = {
        "calendar": period.calendar,
        "period_kind": period.kind,
        "year": period.year,
        "number": period.number,
    }
    lookup = {**_subject_filter(user, team), **label}
    existing = Target.objects.select_for_update().filter(**lookup).first()
    if existing is None:
        try:
            with transaction.atomic():
                target = Target.objects.create(
                    **lookup, start_date=period.start, end_date=period.end, created_by=actor, **cleaned
                )
        except IntegrityError:
            # Someone set the same target a moment ago: replace theirs, as a second save would have.
            existing = Target.objects.select_for_update().get(**lookup)
        else:
            changes = {k: [None, v] for k, v in snapshot(target).items() if v not in (None, "", [], {})}
            write_audit(instance=target, actor=actor, action=AuditAction.CREATE, changes=changes)
            return target, True
    return _change(existing, actor=actor, values=cleaned), False


def _change(target: Target, *, actor, values: dict[str, Any]) -> Target:
    before = snapshot(target)
    for name, value in values.items():
        setattr(target, name, value)
    changes = diff(before, snapshot(target))
    if changes:
        target.version += 1
        target.save()
        write_audit(instance=target, actor=actor, action=AuditAction.UPDATE, changes=changes)
    return target


def _locked(target: Target, version: int | None) -> Target:
    locked = Target.objects.select_for_update().get(pk=target.pk)
    if version is not None and locked.version != version:
        raise StaleVersion(current_version=locked.version, changes={})
    return locked


@transaction.atomic
def update_target(*, actor, target: Target, version: int | None, values: dict[str, Any]) -> Target:
    """Change a target's amount or deals won; its rep or team and its period stay (set another to move it)."""
    if not permissions.can_manage_target(actor, target):
        raise _forbidden()
    target = _locked(target, version)
    cleaned, errors = _amount_errors({k: v for k, v in values.items() if k in ("amount", "deals_won")})
    if errors:
        raise ValidationFailed(errors)
    return _change(target, actor=actor, values=cleaned)


@transaction.atomic
def delete_target(*, actor, target: Target, version: int | None = None) -> None:
    """Remove a target for good (a plan, not a customer record); the audit trail keeps what it was."""
    if not permissions.can_manage_target(actor, target):
        raise _forbidden()
    target = _locked(target, version)
    before = snapshot(target)
    write_audit(
        instance=target,
        actor=actor,
        action=AuditAction.DELETE,
        changes={k: [v, None] for k, v in before.items() if v not in (None, "")},
    )
    target.delete()
