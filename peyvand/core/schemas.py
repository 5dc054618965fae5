"""Schema pieces every owned resource shares."""

import datetime as dt
import re
import types
from typing import Annotated, Literal, Union, get_args, get_origin

from ninja import Schema
from pydantic import AfterValidator, BeforeValidator, ConfigDict, StrictBool, StrictInt, model_validator
from pydantic_core import PydanticCustomError

from peyvand.core import jalali


def _text_only(value):
    """JSON numbers are not dates: refuse them instead of reading them as Unix time."""
    if isinstance(value, bool | int | float):
        raise ValueError("Send dates as ISO 8601 text, such as 2026-03-21 or 2026-03-21T09:30:00+03:30.")
    return value


def _iso_date(value):
    """A query date is written 2026-03-21; "0" or "1e9" are not read as Unix time."""
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("Write dates as 2026-03-21.")
    return value


def _business_range(value):
    """Only days a business can mean (core.jalali's FIRST_DAY to LAST_DAY): a year 1 or 9999 is a typing slip
    that no calendar on the pages could show."""
    if not jalali.in_range(value):
        raise PydanticCustomError("date_range", jalali.out_of_range_message())
    return value


# Input types that take JSON literally: no true-as-1, no "5"-as-5, no 0-as-1970-01-01; within the business range.
Date = Annotated[dt.date, BeforeValidator(_text_only), AfterValidator(_business_range)]
# A day in a query string, where every value is text: only 2026-03-21 is a date.
QueryDate = Annotated[dt.date, BeforeValidator(_iso_date), AfterValidator(_business_range)]
DateTime = Annotated[dt.datetime, BeforeValidator(_text_only), AfterValidator(_business_range)]
Int = StrictInt
Bool = StrictBool


def _empty_of(annotation):
    """The empty value of a text, choice, list or mapping type ("", [], {}); None for any other type."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _empty_of(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        empties = {repr(_empty_of(a)) for a in get_args(annotation) if a is not type(None)}
        return {"''": "", "[]": [], "{}": {}}.get(empties.pop()) if len(empties) == 1 else None
    if annotation is str or (isinstance(annotation, type) and issubclass(annotation, str)):
        return ""
    if origin is Literal and all(isinstance(a, str) for a in get_args(annotation)):
        return ""
    if annotation in (list, dict) or origin in (list, dict):
        return [] if list in (annotation, origin) else {}
    return None


def _null_as_empty(schema, name: str, value):
    """A JSON null for a text, choice, list or mapping field means "empty": the database keeps such fields
    empty, never NULL, so null is read as "" (or [] or {}), which the field's own rules then accept or refuse
    by name (a required name, a choice without an empty option). Nullable fields (ids, dates, numbers) keep
    their null."""
    field = schema.model_fields.get(name)
    if value is not None or field is None:
        return value
    empty = _empty_of(field.annotation)
    return value if empty is None else empty


def _takes_empty(prop: dict) -> bool:
    """Whether the empty value passes one of the property's alternatives (a required name does not)."""

    def takes(option: dict) -> bool:
        if option.get("minLength", 0) > 0 or option.get("minItems", 0) > 0:
            return False
        if "const" in option:
            return option["const"] in ("", [], {})
        return "enum" not in option or "" in option["enum"]

    return any(takes(option) for option in prop.get("anyOf", [prop]))


def _document_null_as_empty(schema: dict, model) -> None:
    """The OpenAPI document says what the API accepts: a field that reads null as empty accepts null."""
    for name, field in model.model_fields.items():
        prop = schema.get("properties", {}).get(field.alias or name)
        if prop is None or _empty_of(field.annotation) is None or not _takes_empty(prop):
            continue
        options = prop.get("anyOf")
        if options is not None:
            if {"type": "null"} not in options:
                options.append({"type": "null"})
            continue
        kept = {key: prop.pop(key) for key in ("title", "description", "default") if key in prop}
        schema["properties"][field.alias or name] = {**kept, "anyOf": [prop, {"type": "null"}]}


class InputSchema(Schema):
    """A request body: a JSON object, nothing else.

    Ninja schemas also read attributes of arbitrary objects (for ORM output); a body must not be read that
    way, or a JSON string would lend its methods as field values.
    """

    model_config = ConfigDict(**Schema.model_config, json_schema_extra=_document_null_as_empty)

    @model_validator(mode="wrap")
    @classmethod
    def _object_only(cls, value, handler):
        if not isinstance(value, dict) and not isinstance(value, cls):
            raise ValueError("Send a JSON object.")
        if isinstance(value, dict):
            value = {name: _null_as_empty(cls, name, item) for name, item in value.items()}
        return handler(value)


class OwnedOut(Schema):
    id: int
    owner_id: int
    owner: str
    team_id: int | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    deleted_at: dt.datetime | None

    @staticmethod
    def resolve_owner(obj) -> str:
        return obj.owner.username


class TaggedOut(OwnedOut):
    tags: list[str]
    custom: dict

    @staticmethod
    def resolve_tags(obj) -> list[str]:
        return sorted(t.name for t in obj.tags.all())


class OwnedIn(InputSchema):
    owner: Int | None = None


class TaggedIn(OwnedIn):
    tags: list[str] = []
    custom: dict = {}


class PatchBase(InputSchema):
    version: Int
    owner: Int | None = None
