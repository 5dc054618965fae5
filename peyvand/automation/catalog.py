"""What a rule may be made of: triggers, the record types they concern, the fields conditions and actions may use,
the comparison operators and the action types. Everything a rule stores is checked against these allow-lists."""

from dataclasses import dataclass

from django.apps import apps
from django.utils.translation import gettext_lazy as _

# Record type -> model label. Tickets come with the service app; until then their trigger has no records.
RECORD_TYPES = {
    "contact": "contacts.Contact",
    "company": "contacts.Company",
    "lead": "leads.Lead",
    "deal": "sales.Deal",
    "activity": "activities.Activity",
    "ticket": "service.Ticket",
}
RECORD_TYPE_LABELS = {
    "contact": _("contact"),
    "company": _("company"),
    "lead": _("lead"),
    "deal": _("deal"),
    "activity": _("activity"),
    "ticket": _("ticket"),
}
# Records with a ``custom`` JSON and admin-defined fields (CustomFieldEntity).
CUSTOM_ENTITIES = {"contact", "company", "lead", "deal"}
TAGGED = {"contact", "company", "lead", "deal"}


def model_for(record_type: str):
    label = RECORD_TYPES.get(record_type)
    if label is None:
        return None
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def record_type_of(model) -> str | None:
    label = model._meta.label
    for name, known in RECORD_TYPES.items():
        if known == label:
            return name
    return None


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

FIELDS: dict[str, tuple[FieldSpec, ...]] = {
    "contact": (
        _f("first_name", TEXT, _("first name"), True),
        _f("last_name", TEXT, _("last name"), True),
        _f("title", TEXT, _("title / rank"), True),
        _f("emails", TEXT, _("emails")),
        _f("phones", TEXT, _("phones")),
        _f("birthday", DATE, _("birthday"), True),
        _f("source", CHOICE, _("source channel"), True),
        _f("city", TEXT, _("city"), True),
        _f("region", TEXT, _("region"), True),
        _f("audience", TEXT, _("audience"), True),
        _f("tags", TAGS, _("tags")),
    ),
    "company": (
        _f("name", TEXT, _("name"), True),
        _f("industry", TEXT, _("industry"), True),
        _f("size", CHOICE, _("size"), True),
        _f("city", TEXT, _("city"), True),
        _f("region", TEXT, _("region"), True),
        _f("website", TEXT, _("website")),
        _f("tags", TAGS, _("tags")),
    ),
    "lead": (
        _f("first_name", TEXT, _("first name"), True),
        _f("last_name", TEXT, _("last name"), True),
        _f("title", TEXT, _("title / rank"), True),
        _f("company_name", TEXT, _("company name"), True),
        _f("industry", TEXT, _("industry"), True),
        _f("email", TEXT, _("email")),
        _f("phone", TEXT, _("phone")),
        _f("city", TEXT, _("city"), True),
        _f("region", TEXT, _("region"), True),
        _f("source", CHOICE, _("source channel"), True),
        _f("status", CHOICE, _("status"), True),
        _f("budget", NUMBER, _("budget"), True),
        _f("purchase_timeline", CHOICE, _("purchase timeline"), True),
        _f("audience", CHOICE, _("audience"), True),
        _f("language", TEXT, _("language"), True),
        _f("score", NUMBER, _("score")),
        _f("score_band", CHOICE, _("score band")),
        _f("qualified", BOOL, _("qualified by score")),
        _f("pipeline", PIPELINE, _("pipeline")),
        _f("tags", TAGS, _("tags")),
    ),
    "deal": (
        _f("title", TEXT, _("title"), True),
        _f("amount", NUMBER, _("amount"), True),
        _f("currency", TEXT, _("currency")),
        _f("expected_close_date", DATE, _("expected close date"), True),
        _f("pipeline", PIPELINE, _("pipeline")),
        _f("stage", STAGE, _("stage"), True),
        _f("status", CHOICE, _("status")),
        _f("lost_reason", TEXT, _("lost reason"), True),
        _f("tags", TAGS, _("tags")),
    ),
    "activity": (
        _f("kind", CHOICE, _("kind"), True),
        _f("subject", TEXT, _("subject"), True),
        _f("notes", TEXT, _("notes"), True),
        _f("outcome", TEXT, _("outcome"), True),
        _f("due_at", DATETIME, _("due")),
        _f("done_at", DATETIME, _("done")),
        _f("duration_minutes", NUMBER, _("duration (minutes)"), True),
    ),
    "ticket": (),
}


def custom_fields(record_type: str) -> list[FieldSpec]:
    if record_type not in CUSTOM_ENTITIES:
        return []
    from peyvand.core.models import CustomField

    kinds = {"text": TEXT, "number": NUMBER, "date": DATE, "choice": CHOICE, "boolean": BOOL}
    return [
        FieldSpec(f"custom.{f.key}", kinds.get(f.field_type, TEXT), f.label, True)
        for f in CustomField.objects.filter(entity=record_type)
    ]


def fields_of(record_type: str) -> dict[str, FieldSpec]:
    specs = [*FIELDS.get(record_type, ()), *COMMON, *custom_fields(record_type)]
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


@dataclass(frozen=True)
class TriggerSpec:
    name: str
    label: object
    record_types: tuple[str, ...]


EDITABLE_TYPES = ("contact", "company", "lead", "deal", "activity")
TRIGGERS = {
    t.name: t
    for t in (
        TriggerSpec("created", _("a record is created"), EDITABLE_TYPES),
        TriggerSpec("updated", _("a record is changed"), EDITABLE_TYPES),
        TriggerSpec("stage_changed", _("a deal moves to another stage"), ("deal",)),
        TriggerSpec("deal_won", _("a deal is won"), ("deal",)),
        TriggerSpec("deal_lost", _("a deal is lost"), ("deal",)),
        TriggerSpec("activity_completed", _("an activity is completed"), ("activity",)),
        TriggerSpec("lead_assigned", _("a lead is assigned"), ("lead",)),
        TriggerSpec("ticket_created", _("a ticket is created"), ("ticket",)),
        TriggerSpec("no_activity", _("a deal has had no activity for some days"), ("deal",)),
        TriggerSpec("date_reached", _("a date is reached"), ("deal", "contact", "lead", "company")),
    )
}
PERIODIC_TRIGGERS = {"no_activity", "date_reached"}


def trigger_choices() -> list[tuple[str, str]]:
    """One option per trigger and record type ("created:deal"), for the rule form."""
    options = []
    for spec in TRIGGERS.values():
        for record_type in spec.record_types:
            if len(spec.record_types) == 1:
                options.append((f"{spec.name}:{record_type}", str(spec.label)))
            else:
                options.append(
                    (f"{spec.name}:{record_type}", f"{spec.label} ({RECORD_TYPE_LABELS[record_type]})")
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
