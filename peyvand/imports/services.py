"""Importing a spreadsheet: store the upload, match its columns, check every cell, write in whole batches.

Each row's import key is sha256(kind, the file's sha256, the row number). The file's content, not its name,
is its identity: running the same file again (renamed or not, after a crash or a kill) finds the keys of the
batches already committed and skips those rows, so nothing is created twice. A hash of the row's content was
not chosen because two identical rows in one file are two rows the report must account for, and a trivially
edited file must be re-checked as a new file; people already in the database are caught instead by the
duplicate check on exact keys (E.164 phone, e-mail), which applies to every file.

An upload is only stored by the request (``create_run``); its rows are read by the background job
(``start_check``, ``start_import``), with the limits of ``reading`` enforced as they are read, so a file that
unpacks to gigabytes costs a request nothing and the job only up to the limit.
"""

import functools
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.db.models.base import ModelState
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from peyvand.core import registry
from peyvand.core.audit import plain_value
from peyvand.core.errors import PeyvandError
from peyvand.core.models import AuditAction, AuditEntry
from peyvand.core.records import assignable_users
from peyvand.core.text import normalize_text, strip_control
from peyvand.imports import fields as F
from peyvand.imports import writing
from peyvand.imports.models import (
    ImportedRow,
    ImportIssue,
    ImportRun,
    ImportStatus,
    IssueKind,
    OnDuplicate,
)
from peyvand.imports.reading import XLSX_MAGIC, check_upload, count_rows, read_headers, read_rows

ESCAPED_STARTS = frozenset("=+-@\t\r")
BATCH_SIZE = 2000
# SQLite has one writer at a time: an import's batch holds the write lock while it is written, and other people's
# saves wait for it; smaller batches keep each wait short (a fraction of a second)
SQLITE_BATCH_SIZE = 250
# a name key held by more records than this is a common name in a big city, not evidence of one person
MAX_NAME_BLOCK = 50
# up to this many stored "bare" keys are read whole for each batch instead of looked up one by one
FEW_BARE_KEYS = 20_000
MAX_REPORTED = 200_000  # issues kept for a run; its counts are always exact


_ASCII_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ASCII_SPACES = re.compile(r"\s+")


def _normalized_part(text: str) -> str:
    """normalize_text of one part: for ASCII (phones, e-mails, Latin names) that is only spacing and case, and
    such parts (unique e-mails above all) are kept out of normalize_text's memory of repeated names."""
    if text.isascii():
        if text.isprintable():
            # printable ASCII holds no control character and no white space but the plain space
            return (" ".join(text.split()) if " " in text else text).lower()
        return _ASCII_SPACES.sub(" ", _ASCII_CONTROL.sub(" ", text)).strip().lower()
    return normalize_text(text)


_SEARCHABLE: dict[Any, tuple[str, ...]] = {}


def _searchable_fields(model) -> tuple[str, ...]:
    if model not in _SEARCHABLE:
        record_type = registry.for_model(model)
        _SEARCHABLE[model] = (
            tuple(f.name for f in record_type.fields_where("searchable")) if record_type else ()
        )
    return _SEARCHABLE[model]


def _search_parts(instance) -> list[Any]:
    """The record's ``search_parts()``, else (as ``create_record`` does) its registration's searchable fields."""
    if hasattr(instance, "search_parts"):
        return instance.search_parts()
    parts: list[Any] = []
    for name in _searchable_fields(type(instance)):
        value = getattr(instance, name)
        if isinstance(value, list):
            parts.extend(str(v) for v in value)
        else:
            parts.append(str(value or ""))
    return parts


def search_text_of(instance) -> str:
    """What ``create_record`` stores as search text: each part normalised, the non-empty ones joined."""
    parts = []
    for text in _search_parts(instance):
        if text:
            part = _normalized_part(text)
            if part:
                parts.append(part)
    return " ".join(parts)


@functools.cache
def _audited(model) -> list[tuple[str, models.Field]]:
    """The fields the audit trail records for ``model`` (tags are empty on a new record)."""
    fields = [(name, model._meta.get_field(name)) for name in model.audited_fields]
    return [(name, f) for name, f in fields if not f.many_to_many]


@functools.cache
def _audit_plan(model) -> list[tuple[str, str, models.Field, bool]]:
    """(name, attribute, field, whether ``plain_value`` must see even a plain value) per audited field: a
    relation is recorded as its id, a decimal field's number as fixed-point text."""
    return [
        (name, f.attname, f, not f.is_relation and isinstance(f, models.DecimalField))
        for name, f in _audited(model)
    ]


# values ``plain_value`` gives back unchanged for any field but a decimal one
_PLAIN_TYPES = frozenset((str, int, bool, float, list, dict))
_EMPTY_VALUES: tuple[Any, ...] = (None, "", [], {})


def row_key(kind: str, file_sha256: str, row: int) -> str:
    return hashlib.sha256(f"{kind}:{file_sha256}:{row}".encode()).hexdigest()


