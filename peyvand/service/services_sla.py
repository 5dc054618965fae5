"""Writes of the SLA settings: SLA policies and ticket categories, administrators only, each audited.

A policy's targets are working minutes (``sla.py``); a change applies to tickets started after it, the due times
of tickets already running stay as they were given.
"""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from peyvand.billing.models import CustomerTier
from peyvand.core.audit import diff, plain_value, save_audited, write_audit
from peyvand.core.errors import PeyvandError, ValidationFailed
from peyvand.core.models import AuditAction
from peyvand.core.text import clean_display_text, normalize_email, to_ascii_digits
from peyvand.service import permissions
from peyvand.service.models import SLAPolicy, SupportAddress, Ticket, TicketCategory, TicketPriority

MAX_MINUTES = 525_600  # a year of minutes: anything longer is a typing slip


def _row_values(instance) -> dict[str, Any]:
    """A settings row's own fields as the audit trail keeps them (these rows have no ``audited_fields``)."""
    values = {}
    for field in instance._meta.concrete_fields:
        if field.primary_key:
            continue
        value = plain_value(field, getattr(instance, field.attname))
        values[field.name] = value.isoformat(timespec="minutes") if isinstance(value, dt.time) else value
    return values


def _save(instance, *, actor, before: dict[str, Any], creating: bool):
    return save_audited(
        instance, actor=actor, before=before, creating=creating, changes=diff(before, _row_values(instance))
    )


def require_service_admin(actor) -> None:
    if not permissions.can_manage_service(actor):
        raise PeyvandError(
            permissions.SERVICE_SETTINGS_FORBIDDEN,
            _("Only an administrator can change the service desk's settings."),
            status=403,
        )


def _text(values: dict[str, Any], name: str, limit: int, errors: list) -> str:
    text = clean_display_text(str(values.get(name) or ""))
    if not text:
        errors.append({"field": name, "message": _("This field is required.")})
    elif len(text) > limit:
        errors.append(
            {
                "field": name,
                "message": _("Ensure this value has at most %(limit)d characters.") % {"limit": limit},
            }
        )
    return text


def _whole(values: dict[str, Any], name: str, errors: list, *, low: int, high: int, required: bool = True):
    raw = values.get(name)
    if raw in (None, ""):
        if required:
            errors.append({"field": name, "message": _("This field is required.")})
        return None
    try:
        number = int(to_ascii_digits(str(raw)).strip())
    except ValueError:
        errors.append({"field": name, "message": _("Enter a whole number.")})
        return None
    if not low <= number <= high:
        errors.append(
            {
                "field": name,
                "message": _("Enter a number from %(low)d to %(high)d.") % {"low": low, "high": high},
            }
        )
        return None
    return number


def _time(values: dict[str, Any], name: str, errors: list) -> dt.time | None:
    raw = values.get(name)
    if isinstance(raw, dt.time):
        return raw
    try:
        return dt.time.fromisoformat(to_ascii_digits(str(raw or "")).strip())
    except ValueError:
        errors.append({"field": name, "message": _("Enter a time such as 08:00.")})
        return None


@transaction.atomic
def save_policy(*, actor, policy: SLAPolicy | None = None, values: dict[str, Any]) -> SLAPolicy:
    """Create or change a policy from all of its fields (as the settings form gives them)."""
    require_service_admin(actor)
    creating = policy is None
    policy = policy or SLAPolicy()
    before = {} if creating else _row_values(policy)
    errors: list[dict] = []
    name = _text(values, "name", 100, errors)
    if name and SLAPolicy.objects.exclude(pk=policy.pk).filter(name=name).exists():
        errors.append({"field": "name", "message": _("Another SLA policy already has this name.")})
    position = _whole(values, "position", errors, low=0, high=1_000_000, required=False)
    priority = str(values.get("priority") or "")
    if priority and priority not in TicketPriority.values:
        errors.append({"field": "priority", "message": _("Choose a priority from the list.")})
    chosen = values.get("customer_tier")
    tier: CustomerTier | None = None
    if isinstance(chosen, CustomerTier):
        tier = chosen
    elif chosen not in (None, ""):
        try:
            tier = CustomerTier.objects.get(pk=int(str(chosen)))
        except (ValueError, CustomerTier.DoesNotExist):
            errors.append({"field": "customer_tier", "message": _("Choose a customer tier from the list.")})
    first = _whole(values, "first_response_minutes", errors, low=1, high=MAX_MINUTES)
    following = _whole(values, "next_response_minutes", errors, low=1, high=MAX_MINUTES, required=False)
    resolution = _whole(values, "resolution_minutes", errors, low=1, high=MAX_MINUTES)
    warn = _whole(values, "warn_percent", errors, low=1, high=100, required=False)
    day_start = _time(values, "day_start", errors)
    day_end = _time(values, "day_end", errors)
    if day_start and day_end and day_end <= day_start:
        errors.append({"field": "day_end", "message": _("The working day must end after it starts.")})
    if errors or day_start is None or day_end is None:
        raise ValidationFailed(errors)
    policy.name = name
    policy.position = position or 0
    policy.active = bool(values.get("active"))
    policy.priority = priority
    policy.customer_tier = tier
    policy.first_response_minutes = first
    policy.next_response_minutes = following
    policy.resolution_minutes = resolution
    policy.warn_percent = warn if warn is not None else 75
    policy.day_start, policy.day_end = day_start, day_end
    return _save(policy, actor=actor, before=before, creating=creating)


