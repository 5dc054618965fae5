"""What a rule may be made of: triggers, the record types they concern, the fields conditions and actions may use,
the comparison operators and the action types. Everything a rule stores is checked against these allow-lists."""

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from peyvand.core import registry

# Record types a trigger names before any app registers them: the trigger is offered, and has no records until the
# type is registered. None now (tickets are the service app's record type).
PLANNED_TYPES: dict[str, object] = {}


def record_types() -> list[str]:
    """The record types rules may work on: every registered type with a resource (the API's generic routes)."""
    return [t.name for t in registry.record_types() if t.resource is not None]


def record_type_label(record_type: str):
    found = registry.find(record_type)
    return found.label if found else PLANNED_TYPES.get(record_type, record_type)


def has_custom_fields(record_type: str) -> bool:
    found = registry.find(record_type)
    return bool(found and found.custom_fields)


def is_tagged(record_type: str) -> bool:
    found = registry.find(record_type)
    return bool(found and found.tagged)


def model_for(record_type: str):
    found = registry.find(record_type)
    return found.model if found else None


def record_type_of(model) -> str | None:
    return registry.type_name_of(model)


# --- fields ---------------------------------------------------------------------------------------------------

TEXT, NUMBER, DATE, DATETIME, CHOICE, BOOL, TAGS = (
    "text",
    "number",
    "date",
    "datetime",
    "choice",
    "bool",
    "tags",
)
USER, TEAM, PIPELINE, STAGE = "user", "team", "pipeline", "stage"
REFERENCES = {USER, TEAM, PIPELINE, STAGE}


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: str
    label: object
    writable: bool = False  # may an "update a field" action set it


def _f(name, kind, label, writable=False):
    return FieldSpec(name, kind, label, writable)


COMMON = (
    _f("owner", USER, _("owner")),
    _f("team", TEAM, _("team")),
    _f("created_at", DATETIME, _("created at")),
)
# Fields that name set-up records, which conditions compare by id.
_REFERENCE_MODELS = {"accounts.Team": TEAM, "sales.Pipeline": PIPELINE, "sales.Stage": STAGE}


def kind_of(model_field) -> str:
    """What a condition compares a model field as: a number, a date, a choice, a person, text..."""
    if model_field.name == "tags":
        return TAGS
    if model_field.is_relation:
        related = model_field.related_model
        if related is not None and related._meta.label == settings.AUTH_USER_MODEL:
            return USER
        return _REFERENCE_MODELS.get(related._meta.label if related is not None else "", TEXT)
    if isinstance(model_field, models.BooleanField):
        return BOOL
    if isinstance(model_field, models.DateTimeField):
        return DATETIME
    if isinstance(model_field, models.DateField):
        return DATE
    if isinstance(model_field, models.IntegerField | models.DecimalField | models.FloatField):
        return NUMBER
    if model_field.choices:
        return CHOICE
    return TEXT


def registered_fields(record_type: str) -> tuple[FieldSpec, ...]:
    """The fields the record type's registration offers to automation (``FieldSpec.automation``)."""
    found = registry.find(record_type)
    if found is None:
        return ()
    return tuple(
        FieldSpec(
            spec.name,
            kind_of(found.model._meta.get_field(spec.name)),
            found.label_of(spec.name),
            spec.settable,
        )
        for spec in found.fields_where("automation")
    )


def custom_fields(record_type: str) -> list[FieldSpec]:
    if not has_custom_fields(record_type):
        return []
    from peyvand.core.models import CustomField

    kinds = {"text": TEXT, "number": NUMBER, "date": DATE, "choice": CHOICE, "boolean": BOOL}
    return [
        FieldSpec(f"custom.{f.key}", kinds.get(f.field_type, TEXT), f.label, True)
        for f in CustomField.objects.filter(entity=record_type)
    ]


def fields_of(record_type: str) -> dict[str, FieldSpec]:
    specs = [*registered_fields(record_type), *COMMON, *custom_fields(record_type)]
    return {spec.name: spec for spec in specs}


def choices_of(record_type: str, name: str) -> list[tuple[str, str]]:
    """The choices of a choice field, for the rule form and for validating values."""
    model = model_for(record_type)
    if model is None or name.startswith("custom."):
        if name.startswith("custom."):
            from peyvand.core.models import CustomField

            field = CustomField.objects.filter(entity=record_type, key=name.removeprefix("custom.")).first()
            return [(str(c), str(c)) for c in (field.choices if field else [])]
        return []
    try:
        field = model._meta.get_field(name)
    except Exception:
        return []
    return [(str(k), str(v)) for k, v in (field.choices or [])]