def _uploads_dir() -> Path:
    path = Path(settings.DATA_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _resolve_owner(actor, owner: Any):
    if owner in (None, ""):
        return actor
    users = assignable_users(actor)
    found = (
        users.filter(pk=owner.pk).first()
        if isinstance(owner, models.Model)
        else users.filter(username=str(owner)).first()
    )
    if found is None:
        raise PeyvandError(
            "import.owner", _("You may not give records to this user."), field="owner", status=422
        )
    return found


def create_run(
    *,
    actor,
    kind: str,
    file_name: str,
    content: bytes,
    owner: Any = None,
    on_duplicate: str = OnDuplicate.SKIP,
) -> ImportRun:
    """Keep the uploaded file; nothing is read, checked or written yet (``measure`` and the jobs do that)."""
    if kind not in F.kinds():
        raise PeyvandError("import.kind", _("Choose what the file holds."), field="kind", status=422)
    _check_on_duplicate(on_duplicate)
    if not content:
        raise PeyvandError("import.bad_file", _("The file is empty."), field="file", status=422)
    check_upload(content)
    owner = _resolve_owner(actor, owner)
    digest = hashlib.sha256(content).hexdigest()
    # openpyxl opens a workbook only by its extension
    path = _uploads_dir() / (digest + (".xlsx" if content.startswith(XLSX_MAGIC) else ".csv"))
    if not path.exists():
        path.write_bytes(content)
    return ImportRun.objects.create(
        kind=kind,
        file_name=strip_control(file_name or "upload")[:255],
        file_sha256=digest,
        file_path=str(path),
        created_by=actor,
        owner=owner,
        on_duplicate=on_duplicate,
        language=get_language() or "",
    )


def measure(*, run: ImportRun) -> ImportRun:
    """Read the file's header row and count its rows, the limits checked as it is read; match the columns
    unless the person already chose. A file over a limit or unreadable is refused (the run says why)."""
    _require_file(run)
    path = Path(run.file_path)
    try:
        headers = read_headers(path)
        total = count_rows(path)
    except PeyvandError as exc:
        refuse(run=run, error=exc)
        raise
    run.headers = headers
    if not run.mapping:
        run.mapping = F.match_headers(run.kind, headers)
    run.total_rows = total
    run.save(update_fields=["headers", "mapping", "total_rows"])
    return run


def refuse(*, run: ImportRun, error: PeyvandError) -> None:
    """The file cannot be imported: the run is refused and its report holds the reason, where it was found."""
    run.status = ImportStatus.REFUSED
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "finished_at"])
    run.issues.all().delete()
    column = getattr(error, "column", 0)
    ImportIssue.objects.create(
        run=run,
        kind=IssueKind.ERROR,
        row=getattr(error, "row", 0),
        column=str(column) if column else "",
        message=strip_control(str(error.message)),
    )


def _check_on_duplicate(value: str) -> None:
    if value not in OnDuplicate.values:
        raise PeyvandError(
            "import.on_duplicate",
            _("Choose whether rows matching a stored record are skipped or update it."),
            field="on_duplicate",
            status=422,
        )


def set_on_duplicate(*, run: ImportRun, on_duplicate: str) -> ImportRun:
    _check_on_duplicate(on_duplicate)
    run.on_duplicate = on_duplicate
    run.save(update_fields=["on_duplicate"])
    return run


def headers_of(run: ImportRun) -> list[str]:
    if run.headers:
        return list(run.headers)
    if not run.file_path:
        return list(run.mapping)  # the file was removed after the run; its mapping keeps the headers
    return read_headers(Path(run.file_path))


def _require_file(run: ImportRun) -> None:
    if not run.file_path or not Path(run.file_path).exists():
        raise PeyvandError(
            "import.file_removed",
            _("The file of this import has been removed; upload it again."),
            field="file",
            status=422,
        )


def set_mapping(*, run: ImportRun, mapping: dict[str, str]) -> ImportRun:
    """The person's fix of the column mapping: each header to a field of the kind, or to nothing."""
    headers = headers_of(run)
    allowed = set(F.column_by_name(run.kind))
    errors: list[dict[str, Any]] = []
    chosen: dict[str, str] = {}
    for header in headers:
        name = mapping.get(header, run.mapping.get(header, "")) or ""
        if name and name not in allowed:
            errors.append({"field": header, "message": _("Not a field of this kind of record.")})
        elif name and name in chosen.values():
            errors.append({"field": header, "message": _("Two columns are mapped to the same field.")})
        else:
            chosen[header] = name
    if errors:
        raise PeyvandError("import.mapping", _("The column mapping is not valid."), errors=errors, status=422)
    run.mapping = chosen
    run.save(update_fields=["mapping"])
    return run


def unmatched_columns(run: ImportRun) -> list[str]:
    return [h for h in headers_of(run) if not run.mapping.get(h)]


def missing_required(run: ImportRun) -> list[str]:
    mapped = set(run.mapping.values())
    return [c.name for c in F.columns_of(run.kind) if c.required and c.name not in mapped]


@dataclass
class Outcome:
    created: int = 0
    skipped_duplicate: int = 0
    already_imported: int = 0
    failed: int = 0
    updated: int = 0
    possible_duplicate: int = 0
    # this batch's issues, written with the batch
    errors: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    possible: list[dict[str, Any]] = field(default_factory=list)
    reported: int = 0

    def error(self, row: int, column: str, message: Any) -> None:
        if self.reported + len(self.errors) < MAX_REPORTED:
            # a cell's value quoted in a message may hold characters PostgreSQL does not store
            self.errors.append({"row": row, "column": column[:255], "message": strip_control(str(message))})

    def possibly(self, row: int, existing_id: int | None, reasons: list[str]) -> dict[str, Any] | None:
        self.possible_duplicate += 1
        if self.reported + len(self.errors) + len(self.possible) >= MAX_REPORTED:
            return None
        entry = {"row": row, "existing_id": existing_id, "message": "; ".join(str(r) for r in reasons)}
        self.possible.append(entry)
        return entry

    def flush(self, run: ImportRun) -> None:
        error, duplicate, possible = (
            IssueKind.ERROR.value,
            IssueKind.DUPLICATE.value,
            IssueKind.POSSIBLE.value,
        )
        rows = [(run.pk, error, e["row"], e["column"], e["message"], "", None) for e in self.errors]
        rows += [
            (run.pk, duplicate, d["row"], "", "", d["key"][:255], d["existing_id"]) for d in self.duplicates
        ]
        rows += [(run.pk, possible, p["row"], "", p["message"], "", p["existing_id"]) for p in self.possible]
        writing.insert_rows(
            ImportIssue, ["run_id", "kind", "row", "column", "message", "key", "existing_id"], rows
        )
        self.reported += len(rows)
        self.errors, self.duplicates, self.possible = [], [], []


