"""The registry of record types: what a contact, a deal or (later) a ticket is to the rest of Peyvand.

Each app declares its record types in its own ``resources.py`` and registers them from ``AppConfig.ready()``.
Everything that works on "any record" — the API's generic routes, the UI's list and record pages, exports,
imports, automation's catalogue, merge, the timeline, files, comments and global search — reads this registry
instead of naming types, so a new record type is one registration in its own app.

Apps below (``core``, ``web``, ...) never import the apps above them; they look them up here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import QuerySet


@dataclass(frozen=True)
class FieldSpec:
    """One field of a record type and where it takes part. ``label`` is lazy-translated."""

    name: str
    label: Any = None
    editable: bool = True  # set by people in forms and the API
    audited: bool = True  # written to the audit trail when it changes
    importable: bool = False  # a column of the spreadsheet import
    exportable: bool = True  # a column of the CSV/XLSX export
    mergeable: bool = False  # chosen field by field when two records are merged
    searchable: bool = False  # part of the record's search text (list search and global search)
    automation: bool = False  # offered to automation's conditions
    settable: bool = False  # and, besides, to its "change a field" action
    money: bool = False  # an amount stored in the record's currency; typed and shown in the display unit


@dataclass
class RecordType:
    """A kind of record. ``name`` is the singular key stored in generic links ("contact"); ``plural`` is the API
    and URL segment ("contacts").

    ``resource`` (``core.rest.Resource``) gives visibility, list spec, services and schemas; ``screen`` (a
    ``web.screens.Screen``) what people see. Either may be absent for a type that has no API or no pages.
    """

    name: str
    plural: str
    model: type[models.Model]
    resource: Any = None
    screen: Any = None
    fields: tuple[FieldSpec, ...] = ()
    # Record types whose records may carry files, comments and activities (most do).
    attachable: bool = True
    # Whether the record has admin-defined custom fields (``custom``) and tags.
    custom_fields: bool = False
    tagged: bool = False
    # Extra API router (moves, conversions) mounted under ``/api/v1/<plural>/`` beside the generic routes.
    api_router: Any = None
    # Extra UI URL patterns mounted under ``/<plural>/`` beside the generic pages (namespace ``<plural>``).
    ui_urls: tuple = ()
    # A visible queryset for a user, when there is no resource.
    visible_to: Callable[[Any], QuerySet] | None = None
    # The other records a conversation about one of these also concerns (a deal's contact and company): an
    # activity logged on it is linked to them too, so it shows on their timelines and counts for that customer.
    concerns: Callable[[Any], Iterable[Any]] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self):
        return self.model._meta.verbose_name

    @property
    def label_plural(self):
        return self.model._meta.verbose_name_plural

    def field(self, name: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.name == name), None)

    def fields_where(self, flag: str) -> tuple[FieldSpec, ...]:
        return tuple(f for f in self.fields if getattr(f, flag))

    def label_of(self, name: str):
        """A field's label: its spec's own, else the model field's verbose name, else the name."""
        spec = self.field(name)
        if spec is not None and spec.label is not None:
            return spec.label
        try:
            model_field = self.model._meta.get_field(name)
        except Exception:  # a field the spec names that the model computes (no model field)
            return name
        return getattr(model_field, "verbose_name", name)

    def visible(self, user) -> QuerySet:
        """The records of this type the user may see (soft-deleted ones excluded)."""
        if self.resource is not None:
            return self.resource.visible(user)
        if self.visible_to is not None:
            return self.visible_to(user)
        manager = self.model._default_manager
        return manager.visible_to(user) if hasattr(manager, "visible_to") else manager.none()


class UnknownRecordType(LookupError):
    pass


_TYPES: dict[str, RecordType] = {}
_TIMELINE_SOURCES: list[Callable[[Any, Any], Iterable[Any]]] = []


def register(record_type: RecordType) -> RecordType:
    """Register a record type; registering the same name again replaces it (apps are re-readied in tests)."""
    for other in _TYPES.values():
        if other.name != record_type.name and other.plural == record_type.plural:
            raise ValueError(f"Two record types use the plural {record_type.plural!r}.")
    _TYPES[record_type.name] = record_type
    return record_type


def unregister(name: str) -> None:
    _TYPES.pop(name, None)


def record_types() -> Iterator[RecordType]:
    """Every registered record type, in registration (app) order."""
    return iter(list(_TYPES.values()))


def get(name: str) -> RecordType:
    try:
        return _TYPES[name]
    except KeyError:
        raise UnknownRecordType(name) from None


def find(name: str) -> RecordType | None:
    return _TYPES.get(name)


def by_plural(plural: str) -> RecordType | None:
    return next((t for t in _TYPES.values() if t.plural == plural), None)


def for_model(model) -> RecordType | None:
    """The record type of a model class or instance (None for a model that is not a record type)."""
    label = model._meta.label
    return next((t for t in _TYPES.values() if t.model._meta.label == label), None)


