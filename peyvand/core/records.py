"""The write path every owned record takes: validate, lock, check the version, save, audit, emit.

Apps call these from their own services after applying their domain rules, so ownership, versioning,
soft delete and the audit trail are written once.
"""

from collections.abc import Iterable
from typing import Any, Protocol, TypeVar, runtime_checkable

from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from peyvand.core import events, permissions, registry
from peyvand.core.audit import changes_since, diff, snapshot, write_audit
from peyvand.core.errors import NotFound, PeyvandError, StaleVersion, ValidationFailed
from peyvand.core.models import AuditAction, OwnedModel, Tag
from peyvand.core.text import clean_display_text, normalize_text, strip_control

# The write path hands back the caller's own model class (a Deal stays a Deal), not the abstract base.
R = TypeVar("R", bound=OwnedModel)


@runtime_checkable
class Searchable(Protocol):
    """A model that keeps a normalised ``search_text`` built from its ``search_parts()``."""

    search_text: str

    def search_parts(self) -> Iterable[Any]: ...


@runtime_checkable
class Tagged(Protocol):
    """A record type that declares a ``tags`` relation; ``OwnedModel`` itself has none."""

    tags: Any


def field_error(field: str, message: Any) -> ValidationFailed:
    return ValidationFailed([{"field": field, "message": message}])


def get_visible(model: type[R], pk: Any, user, *, include_deleted: bool = False) -> R:
    """Fetch one record through the user's visibility: a record they may not see is not found."""
    manager = model.all_objects if include_deleted else model.objects
    try:
        return manager.visible_to(user).get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def find_visible(queryset: QuerySet, pk: int):
    """One record of a queryset already limited to what the user may see; not found for any other id, even
    one too large for a database key."""
    record = queryset.filter(pk=pk).first() if 0 < pk < 2**63 else None
    if record is None:
        raise NotFound()
    return record


def resolve_reference(model: type[models.Model], value: Any, user, field: str):
    """Turn an id or instance into a record the user may see, or a field error that leaks nothing."""
    if value in (None, ""):
        return None
    pk = value.pk if isinstance(value, models.Model) else value
    manager = model._default_manager
    queryset = manager.visible_to(user) if hasattr(manager, "visible_to") else manager.all()
    try:
        return queryset.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise field_error(field, _("No such record, or you may not use it.")) from None


def assignable_users(actor):
    """Who may own a record the actor writes: anyone for an admin, their team for a manager, else themselves."""
    users = get_user_model().objects.filter(is_active=True)
    if actor.is_admin:
        return users
    # A support manager hands their queue's work to their own team, as a sales manager does (without the sales
    # manager's other rights).
    if (actor.is_manager or getattr(actor, "is_support_manager", False)) and actor.team_id:
        return users.filter(team_id=actor.team_id)
    return users.filter(pk=actor.pk)


def _assignable_owner(actor, owner):
    if owner in (None, ""):
        return actor
    pk = owner.pk if isinstance(owner, models.Model) else owner
    try:
        return assignable_users(actor).get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise field_error("owner", _("You may not give records to this user.")) from None


def resolve_tags(names: Iterable[str]) -> list[Tag]:
    tags = []
    for raw in names:
        name = clean_display_text(raw)[:60]
        if name:
            tags.append(Tag.objects.get_or_create(name=name)[0])
    return tags


def _full_clean(instance: models.Model) -> None:
    try:
        instance.full_clean(exclude=["owner", "team", "search_text"], validate_unique=False)
    except ValidationError as exc:
        raise ValidationFailed(
            [{"field": f, "message": m} for f, msgs in exc.message_dict.items() for m in msgs]
        ) from None


def _search_parts(instance: models.Model) -> list[Any] | None:
    """The texts a record is found by: its own ``search_parts()``, else its registration's searchable fields."""
    if isinstance(instance, Searchable):
        return list(instance.search_parts())
    record_type = registry.for_model(instance)
    if record_type is None or not hasattr(instance, "search_text"):
        return None
    parts: list[Any] = []
    for spec in record_type.fields_where("searchable"):
        value = getattr(instance, spec.name)
        if isinstance(value, list):
            parts.extend(str(v) for v in value)
        else:
            parts.append(str(value or ""))
    return parts


def _refresh_search_text(instance: models.Model) -> None:
    parts = _search_parts(instance)
    if parts is not None:
        instance.search_text = " ".join(p for p in (normalize_text(x) for x in parts) if p)  # type: ignore[attr-defined]