class Importer:
    """Reads rows of one kind into unsaved records, with the services' rules, and writes them in batches.

    What is the kind's own comes from its registration: its columns and steps (``extra["import"]``, an
    ``ImportSpec``) and the fields of its phones and e-mails (``extra["duplicates"]``, a ``DuplicateSpec``).
    The importer is the ``context`` its steps are given (``actor``, ``now``, ``memo``).
    """

    def __init__(self, run: ImportRun):
        from peyvand.contacts.duplicates import DuplicateSpec

        self.run = run
        self.kind = run.kind
        self.record_type = F.record_type_of(run.kind)
        self.spec = F.spec_of(run.kind)
        self.model = F.model_for(run.kind)
        self.actor = run.created_by
        self.owner = run.owner
        duplicates = self.record_type.extra.get("duplicates")
        self.duplicates: DuplicateSpec | None = duplicates if isinstance(duplicates, DuplicateSpec) else None
        # the entity of the duplicate keys, and the fields whose values are exact keys (phones, e-mails)
        self.entity = self.record_type.name if self.duplicates else None
        self.point_fields = (self.duplicates.phones, self.duplicates.emails) if self.duplicates else ()
        self.memo: dict[str, Any] = {}
        headers = headers_of(run)
        columns = F.column_by_name(run.kind)
        # (position in the row, header text, column) for every mapped header
        self.cells = [
            (
                i,
                h,
                columns[run.mapping[h]],
                F.reader_of(columns[run.mapping[h]], h),
                F.model_field(run.kind, run.mapping[h]),
            )
            for i, h in enumerate(headers)
            if run.mapping.get(h) in columns
        ]
        self.header_of = {c.name: h for _i, h, c, _r, _f in self.cells}
        self.required = [c for c in F.columns_of(run.kind) if c.required]
        self.custom_columns = [c for _i, _h, c, _r, _f in self.cells if c.custom is not None]
        # (column name, the field's attribute, the model it refers to) of each column naming a record
        self.record_columns: list[tuple[str, str, Any]] = [
            (c.name, f.attname, f.related_model)
            for _i, _h, c, _r, f in self.cells
            if c.record and f is not None
        ]
        self._tags: dict[str, int] | None = None
        self._owners = {u.username.lower(): u for u in assignable_users(self.actor)}
        # model -> {normalised name: id} of the records named in cells (None: not loaded)
        self._named: dict[Any, dict[str, int | None]] = {}
        self.known: dict[str, int | None] = {}  # duplicate key -> existing record id (None: pending)
        self.now = timezone.now()
        # (possible-duplicate entry, the earlier row's record it names): the id is filled once written
        self._waiting_possible: list[tuple[dict[str, Any], Any]] = []
        fields = [f for f in self.model._meta.concrete_fields if not f.primary_key]
        self.attnames = {f.name: f.attname for f in fields}
        self.fresh_defaults = [f.name for f in fields if isinstance(f, models.JSONField)]
        # a JSON field's default is a callable (list, dict): each record gets its own value
        self.fresh_default_of = [
            (f.attname, f.default if f.has_default() and callable(f.default) else f.get_default)
            for f in fields
            if f.name in self.fresh_defaults
        ]
        self.defaults = {f.attname: f.get_default() for f in fields if f.name not in self.fresh_defaults}
        self.defaults["id"] = None

    # reading ------------------------------------------------------------------------------------------

    def read_row(self, number: int, cells: list[str], outcome: Outcome) -> dict[str, Any] | None:
        values: dict[str, Any] = {}
        bad = False
        for position, header, column, reader, model_field in self.cells:
            raw = cells[position] if position < len(cells) else ""
            if not raw or raw.isspace():
                continue
            if raw[0] == "'" and raw[1:2] in ESCAPED_STARTS:
                raw = raw[1:]  # a cell an export escaped so a spreadsheet would not run it
            try:
                # None only for a custom field's column, whose reader takes no model field
                values[column.name] = reader(raw, model_field)  # type: ignore[arg-type]
            except F.CellError as exc:
                outcome.error(number, header, exc)
                bad = True
        for column in self.required:
            if not values.get(column.name):
                outcome.error(
                    number, self.header_of.get(column.name, column.name), _("This field is required.")
                )
                bad = True
        if not bad:
            bad = not self._resolve(number, values, outcome)
        return None if bad else values

    def _resolve(self, number: int, values: dict[str, Any], outcome: Outcome) -> bool:
        ok = True
        if self.custom_columns:
            values["custom"] = {
                c.custom.key: values.pop(c.name) for c in self.custom_columns if c.name in values
            }
        owner_name = values.pop("owner", "")
        values["owner"] = self.owner
        if owner_name:
            user = self._owners.get(owner_name.lower())
            if user is None:
                outcome.error(number, self.header_of["owner"], _("You may not give records to this user."))
                ok = False
            else:
                values["owner"] = user
        new_records = {}
        for name, attname, model in self.record_columns:
            # a record the user cannot see by that name is created with the batch, once per name
            record_name = values.pop(name, "")
            if record_name:
                record_id = self._record_id(model, record_name)
                if record_id is None:
                    new_records[name] = record_name
                else:
                    values[attname] = record_id
        if new_records:
            values["new_records"] = new_records
        if self.spec.check is not None:
            for name, message in self.spec.check(values, self):
                outcome.error(number, self.header_of.get(name, name), message)
                ok = False
        if values.get("lost_reason") and not values.get("lost_on"):
            header = self.header_of.get("lost_on") or self.header_of["lost_reason"]
            outcome.error(number, header, _("Give the day the customer was lost, or leave the reason empty."))
            ok = False
        if owner_name:
            values["owner_given"] = True
        return ok

    def _named_records(self, model) -> dict[str, int | None]:
        """The user's records of ``model`` by normalised name (the oldest, if several), read once for the file."""
        if model not in self._named:
            named: dict[str, int | None] = {}
            rows = model.objects.visible_to(self.actor).order_by("pk").values_list("pk", "name")
            for pk, name in rows.iterator(chunk_size=5000):
                named.setdefault(normalize_text(name), pk)
            self._named[model] = named
        return self._named[model]

    def _record_id(self, model, name: str) -> int | None:
        return self._named_records(model).get(normalize_text(name))

    # duplicates ---------------------------------------------------------------------------------------

    def keys_of(self, values: dict[str, Any]) -> list[str]:
        """A row's exact keys: its phones and e-mails (each field a list or a single value)."""
        keys: list[str] = []
        for name in self.point_fields:
            value = values.get(name)
            keys += value if isinstance(value, list) else [value] if value else []
        return keys

    def load_known(self) -> None:
        """Every exact key already in the database (alive records, whoever owns them), to its record."""
        if not self.point_fields:
            return
        known = self.known
        for pk, *points in self.model.objects.values_list("pk", *self.point_fields).iterator(5000):
            for value in points:
                if value:
                    for key in value if isinstance(value, list) else (value,):
                        known.setdefault(key, pk)

    def hide_foreign(self, entries: list[dict[str, Any]]) -> None:
        """A duplicate of a record the user may not see is still skipped, but its id is not shown."""
        ids = {e["existing_id"] for e in entries if e["existing_id"]}
        if not ids:
            return
        visible = set(
            self.model.objects.visible_to(self.actor).filter(pk__in=ids).values_list("pk", flat=True)
        )
        for entry in entries:
            if entry["existing_id"] not in visible:
                entry["existing_id"] = None

    # writing ------------------------------------------------------------------------------------------

    def build(self, values: dict[str, Any]):
        """An unsaved record with the row's values; built from its field defaults directly (as the ORM does
        when it loads a row) because a model's __init__ costs as much as reading the row."""
        owner = values.pop("owner")
        values.pop("owner_given", None)
        new_records = values.pop("new_records", None)
        tags = values.pop("tags", ())
        data = dict(self.defaults)
        for attname, default in self.fresh_default_of:
            data[attname] = default()
        attnames = self.attnames
        for name, value in values.items():
            if isinstance(value, models.Model):
                data[name + "_id"] = value.pk
            else:
                data[attnames.get(name, name)] = value
        data["owner_id"] = owner.pk
        data["team_id"] = owner.team_id
        if "source" in self.attnames and not values.get("source"):
            data["source"] = "import"
        instance = self.model.__new__(self.model)
        instance.__dict__.update(data)
        instance._state = ModelState()
        # plain attributes the batch writer reads back; ``search_text`` is a field of every importable kind
        instance.__dict__.update(new_records=new_records, import_tags=tags)
        instance.__dict__["search_text"] = search_text_of(instance)
        return instance

    def audit_changes(self, instance: models.Model) -> dict[str, Any]:
        changes = {}
        data = instance.__dict__
        for name, attname, model_field, always in _audit_plan(type(instance)):
            value = data[attname] if attname in data else getattr(instance, attname)
            if always or (type(value) not in _PLAIN_TYPES and not model_field.is_relation):
                value = plain_value(model_field, value)
            if value not in _EMPTY_VALUES:
                changes[name] = [None, value]
        tags = getattr(instance, "import_tags", ())
        if tags:
            changes["tags"] = [None, sorted(tags)]
        return changes

    def write_batch(self, rows: list[tuple[int, str, Any]], outcome: Outcome) -> int:
        """Write one batch's new records, their audit rows and import keys; the caller holds a transaction.
        Returns how many records were created."""
        if not rows:
            return 0
        instances = [instance for _n, _k, instance in rows]
        self._create_named_records(instances)
        keys = self.flag_possible_duplicates(rows, outcome)
        writing.insert(self.model, instances)
        for entry, instance in self._waiting_possible:
            entry["existing_id"] = instance.pk
        self._waiting_possible = []
        self._audit(instances)
        self._index_duplicate_keys(instances, keys)
        self._write_tags(instances)
        kind, run_id = self.kind, self.run.pk
        writing.insert_rows(
            ImportedRow,
            ["key", "kind", "object_id", "run_id"],
            [(key, kind, i.pk, run_id) for _n, key, i in rows],
        )
        if self.spec.after_insert is not None:
            by_model: dict[Any, list[models.Model]] = {}
            for record in self.spec.after_insert(instances, self):
                by_model.setdefault(type(record), []).append(record)
            for model, records in by_model.items():
                writing.insert(model, records, returning=False)
        known = self.known
        for instance in instances:
            pk = instance.pk
            for key in self.keys_of_instance(instance):
                if known.get(key) is None:
                    known[key] = pk
        return len(instances)

    # updating stored records ------------------------------------------------------------------------------

    def update_batch(self, rows, outcome: Outcome, *, dry_run: bool = False) -> None:
        """Rows matching a stored record by phone or e-mail update it through the services (audited, its
        version checked): the row's filled cells replace the record's values, phones, e-mails and tags are
        added to its own. A record the user may not see or change is skipped as a duplicate, unnamed."""
        if not rows:
            return
        records = {
            r.pk: r
            for r in self.model.objects.visible_to(self.actor).filter(pk__in={pk for _n, _k, pk, _v in rows})
        }
        done = []
        for number, key, pk, values in rows:
            record = records.get(pk)
            if record is None:
                outcome.skipped_duplicate += 1
                if outcome.reported + len(outcome.duplicates) < MAX_REPORTED:
                    outcome.duplicates.append(
                        {"row": number, "key": self.keys_of(values)[0], "existing_id": None}
                    )
                continue
            if dry_run:
                outcome.updated += 1
                continue
            try:
                with transaction.atomic():
                    self._update(record, self._update_values(record, values))
            except PeyvandError as exc:
                outcome.failed += 1
                for error in exc.errors or [{"field": exc.field or "", "message": exc.message}]:
                    name = str(error.get("field") or "")
                    outcome.error(number, self.header_of.get(name, name), error["message"])
                continue
            outcome.updated += 1
            done.append((key, pk))
        writing.insert_rows(
            ImportedRow,
            ["key", "kind", "object_id", "run_id"],
            [(key, self.kind, pk, self.run.pk) for key, pk in done],
        )

    def _update_values(self, record, values: dict[str, Any]) -> dict[str, Any]:
        values = dict(values)
        if not values.pop("owner_given", False):
            values.pop("owner", None)
        new_records = values.pop("new_records", None) or {}
        for name, attname, model in self.record_columns:
            if name in new_records:
                named, key = self._named_records(model), normalize_text(new_records[name])
                if named.get(key) is None:
                    # created through its type's service, as a person would
                    referred = registry.for_model(model)
                    assert referred is not None, "a column naming a record refers to a registered type"
                    created = referred.resource.create(
                        actor=self.actor, values={"name": new_records[name]}, allow_duplicate=True
                    )
                    named[key] = created.pk
                values[attname] = named[key]
            if attname in values:
                values[name] = values.pop(attname)
        for name in self.point_fields:
            # phones and e-mails are added to the record's own
            if isinstance(values.get(name), list):
                values[name] = list(dict.fromkeys([*getattr(record, name), *values[name]]))
        if "tags" in values:
            values["tags"] = list(
                dict.fromkeys([*record.tags.values_list("name", flat=True), *values["tags"]])
            )
        if "custom" in values:
            values["custom"] = {**(record.custom or {}), **values["custom"]}
        return values

    def _update(self, record, values: dict[str, Any]) -> None:
        self.record_type.resource.update(
            actor=self.actor, instance=record, version=record.version, values=values
        )

    def check_batch(self, rows, outcome: Outcome) -> None:
        """The dry run's look at a batch: possible duplicates among the records that would be created."""
        if rows:
            self.flag_possible_duplicates(rows, outcome)
            self._waiting_possible = []

    # possible duplicates: alike by name in the same company or city ---------------------------------------

    def lookup_keys(self, instance) -> list[tuple[str, str]]:
        """The keys the create-time duplicate check reads, as the services write them for this record."""
        from peyvand.contacts.duplicates import _values_of, keys_for

        entity = self.entity
        if entity is None:  # a kind without duplicate keys
            return []
        return keys_for(entity, _values_of(entity, instance))

    def flag_possible_duplicates(self, rows, outcome: Outcome) -> list[list[tuple[str, str]]]:
        """Report each row whose name is alike (same company or city) to a record the user can see or to an
        earlier row of the file; such rows are still created, as the people may be namesakes. Rows sharing a
        phone or e-mail never get here: they were skipped as duplicates. As in the whole-database scan, a name
        counts only when one of the two has neither phone nor e-mail: two different phones say two people, and
        across a large file namesakes are many. Returns each row's lookup keys."""
        from peyvand.contacts.duplicates import _values_of, name_match, name_parts, places, spec_of
        from peyvand.contacts.models import DuplicateKey

        if self.entity is None:
            return [[] for _row in rows]
        entity = self.entity
        keys = [self.lookup_keys(instance) for _n, _k, instance in rows]
        # a reachable row (phone or e-mail) can only be alike to a bare record; a bare row to any namesake
        reachable = [any(kind in ("phone", "email") for kind, _v in row_keys) for row_keys in keys]

        def names_of(want_reachable: bool) -> list[str]:
            rows_keys = (k for k, r in zip(keys, reachable, strict=True) if r == want_reachable)
            return sorted({value for row_keys in rows_keys for kind, value in row_keys if kind == "name"})

        holders: dict[tuple[str, str], list[int]] = {}
        for held, wanted in (("bare", names_of(True)), ("name", names_of(False))):
            if not wanted:
                continue
            found = None
            if held == "bare":
                # records without phone or e-mail are usually few: reading all their keys is one short query,
                # where asking for each of the batch's thousands of name keys is many long ones
                few = DuplicateKey.objects.filter(entity=entity, kind="bare").values_list(
                    "value", "object_id"
                )
                found = list(few[: FEW_BARE_KEYS + 1])
                if len(found) > FEW_BARE_KEYS:
                    found = None
                else:
                    wanted_set = set(wanted)
                    found = [(value, pk) for value, pk in found if value in wanted_set]
            if found is None:
                found = writing.select_in(
                    DuplicateKey, ["value", "object_id"], {"entity": entity, "kind": held}, "value", wanted
                )
            for value, object_id in found:
                holders.setdefault((held, value), []).append(object_id)
        if not holders and all(reachable):
            # each row can only be alike to a stored bare record (there is none) or to a bare row of this
            # batch (there is none): nothing to compare
            return keys
        ids = sorted({pk for pks in holders.values() if len(pks) <= MAX_NAME_BLOCK for pk in pks})

        point_fields = self.point_fields

        def signature(values):
            has_points = any(values.get(k) for k in point_fields)
            return (name_parts(entity, values), set(places(entity, values))), has_points

        existing = {}
        stored = spec_of(entity).stored
        columns = [attribute for _name, attribute in stored]
        visible = self.model.objects.visible_to(self.actor)
        for start in range(0, len(ids), 900):
            for row in visible.filter(pk__in=ids[start : start + 900]).values("pk", *columns):
                existing[row["pk"]] = signature({name: row[attribute] for name, attribute in stored})
        # holders were asked by kind: a reachable row meets bare records only, a bare row any record
        # name key -> this batch's rows so far (all of them, and those without phone or e-mail)
        earlier: dict[str, list[Any]] = {}
        earlier_bare: dict[str, list[Any]] = {}
        signatures: dict[int, Any] = {}

        def signature_of(instance):
            if id(instance) not in signatures:
                signatures[id(instance)] = signature(_values_of(entity, instance))
            return signatures[id(instance)]

        for (number, _k, instance), row_keys, row_reachable in zip(rows, keys, reachable, strict=True):
            held = "bare" if row_reachable else "name"
            # (score, existing record id, reason, earlier row's unsaved record)
            best: tuple[int, int | None, str, Any] | None = None
            for kind, value in row_keys:
                if kind != "name":
                    continue
                for pk in holders.get((held, value), ()):
                    if pk in existing:
                        match = name_match(*signature_of(instance)[0], *existing[pk][0])
                        if match and (best is None or match[0] > best[0]):
                            best = (match[0], pk, match[1], None)
                for other in (earlier_bare if row_reachable else earlier).get(value, ()):
                    match = name_match(*signature_of(instance)[0], *signature_of(other)[0])
                    if match and (best is None or match[0] > best[0]):
                        best = (match[0], None, match[1], other)
                earlier.setdefault(value, []).append(instance)
                if not row_reachable:
                    earlier_bare.setdefault(value, []).append(instance)
            if best is not None:
                entry = outcome.possibly(number, best[1], [best[2]])
                if entry is not None and best[3] is not None:
                    # an earlier row of this batch has no id yet: it is given once the batch is written
                    self._waiting_possible.append((entry, best[3]))
        return keys

    def _audit(self, instances) -> None:
        """One "create" entry per record, as create_record writes it."""
        if not instances:
            return
        content_type_id = ContentType.objects.get_for_model(type(instances[0])).pk
        at = connection.ops.adapt_datetimefield_value(timezone.now())
        note = str(_("Imported"))
        create, actor_id = AuditAction.CREATE.value, self.actor.pk
        writing.insert_rows(
            AuditEntry,
            ["content_type_id", "object_id", "action", "actor_id", "at", "version", "changes", "note"],
            [
                (content_type_id, i.pk, create, actor_id, at, 1, writing.to_json(self.audit_changes(i)), note)
                for i in instances
            ],
        )

    def _index_duplicate_keys(self, instances, keys=None) -> None:
        """The lookup keys the duplicate check on create reads, as the services write them for each record."""
        from peyvand.contacts.duplicates import _values_of, keys_for
        from peyvand.contacts.models import DuplicateKey

        record_type = registry.for_model(type(instances[0]))
        if record_type is None or not record_type.extra.get("duplicates"):
            return
        entity = record_type.name
        if keys is None:
            keys = [keys_for(entity, _values_of(entity, i)) for i in instances]
        writing.insert_rows(
            DuplicateKey,
            ["entity", "kind", "value", "object_id"],
            [
                (entity, kind, value, pk)
                for pk, row_keys in zip([i.pk for i in instances], keys, strict=True)
                for kind, value in row_keys
            ],
        )

    def _write_tags(self, instances) -> None:
        """Each record's tags: an existing tag of the same (normalised) name, else a new one."""
        from peyvand.core.models import Tag

        wanted = {normalize_text(n): n for i in instances for n in getattr(i, "import_tags", ())}
        if not wanted:
            return
        if self._tags is None:
            self._tags = {}
            for pk, name in Tag.objects.order_by("pk").values_list("pk", "name"):
                self._tags.setdefault(normalize_text(name), pk)
        for key, name in wanted.items():
            if key not in self._tags:
                self._tags[key] = Tag.objects.get_or_create(name=name[: F.TAG_LENGTH])[0].pk
        # every importable kind declares tags; the abstract OwnedModel the importer is typed with does not
        tags_field = self.model._meta.get_field("tags")  # type: ignore[misc]
        assert isinstance(tags_field, models.ManyToManyField) and tags_field.remote_field.through is not None
        writing.insert_rows(
            tags_field.remote_field.through,
            [tags_field.m2m_column_name(), tags_field.m2m_reverse_name()],
            [(i.pk, self._tags[normalize_text(n)]) for i in instances for n in getattr(i, "import_tags", ())],
        )

    def _create_named_records(self, instances) -> None:
        """The records named in the batch's cells that the user has none of (the company of a contact), created
        as their services would: search text, audit trail, duplicate keys."""
        for name, attname, model in self.record_columns:
            named = self._named_records(model)
            wanted = {}
            for instance in instances:
                record_name = (instance.new_records or {}).get(name, "")
                if record_name:
                    key = normalize_text(record_name)
                    if named.get(key) is None and key not in wanted:
                        wanted[key] = model(
                            name=record_name, owner_id=instance.owner_id, team_id=instance.team_id
                        )
            if wanted:
                for record in wanted.values():
                    record.search_text = search_text_of(record)
                writing.insert(model, list(wanted.values()))
                self._audit(list(wanted.values()))
                self._index_duplicate_keys(list(wanted.values()))
                for key, record in wanted.items():
                    named[key] = record.pk
            for instance in instances:
                record_name = (instance.new_records or {}).get(name, "")
                if record_name:
                    setattr(instance, attname, named[normalize_text(record_name)])

    def keys_of_instance(self, instance) -> list[str]:
        return self.keys_of({name: getattr(instance, name) for name in self.point_fields})