def type_name(model) -> str:
    """The registered name of a model's record type (for queries on generic links); an unregistered model is a
    programming error."""
    record_type = for_model(model)
    if record_type is None:
        raise UnknownRecordType(model._meta.label)
    return record_type.name


def type_name_of(record) -> str | None:
    record_type = for_model(record)
    return record_type.name if record_type else None


def register_timeline_source(source: Callable[[Any, Any], Iterable[Any]]) -> None:
    """``source(user, record)`` yields timeline items (``core.timeline.TimelineItem``) for a record's page."""
    if source not in _TIMELINE_SOURCES:
        _TIMELINE_SOURCES.append(source)


def timeline_sources() -> tuple[Callable[[Any, Any], Iterable[Any]], ...]:
    return tuple(_TIMELINE_SOURCES)


_TIMELINE_ACTIONS: list[str] = []


def register_timeline_actions(template: str) -> None:
    """A template of buttons shown above a record's timeline ("+ call"), given ``record`` and ``record_type``;
    it shows nothing for a record its app does not take."""
    if template not in _TIMELINE_ACTIONS:
        _TIMELINE_ACTIONS.append(template)


def timeline_actions() -> tuple[str, ...]:
    return tuple(_TIMELINE_ACTIONS)


_RECORD_SECTIONS: list[str] = []


def register_record_section(template: str) -> None:
    """A template of a section shown on every record page just after the record's fields (a customer's billing
    profile and balance, a deal's lines), given ``record``, ``record_type`` and the request's ``user``; it shows
    nothing for a record it does not concern."""
    if template not in _RECORD_SECTIONS:
        _RECORD_SECTIONS.append(template)


def record_sections() -> tuple[str, ...]:
    return tuple(_RECORD_SECTIONS)


_FIELD_NOTES: list[Callable[[Any, Any, str], Any]] = []


def register_field_note(note: Callable[[Any, Any, str], Any]) -> None:
    """``note(model, record, field_name)`` says something about a field of a record's form that an app above knows
    (a deal's amount follows its product lines), or None; the form shows it under the field. ``record`` is None on
    a form that creates one."""
    if note not in _FIELD_NOTES:
        _FIELD_NOTES.append(note)


def field_notes(model, record, name: str) -> list[Any]:
    return [text for note in _FIELD_NOTES if (text := note(model, record, name))]


# --- calendar sources: what apps above activities put on the calendar page and the personal iCal feed -----------


@dataclass(frozen=True)
class CalendarEntry:
    """One thing at a time on the calendar that is not an activity (a field job). ``key`` is unique across sources
    and stable (it is the iCal UID's head); ``url`` its page; ``note`` a warning shown with it."""

    key: str
    title: str
    starts_at: Any
    ends_at: Any
    url: str = ""
    label: Any = ""  # what it is ("Field job"), shown before the title
    detail: str = ""  # who and what it books, one line
    note: Any = ""
    updated_at: Any = None


@dataclass(frozen=True)
class CalendarFilter:
    """A choice the calendar page offers for a source (a resource): ``param`` in the page's query, ``choices`` as
    (value, label). Chosen, the page shows that source's entries for it alone, without a person's activities."""

    param: str
    label: Any
    choices: list[tuple[str, str]]


@dataclass(frozen=True)
class CalendarSource:
    """``entries(user, owner=, start=, end=, params=)`` yields the ``CalendarEntry``s in [start, end) the user may
    see, for the calendar of ``owner`` (a person) or, when ``params`` holds one of its filters, for that filter's
    choice; ``filters(user)`` the page's controls; ``feed(user, now=)`` what the user's personal iCal feed adds."""

    key: str
    entries: Callable[..., Iterable[CalendarEntry]]
    filters: Callable[[Any], list[CalendarFilter]] | None = None
    feed: Callable[..., Iterable[CalendarEntry]] | None = None


_CALENDAR_SOURCES: dict[str, CalendarSource] = {}


def register_calendar_source(source: CalendarSource) -> None:
    """Registering the same key again replaces it (apps are re-readied in tests)."""
    _CALENDAR_SOURCES[source.key] = source


def calendar_sources() -> tuple[CalendarSource, ...]:
    return tuple(_CALENDAR_SOURCES.values())


# How a user's notification e-mail leaves: Django's ``send_mail`` until an app above (messaging) registers its
# outbox, so a reminder is kept, retried and visible like every other message.
_MAIL_TRANSPORT: list[Callable[..., Any]] = []


def register_mail_transport(send: Callable[..., Any]) -> None:
    """``send(to=, subject=, body=, source=)``; registering again replaces it."""
    _MAIL_TRANSPORT[:] = [send]


def mail_transport() -> Callable[..., Any] | None:
    return _MAIL_TRANSPORT[0] if _MAIL_TRANSPORT else None