@transaction.atomic
def delete_policy(*, actor, policy: SLAPolicy) -> None:
    """Tickets that had it keep their due times (their policy link is cleared by the foreign key)."""
    require_service_admin(actor)
    write_audit(instance=policy, actor=actor, action=AuditAction.DELETE, changes=_row_values(policy))
    policy.delete()


@transaction.atomic
def save_category(*, actor, category: TicketCategory | None = None, values: dict[str, Any]) -> TicketCategory:
    require_service_admin(actor)
    creating = category is None
    category = category or TicketCategory()
    before = {} if creating else _row_values(category)
    errors: list[dict] = []
    name = _text(values, "name", 80, errors)
    if name and TicketCategory.objects.exclude(pk=category.pk).filter(name=name).exists():
        errors.append({"field": "name", "message": _("Another category already has this name.")})
    if errors:
        raise ValidationFailed(errors)
    category.name = name
    category.active = bool(values.get("active", True))
    return _save(category, actor=actor, before=before, creating=creating)


@transaction.atomic
def delete_category(*, actor, category: TicketCategory) -> None:
    require_service_admin(actor)
    if Ticket.all_objects.filter(category=category).exists():
        raise PeyvandError(
            "service.category_in_use",
            _("Tickets are filed under this category: switch it off instead."),
            status=409,
        )
    write_audit(instance=category, actor=actor, action=AuditAction.DELETE, changes=_row_values(category))
    category.delete()


def _key(value: Any) -> int | None:
    """A row's id from the row itself or its id typed in any digits; None when it is none."""
    value = getattr(value, "pk", value)
    try:
        key = int(to_ascii_digits(str(value)))
    except (TypeError, ValueError):
        return None
    return key if 0 < key < 2**63 else None


@transaction.atomic
def save_support_address(
    *, actor, address: SupportAddress | None = None, values: dict[str, Any]
) -> SupportAddress:
    """An address customers write to and the queue, category and priority its mail opens tickets with."""
    from django.core.validators import validate_email

    from peyvand.accounts.models import Team

    require_service_admin(actor)
    creating = address is None
    address = address or SupportAddress()
    before = {} if creating else _row_values(address)
    errors: list[dict] = []
    email = normalize_email(to_ascii_digits(str(values.get("address") or "")))
    try:
        validate_email(email)
    except Exception:  # noqa: BLE001 - Django's ValidationError: said below in the field's words
        errors.append(
            {"field": "address", "message": _("Enter an e-mail address such as support@example.com.")}
        )
    else:
        if SupportAddress.objects.exclude(pk=address.pk).filter(address=email).exists():
            errors.append({"field": "address", "message": _("This address is already a support address.")})
    team_id = _key(values.get("team"))
    if values.get("team") in (None, ""):
        errors.append({"field": "team", "message": _("Choose the queue its mail goes to.")})
    elif team_id is None or not Team.objects.filter(pk=team_id).exists():
        errors.append({"field": "team", "message": _("No such team.")})
    category_id = _key(values.get("category"))
    if values.get("category") not in (None, "") and (
        category_id is None or not TicketCategory.objects.filter(pk=category_id, active=True).exists()
    ):
        errors.append({"field": "category", "message": _("No such category.")})
    priority = values.get("priority") or TicketPriority.NORMAL
    if priority not in TicketPriority.values:
        errors.append({"field": "priority", "message": _("Choose one of the priorities.")})
    if errors:
        raise ValidationFailed(errors)
    address.address, address.team_id, address.category_id = email, team_id, category_id
    address.priority = priority
    address.active = bool(values.get("active", True))
    return _save(address, actor=actor, before=before, creating=creating)


@transaction.atomic
def delete_support_address(*, actor, address: SupportAddress) -> None:
    """Mail to it becomes a lead again; the tickets it opened stay."""
    require_service_admin(actor)
    write_audit(instance=address, actor=actor, action=AuditAction.DELETE, changes=_row_values(address))
    address.delete()