class PendingRow:
    """A row that passed the checks, waiting for its batch to be written through its type's service."""

    def __init__(self, values: dict[str, Any]):
        self.values = values
        self.pk = None


class ServiceImporter(Importer):
    """For a type whose spec has ``create``: each row goes through its service (a lead through ``create_lead``,
    so it is scored, assigned and opens a deal where its pipeline says so). That is a few queries per record
    instead of a bulk write; the spec says so only for types whose files are small."""

    def build(self, values: dict[str, Any]):
        return PendingRow(values)

    def keys_of_instance(self, instance) -> list[str]:
        return (
            self.keys_of(instance.values)
            if isinstance(instance, PendingRow)
            else super().keys_of_instance(instance)
        )

    def check_batch(self, rows, outcome: Outcome) -> None:
        for number, _key, pending in rows:
            self._flag(number, self._service_values(pending), outcome)

    def _service_values(self, pending: PendingRow) -> dict[str, Any]:
        values = dict(pending.values)
        owner_given = values.pop("owner_given", False)
        owner = values.pop("owner")
        if "source" in self.attnames:
            values.setdefault("source", "import")
        # an owner named in the row or chosen for the whole import is kept; otherwise the service's rules choose
        if owner_given or owner != self.actor:
            values["owner"] = owner
        return values

    def _flag(self, number: int, values: dict[str, Any], outcome: Outcome) -> None:
        from peyvand.contacts.duplicates import check_duplicates

        if self.entity is None:
            return
        candidates = check_duplicates(self.entity, actor=self.actor, values=values)
        if candidates:
            best = candidates[0]
            outcome.possibly(number, best.record.pk, [*best.reasons, str(best.record._meta.verbose_name)])

    def write_batch(self, rows, outcome: Outcome) -> int:
        create = self.spec.create
        assert create is not None
        created = []
        for number, key, pending in rows:
            values = self._service_values(pending)
            self._flag(number, values, outcome)
            try:
                with transaction.atomic():
                    record = create(actor=self.actor, values=values, default_owner=self.owner)
            except PeyvandError as exc:
                outcome.failed += 1
                for error in exc.errors or [{"field": exc.field or "", "message": exc.message}]:
                    column = self.header_of.get(str(error.get("field") or "").removeprefix("custom."), "")
                    outcome.error(number, column or str(error.get("field") or ""), error["message"])
                continue
            pending.pk = record.pk
            created.append((key, record))
        writing.insert_rows(
            ImportedRow,
            ["key", "kind", "object_id", "run_id"],
            [(key, self.kind, record.pk, self.run.pk) for key, record in created],
        )
        for _key, record in created:
            for known in self.keys_of_instance(record):
                if self.known.get(known) is None:
                    self.known[known] = record.pk
        return len(created)


