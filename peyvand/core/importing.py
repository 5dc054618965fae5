"""What a record type declares to be imported from a spreadsheet: registered as ``RecordType.extra["import"]``.

The spreadsheet import (``imports``) sits above the apps whose records it writes, so what each type brings is
declared here, below them all, and read back from the registry: a new type is imported by one ``ImportSpec`` in
its own registration. The importer adds a tags column to a tagged type and a column per custom field.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Column:
    """One column: the field it fills, the headers that mean it besides the field's own name and labels (English
    and Persian), whether every row must fill it, and how a cell is read, by the name of a reader of
    ``imports/fields.py``:

    ``text`` (of the model field's length), ``long_text``, ``phones`` and ``emails`` (lists), ``phone`` and
    ``email`` (one), ``date`` (Jalali or Gregorian), ``day_so_far`` (a date not after today), ``amount``,
    ``choice`` (a stored value or its label), ``reference`` (a name the type's ``check`` resolves: a pipeline,
    a stage; ``owner`` is resolved by the importer) and ``record`` (the name of a record the field refers to,
    by its ``name``: one the user may see, else created with the batch as its service would).
    """

    name: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    read: str = "text"


@dataclass(frozen=True)
class ImportSpec:
    """A record type's spreadsheet import: its columns, in the order of its ``importable`` fields, and its own steps.

    The hooks are given the import's ``context``: ``context.actor`` (who imports), ``context.now`` (one time
    for the whole import) and ``context.memo``, a dict kept for the whole import where a hook keeps what it reads
    once (the pipelines by name).

    - ``check(values, context)``: the type's own rules for one row whose cells were read; it may change
      ``values`` in place (a name replaced by the record it names) and returns ``[(column name, message)]``, the
      row being refused when that is not empty.
    - ``after_insert(records, context)``: unsaved rows of other tables that a batch of new records needs (a
      deal's first stage history), written with the batch.
    - ``create(*, actor, values, default_owner)``: for a type whose records must each go through its service
      (a lead is scored, assigned and perhaps opens a deal) instead of the bulk writer; it returns the record.

    A row sharing a phone or e-mail (as the type's duplicate spec names them) with a stored record is skipped or
    updates that record through the type's resource.
    """

    columns: tuple[Column, ...]
    check: Callable[[dict[str, Any], Any], list[tuple[str, Any]]] | None = None
    after_insert: Callable[[list[Any], Any], list[Any]] | None = None
    create: Callable[..., Any] | None = None


# Headers spreadsheets commonly use, in Persian and English, for fields many record types have.
FIRST_NAME = ("نام", "first name", "firstname", "given name", "name", "اسم", "نام کوچک")
LAST_NAME = ("نام خانوادگی", "فامیلی", "فامیل", "last name", "lastname", "surname", "family name", "family")
TITLE = ("سمت", "عنوان شغلی", "رتبه", "title", "job title", "position", "rank")
PHONES = (
    "تلفن",
    "موبایل",
    "شماره همراه",
    "شماره تلفن",
    "شماره موبایل",
    "همراه",
    "تلفن همراه",
    "mobile",
    "phone",
    "phones",
    "phone number",
    "cell",
    "tel",
)
EMAILS = ("ایمیل", "پست الکترونیک", "رایانامه", "email", "e-mail", "emails", "mail", "email address")
CITY = ("شهر", "city", "town")
REGION = ("استان", "منطقه", "region", "province", "state")
COMPANY = ("شرکت", "نام شرکت", "سازمان", "company", "company name", "organization", "organisation")
SOURCE = ("منبع", "کانال", "source", "channel", "source channel")
INDUSTRY = ("صنعت", "حوزه فعالیت", "industry", "sector")
AUDIENCE = ("مخاطب", "گروه مخاطب", "audience", "segment")
PIPELINE = ("قیف", "قیف فروش", "پایپ لاین", "pipeline")
LOST_ON = ("از دست رفته از", "تاریخ ریزش", "lost on", "lost customer since", "churned on")
LOST_REASON = ("علت از دست رفتن", "علت ریزش", "lost reason", "why lost", "churn reason")
OWNER = ("مسئول", "مالک", "کارشناس", "owner", "assigned to", "seller", "username")