def _apply(instance: OwnedModel, actor, values: dict[str, Any]) -> None:
    for name, value in values.items():
        if name == "owner":
            if value in (None, ""):
                continue  # no owner given: keep the current one
            owner = _assignable_owner(actor, value)
            if owner.pk != instance.owner_id:
                instance.owner = owner
                instance.team_id = owner.team_id
        elif name == "tags":
            continue
        else:
            setattr(instance, name, strip_control(value) if isinstance(value, str) else value)


def _set_tags(instance: OwnedModel, names: Iterable[str]) -> None:
    if not isinstance(instance, Tagged):
        raise TypeError(f"{type(instance).__name__} has no tags")
    instance.tags.set(resolve_tags(names))


@transaction.atomic
def create_record(model: type[R], *, actor, values: dict[str, Any], note: str = "") -> R:
    values = dict(values)
    tags = values.pop("tags", None)
    owner = _assignable_owner(actor, values.pop("owner", None))
    instance = model(owner=owner, team_id=owner.team_id)
    _apply(instance, actor, values)
    _full_clean(instance)
    _refresh_search_text(instance)
    instance.save()
    if tags is not None:
        _set_tags(instance, tags)
    changes = {k: [None, v] for k, v in snapshot(instance).items() if v not in (None, "", [], {})}
    write_audit(instance=instance, actor=actor, action=AuditAction.CREATE, changes=changes, note=note)
    events.emit(events.record_created, model, instance=instance, actor=actor)
    return instance


def lock_for_update(instance: R, version: int | None) -> R:
    """Re-read the row under a lock and refuse if it moved past the version the caller saw."""
    locked = type(instance).all_objects.select_for_update().get(pk=instance.pk)
    if version is None:
        raise field_error("version", _("Send the version of the record you are changing."))
    if locked.version != version:
        raise StaleVersion(current_version=locked.version, changes=changes_since(locked, version))
    return locked


@transaction.atomic
def update_record(
    instance: R,
    *,
    actor,
    version: int | None,
    values: dict[str, Any],
    action: str = AuditAction.UPDATE,
    note: str = "",
) -> R:
    instance = lock_for_update(instance, version)
    if instance.deleted_at is not None:
        raise PeyvandError("record.deleted", _("This record is deleted; restore it first."), status=409)
    values = dict(values)
    tags = values.pop("tags", None)
    before = snapshot(instance)
    _apply(instance, actor, values)
    _full_clean(instance)
    if tags is not None:
        _set_tags(instance, tags)
    after = snapshot(instance)
    changes = diff(before, after)
    if not changes:
        return instance
    _refresh_search_text(instance)
    instance.version += 1
    instance.save()
    write_audit(instance=instance, actor=actor, action=action, changes=changes, note=note)
    events.emit(events.record_updated, type(instance), instance=instance, actor=actor, changes=changes)
    return instance


@transaction.atomic
def delete_record(instance: R, *, actor, version: int | None = None) -> R:
    """Soft delete: the row stays, hidden from every list, until an admin restores it. A type whose records not
    everyone who sees them may delete (the shared catalogue) says who may in ``extra["can_delete"]``."""
    record_type = registry.for_model(instance)
    allowed = record_type.extra.get("can_delete") if record_type else None
    if allowed is not None and not allowed(actor, instance):
        raise PeyvandError("record.delete_forbidden", _("You may not delete this record."), status=403)
    instance = type(instance).all_objects.select_for_update().get(pk=instance.pk)
    if version is not None and version != instance.version:
        raise StaleVersion(current_version=instance.version, changes=changes_since(instance, version))
    if instance.deleted_at is not None:
        return instance
    instance.deleted_at = timezone.now()
    instance.version += 1
    instance.save(update_fields=["deleted_at", "version", "updated_at"])
    write_audit(
        instance=instance,
        actor=actor,
        action=AuditAction.DELETE,
        changes={"deleted_at": [None, instance.deleted_at.isoformat()]},
    )
    events.emit(events.record_deleted, type(instance), instance=instance, actor=actor)
    return instance


@transaction.atomic
def restore_record(instance: R, *, actor) -> R:
    if not permissions.can_restore(actor, instance):
        raise PeyvandError(
            permissions.RESTORE_FORBIDDEN, _("Only an administrator can restore records."), status=403
        )
    instance = type(instance).all_objects.select_for_update().get(pk=instance.pk)
    if instance.deleted_at is None:
        return instance
    old = instance.deleted_at.isoformat()
    instance.deleted_at = None
    instance.version += 1
    instance.save(update_fields=["deleted_at", "version", "updated_at"])
    write_audit(
        instance=instance, actor=actor, action=AuditAction.RESTORE, changes={"deleted_at": [old, None]}
    )
    return instance