def _batches(path: Path, size: int):
    batch = []
    for number, cells in read_rows(path):
        batch.append((number, cells))
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def check_run(*, run: ImportRun) -> ImportRun:
    """The dry run: every row read and checked as the import would, nothing written but the report."""
    run = execute(run=run, dry_run=True)
    return run


def execute(
    *,
    run: ImportRun,
    dry_run: bool = False,
    batch_size: int | None = None,
    progress: Callable[[int, int | None], None] | None = None,
) -> ImportRun:
    """Read the whole file; unless ``dry_run``, write each batch of good rows in its own transaction.

    The run's counts are saved in the batch's transaction, so after a crash the report matches what was
    written; running the same file again skips the rows whose keys are stored. A file not yet measured is
    measured first, so one over a limit is refused before anything is written.
    """
    if not run.headers:
        measure(run=run)
    if missing_required(run):
        names = ", ".join(F.column_label(run.kind, n) for n in missing_required(run))
        raise PeyvandError(
            "import.mapping",
            _("Map a column to every required field: %(names)s") % {"names": names},
            field="mapping",
            status=422,
        )
    _require_file(run)
    if batch_size is None:
        batch_size = SQLITE_BATCH_SIZE if connection.vendor == "sqlite" else BATCH_SIZE
    importer = (ServiceImporter if F.spec_of(run.kind).create is not None else Importer)(run)
    importer.load_known()
    run.issues.all().delete()  # a dry run's report, replaced by this run's
    outcome = Outcome()
    run.status = ImportStatus.RUNNING if not dry_run else run.status
    with writing.bulk_load():
        _execute_batches(run, importer, outcome, dry_run=dry_run, batch_size=batch_size, progress=progress)
    _save_outcome(run, outcome, ImportStatus.CHECKED if dry_run else ImportStatus.DONE, finished=not dry_run)
    return run


