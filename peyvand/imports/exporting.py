"""Export of a filtered list to CSV or XLSX, limited to what the user may see.

The list's own query parameters (filters, search, ordering) are applied through the resource's list spec, so
an export holds exactly the rows the list shows, on every page. Cells that a spreadsheet would run as a
formula are written with a leading apostrophe.
"""

import csv
import io
from collections.abc import Iterator
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from peyvand.core.audit import plain_value
from peyvand.core.errors import PeyvandError
from peyvand.core.listing import apply_list_params
from peyvand.core.permissions import can_see_deleted
from peyvand.imports import fields as F

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EXPORT_PARAMS = frozenset({"format", "page", "page_size"})


def escape_formula(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _resource(kind: str):
    from peyvand.api import RESOURCES

    for resource in RESOURCES:
        if resource.name == kind:
            return resource
    raise PeyvandError("export.kind", _("This list cannot be exported."), status=404)


def export_queryset(*, user, kind: str, params: dict[str, Any]):
    resource = _resource(kind)
    params = {k: v for k, v in params.items() if k not in EXPORT_PARAMS}
    queryset = resource.visible(user)
    if params.get("deleted") in ("1", "true") and can_see_deleted(user):
        queryset = resource.model.all_objects.visible_to(user).filter(deleted_at__isnull=False)
    return apply_list_params(queryset, resource.list_spec, params)


def _cell(kind: str, instance, name: str) -> str:
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


def rows_for_export(*, user, kind: str, params: dict[str, Any]) -> Iterator[list[str]]:
    """The header (in the user's language) and then one row per visible record, every cell escaped.

    The filters are checked here, before the first row is asked for, so a bad filter is an error and not a
    broken download.
    """
    names = ["id", *(c.name for c in F.columns_of(kind))]
    queryset = export_queryset(user=user, kind=kind, params=params)
    related = [n for n in names if n != "id" and isinstance(F.model_field(kind, n), models.ForeignKey)]
    header = [escape_formula(str(F.model_field(kind, "id").verbose_name))]
    header += [escape_formula(F.column_label(kind, n)) for n in names[1:]]

    def rows():
        yield header
        records = queryset.select_related(*related).prefetch_related("tags")
        for instance in records.iterator(chunk_size=2000):
            yield [str(instance.pk), *(escape_formula(_cell(kind, instance, n)) for n in names[1:])]

    return rows()


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_chunks(rows: Iterator[list[str]]) -> Iterator[str]:
    """UTF-8 CSV with a byte-order mark, so Excel opens Persian text as Persian."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    for row in rows:
        yield writer.writerow(row)


def xlsx_bytes(rows: Iterator[list[str]]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
