"""Export of a filtered list to CSV or XLSX, limited to what the user may see.

The list's own query parameters (filters, search, ordering) are applied through the resource's list spec, so
an export holds exactly the rows the list shows, on every page. No cell is ever run as a formula: in CSV a cell
that a spreadsheet would read as one gets a leading apostrophe; in XLSX every cell is stored as text, so a phone
number keeps its "+" and no apostrophe shows. A Persian export's sheet reads right to left.
"""

import csv
import io
from collections.abc import Iterator
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from peyvand.core import registry
from peyvand.core.audit import plain_value
from peyvand.core.bulk import clean_ids
from peyvand.core.customfields import fields_for
from peyvand.core.errors import PeyvandError
from peyvand.core.listing import apply_list_params
from peyvand.core.permissions import can_see_deleted

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EXPORT_PARAMS = frozenset({"format", "page", "page_size"})


def escape_formula(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def exportable_types() -> list[registry.RecordType]:
    """The registered record types with a list and at least one exportable field."""
    return [t for t in registry.record_types() if t.resource is not None and t.fields_where("exportable")]


def _record_type(kind: str) -> registry.RecordType:
    """The record type of a list's name (its plural, as in its address)."""
    record_type = registry.by_plural(kind)
    if record_type is None or record_type not in exportable_types():
        raise PeyvandError("export.kind", _("This list cannot be exported."), status=404)
    return record_type


def export_columns(record_type: registry.RecordType) -> list[tuple[str, str]]:
    """(name, header) of every column after the id: the exportable fields in their registered order, then the
    custom fields an administrator defined (``cf_<key>``), as the import reads them back."""
    columns = [(f.name, str(record_type.label_of(f.name))) for f in record_type.fields_where("exportable")]
    if record_type.custom_fields:
        columns += [(f"cf_{f.key}", f.label) for f in fields_for(record_type.name)]
    return columns


def export_queryset(*, user, kind: str, params: dict[str, Any]):
    resource = _record_type(kind).resource
    params = {k: v for k, v in params.items() if k not in EXPORT_PARAMS}
    queryset = resource.visible(user)
    if params.get("deleted") in ("1", "true") and can_see_deleted(user):
        queryset = resource.model.all_objects.visible_to(user).filter(deleted_at__isnull=False)
    return apply_list_params(queryset, resource.list_spec, params)


def _cell(instance, name: str) -> str:
    if name == "owner":
        return instance.owner.username
    if name == "tags":
        return ", ".join(sorted(t.name for t in instance.tags.all()))
    if name.startswith("cf_"):
        value = (instance.custom or {}).get(name[3:])
        if isinstance(value, bool):
            return _("yes") if value else _("no")  # words the import reads back in either language
        return "" if value is None else str(value)
    model_field = instance._meta.get_field(name)
    value = getattr(instance, name)
    if value is None or value == "":
        return ""
    if model_field.is_relation:
        return str(value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if model_field.choices:
        return str(dict(model_field.choices).get(value, value))
    return str(plain_value(model_field, value))


def rows_for_export(
    *, user, kind: str, params: dict[str, Any], ids: list[Any] | None = None
) -> Iterator[list[str]]:
    """The header (in the user's language) and then one row per visible record, every cell escaped; with
    ``ids`` (the rows ticked on a list), only those of them the user may see.

    The filters are checked here, before the first row is asked for, so a bad filter is an error and not a
    broken download.
    """
    record_type = _record_type(kind)
    columns = export_columns(record_type)
    names = [name for name, _header in columns]
    queryset = export_queryset(user=user, kind=kind, params=params)
    if ids is not None:
        queryset = queryset.filter(pk__in=clean_ids(ids))
    model = record_type.model
    related = [
        n
        for n in names
        if not n.startswith("cf_") and isinstance(model._meta.get_field(n), models.ForeignKey)
    ]
    header = [str(model._meta.get_field("id").verbose_name)]
    header += [str(label) for _name, label in columns]
    if "tags" in names:
        queryset = queryset.prefetch_related("tags")

    def rows():
        yield header
        for instance in queryset.select_related(*related).iterator(chunk_size=2000):
            yield [str(instance.pk), *(_cell(instance, n) for n in names)]

    return rows()


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_chunks(rows: Iterator[list[str]]) -> Iterator[str]:
    """UTF-8 CSV with a byte-order mark, so Excel opens Persian text as Persian."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    for row in rows:
        yield writer.writerow([escape_formula(cell) for cell in row])


def xlsx_bytes(rows: Iterator[list[str]]) -> bytes:
    import openpyxl
    from django.utils.translation import get_language_bidi
    from openpyxl.cell import WriteOnlyCell

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.sheet_view.rightToLeft = get_language_bidi()
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"  # text as written: never a formula, a "+98..." phone stays a phone
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