def _execute_batches(
    run: ImportRun, importer: "Importer", outcome: Outcome, *, dry_run, batch_size, progress
):
    # a kind without phones or e-mails has no exact keys: no row matches a stored record
    updating = run.on_duplicate == OnDuplicate.UPDATE
    done = 0
    path = Path(run.file_path)
    for batch in _batches(path, batch_size):
        keys = {number: row_key(run.kind, run.file_sha256, number) for number, _c in batch}
        stored = {key for (key,) in writing.select_in(ImportedRow, ["key"], {}, "key", keys.values())}
        pending: list[tuple[int, str, Any]] = []
        updates: list[tuple[int, str, int, dict[str, Any]]] = []
        waiting_dups: list[tuple[dict[str, Any], Any]] = []
        batch_dups: list[dict[str, Any]] = []
        for number, cells in batch:
            if keys[number] in stored:
                outcome.already_imported += 1
                continue
            values = importer.read_row(number, cells, outcome)
            if values is None:
                outcome.failed += 1
                continue
            duplicate = next((k for k in importer.keys_of(values) if k in importer.known), None)
            if duplicate is not None and updating and (existing_id := importer.known[duplicate]) is not None:
                updates.append((number, keys[number], existing_id, values))
                continue
            if duplicate is not None:
                outcome.skipped_duplicate += 1
                entry = {"row": number, "key": duplicate, "existing_id": importer.known[duplicate]}
                if outcome.reported + len(outcome.duplicates) < MAX_REPORTED:
                    outcome.duplicates.append(entry)
                    batch_dups.append(entry)
                if entry["existing_id"] is None:
                    waiting_dups.append((entry, duplicate))
                continue
            instance = importer.build(values)
            for key in importer.keys_of_instance(instance):
                importer.known.setdefault(key, None)  # later rows of this batch are duplicates of it
            pending.append((number, keys[number], instance))
        if dry_run:
            outcome.created += len(pending)
            importer.check_batch(pending, outcome)
            importer.update_batch(updates, outcome, dry_run=True)
            importer.hide_foreign(batch_dups)
            outcome.flush(run)
        else:
            with transaction.atomic():
                outcome.created += importer.write_batch(pending, outcome)
                importer.update_batch(updates, outcome)
                for entry, key in waiting_dups:
                    entry["existing_id"] = importer.known.get(key)
                importer.hide_foreign(batch_dups)
                outcome.flush(run)
                _save_outcome(run, outcome, ImportStatus.RUNNING)
        done += len(batch)
        if progress:
            progress(done, run.total_rows)