def date_fields(record_type: str) -> list[FieldSpec]:
    return [s for s in fields_of(record_type).values() if s.kind == DATE]


# --- operators ------------------------------------------------------------------------------------------------

OPERATORS = {
    "equals": _("equals"),
    "not_equals": _("does not equal"),
    "contains": _("contains"),
    "not_contains": _("does not contain"),
    "greater_than": _("is greater than"),
    "less_than": _("is less than"),
    "is_empty": _("is empty"),
    "is_not_empty": _("is not empty"),
    "in": _("is one of"),
}
_EQ = {"equals", "not_equals", "in", "is_empty", "is_not_empty"}
OPERATORS_FOR_KIND = {
    TEXT: _EQ | {"contains", "not_contains"},
    NUMBER: _EQ | {"greater_than", "less_than"},
    DATE: _EQ | {"greater_than", "less_than"},
    DATETIME: {"greater_than", "less_than", "is_empty", "is_not_empty"},
    CHOICE: set(_EQ),
    BOOL: {"equals", "not_equals"},
    TAGS: {"contains", "not_contains", "is_empty", "is_not_empty", "in"},
    **{kind: set(_EQ) for kind in REFERENCES},
}
NO_VALUE = {"is_empty", "is_not_empty"}


# --- triggers -------------------------------------------------------------------------------------------------


def _every_type() -> tuple[str, ...]:
    return tuple(record_types())


def _types_with_dates() -> tuple[str, ...]:
    """Types a date can be reached on: a date field offered to automation, or custom fields (which may be dates)."""
    return tuple(
        name
        for name in record_types()
        if has_custom_fields(name) or any(s.kind == DATE for s in registered_fields(name))
    )


@dataclass(frozen=True)
class TriggerSpec:
    name: str
    label: object
    # the record types it concerns, or a function giving them from the registry when asked
    types: tuple[str, ...] | object

    @property
    def record_types(self) -> tuple[str, ...]:
        return self.types() if callable(self.types) else self.types


TRIGGERS = {
    t.name: t
    for t in (
        TriggerSpec("created", _("a record is created"), _every_type),
        TriggerSpec("updated", _("a record is changed"), _every_type),
        TriggerSpec("stage_changed", _("a deal moves to another stage"), ("deal",)),
        TriggerSpec("deal_won", _("a deal is won"), ("deal",)),
        TriggerSpec("deal_lost", _("a deal is lost"), ("deal",)),
        TriggerSpec("activity_completed", _("an activity is completed"), ("activity",)),
        TriggerSpec("lead_assigned", _("a lead is assigned"), ("lead",)),
        TriggerSpec("ticket_created", _("a ticket is created"), ("ticket",)),
        TriggerSpec("ticket_sla_warning", _("a ticket's SLA is at risk"), ("ticket",)),
        TriggerSpec("ticket_sla_breached", _("a ticket's SLA is breached"), ("ticket",)),
        TriggerSpec("quote_accepted", _("a quote is accepted"), ("quote",)),
        TriggerSpec("invoice_issued", _("an invoice is issued"), ("invoice",)),
        TriggerSpec("invoice_paid", _("an invoice is paid"), ("invoice",)),
        TriggerSpec("invoice_overdue", _("an invoice becomes overdue"), ("invoice",)),
        TriggerSpec("payment_recorded", _("a payment is recorded"), ("payment",)),
        TriggerSpec("no_activity", _("a deal has had no activity for some days"), ("deal",)),
        TriggerSpec("email_not_opened", _("an e-mail was not opened"), ("contact", "deal", "lead")),
        TriggerSpec("date_reached", _("a date is reached"), _types_with_dates),
    )
}
PERIODIC_TRIGGERS = {"no_activity", "email_not_opened", "date_reached"}


def trigger_choices() -> list[tuple[str, str]]:
    """One option per trigger and record type ("created:deal"), for the rule form."""
    options = []
    for spec in TRIGGERS.values():
        for record_type in spec.record_types:
            if len(spec.record_types) == 1:
                options.append((f"{spec.name}:{record_type}", str(spec.label)))
            else:
                options.append(
                    (f"{spec.name}:{record_type}", f"{spec.label} ({record_type_label(record_type)})")
                )
    return options


# --- actions --------------------------------------------------------------------------------------------------

ACTIONS = {
    "create_activity": _("Create a task or meeting"),
    "assign_owner": _("Assign to a user"),
    "update_field": _("Change a field"),
    "add_tag": _("Add a tag"),
    "notify": _("Notify users"),
    "send_email": _("Send an e-mail"),
    "send_sms": _("Send an SMS"),
    "webhook": _("Call a webhook"),
}