def _save_outcome(run: ImportRun, outcome: Outcome, status: str, *, finished: bool = False) -> None:
    run.created = outcome.created
    run.skipped_duplicate = outcome.skipped_duplicate
    run.already_imported = outcome.already_imported
    run.failed = outcome.failed
    run.updated = outcome.updated
    run.possible_duplicate = outcome.possible_duplicate
    run.status = status
    run.heartbeat_at = timezone.now()
    fields = ["created", "updated", "skipped_duplicate", "already_imported", "failed", "possible_duplicate"]
    fields += ["status", "heartbeat_at"]
    if finished:
        run.finished_at = timezone.now()
        fields.append("finished_at")
    run.save(update_fields=fields)


def check_file(*, run: ImportRun, progress=None) -> ImportRun:
    """The check job's work: measure the file (limits enforced as it is read), then the dry run, unless a
    required field has no column yet (the person maps the columns and checks again)."""
    measure(run=run)
    if missing_required(run):
        run.status = ImportStatus.UPLOADED
        run.save(update_fields=["status"])
        return run
    return execute(run=run, dry_run=True, progress=progress)


def start_check(*, run: ImportRun, actor) -> ImportRun:
    """Queue the check (dry run) as a background job; the run is "checking" until the job is done."""
    from peyvand.core.jobs import start_job
    from peyvand.imports.tasks import check_file as check_task

    _require_file(run)
    with transaction.atomic():
        job = start_job(
            kind="import",
            title=_("Check of %(name)s") % {"name": run.file_name},
            actor=actor,
            task=check_task,
            run_id=run.pk,
        )
        run.job = job
        run.status = ImportStatus.CHECKING
        run.language = get_language() or run.language
        run.save(update_fields=["job", "status", "language"])
    run.refresh_from_db()
    return run


def start_import(*, run: ImportRun, actor) -> ImportRun:
    """Queue the import as a background job with progress; the job runs ``execute``."""
    from peyvand.core.jobs import start_job
    from peyvand.imports.tasks import import_file

    if run.status in (ImportStatus.RUNNING, ImportStatus.DONE) and run.job_id:
        return run
    if run.status in (ImportStatus.CHECKING, ImportStatus.REFUSED):
        raise PeyvandError(
            "import.not_ready",
            _("This file is being checked or was refused; it cannot be imported now."),
            status=409,
        )
    _require_file(run)
    if run.headers and missing_required(run):
        execute(run=run, dry_run=True)  # raises the mapping error
    with transaction.atomic():
        job = start_job(
            kind="import",
            title=_("Import of %(name)s") % {"name": run.file_name},
            actor=actor,
            task=import_file,
            total=run.total_rows or None,
            run_id=run.pk,
        )
        run.job = job
        run.status = ImportStatus.RUNNING
        run.heartbeat_at = timezone.now()
        run.language = get_language() or run.language
        run.save(update_fields=["job", "status", "heartbeat_at", "language"])
    run.refresh_from_db()
    return run


def runs_visible_to(user):
    if user is None or not user.is_authenticated:
        return ImportRun.objects.none()
    if user.is_admin:
        return ImportRun.objects.all()
    return ImportRun.objects.filter(created_by=user)


def mark_interrupted(*, now, silent_for) -> int:
    """Runs whose worker took them up and then fell silent for ``silent_for`` are marked interrupted (and
    their jobs failed), so people see it and can resume them; returns how many."""
    from peyvand.core.models import Job, JobStatus

    stale = ImportRun.objects.filter(
        status=ImportStatus.RUNNING, job__status=JobStatus.RUNNING, heartbeat_at__lt=now - silent_for
    )
    count = 0
    for run in stale.select_related("job"):
        with transaction.atomic():
            updated = ImportRun.objects.filter(pk=run.pk, status=ImportStatus.RUNNING).update(
                status=ImportStatus.INTERRUPTED
            )
            if updated and run.job_id is not None:  # a stale run has a job: it was picked by its status
                Job.objects.filter(pk=run.job_id).update(
                    status=JobStatus.FAILED,
                    error=str(_("The worker stopped half-way; resume the import to go on.")),
                    finished_at=now,
                )
                count += 1
    return count


def remove_old_files(*, now, keep_for) -> int:
    """Uploaded files of runs idle for ``keep_for`` are deleted (the report stays); a file another recent run
    of the same content still uses is kept. Returns how many files were removed."""
    from django.db.models import Q
    from django.db.models.functions import Coalesce

    cutoff = now - keep_for
    idle = (
        ImportRun.objects.exclude(file_path="")
        .exclude(status=ImportStatus.RUNNING)
        .annotate(last=Coalesce("finished_at", "heartbeat_at", "created_at"))
    )
    old = idle.filter(last__lt=cutoff)
    removed = 0
    for path in set(old.values_list("file_path", flat=True)):
        in_use = ImportRun.objects.filter(file_path=path).filter(
            Q(status=ImportStatus.RUNNING) | Q(pk__in=idle.filter(last__gte=cutoff).values("pk"))
        )
        if in_use.exists():
            continue
        Path(path).unlink(missing_ok=True)
        ImportRun.objects.filter(file_path=path).update(file_path="")
        removed += 1
    return removed
