"""Rows out of an uploaded CSV or XLSX file, each cell as text, numbered as a spreadsheet shows them."""

import csv
import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

from django.utils.translation import gettext as _

from peyvand.core.errors import PeyvandError
from peyvand.core.text import strip_control

# A spreadsheet cell may hold a whole paragraph; the csv module's default limit (128 KiB) is kept.
XLSX_MAGIC = b"PK\x03\x04"


def _bad_file(message) -> PeyvandError:
    return PeyvandError("import.bad_file", message, field="file", status=422)


def is_xlsx(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(4) == XLSX_MAGIC


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _csv_rows(path: Path) -> Iterator[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        try:
            sample = handle.read(64 * 1024)
            handle.seek(0)
            try:
                dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
            except csv.Error:
                dialect = csv.excel
            yield from csv.reader(handle, dialect)
        except UnicodeDecodeError:
            raise _bad_file(_("The file is not UTF-8 text; save it as “CSV UTF-8” or as XLSX.")) from None
        except csv.Error as exc:
            raise _bad_file(_("The CSV file is malformed: %(reason)s") % {"reason": exc}) from None


def _xlsx_rows(path: Path) -> Iterator[list[str]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged workbook
        raise _bad_file(_("The XLSX file cannot be read.")) from None
    try:
        sheet = book.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield [_cell_text(v) for v in row]
    finally:
        book.close()


def read_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) for every row after the header; row 1 is the header, as in the spreadsheet."""
    rows = _xlsx_rows(path) if is_xlsx(path) else _csv_rows(path)
    for number, cells in enumerate(rows, start=1):
        if number == 1:
            continue
        if "".join(cells).strip():
            yield number, cells


def read_headers(path: Path) -> list[str]:
    rows = _xlsx_rows(path) if is_xlsx(path) else _csv_rows(path)
    try:
        first = next(iter(rows))
    except StopIteration:
        raise _bad_file(_("The file is empty.")) from None
    finally:
        rows.close()
    headers = [strip_control(h).strip() for h in first]  # PostgreSQL stores no NUL, in text or JSON
    if not any(headers):
        raise _bad_file(_("The first row must hold the column names."))
    return headers


def count_rows(path: Path) -> int:
    return sum(1 for _row in read_rows(path))


def sniff_text(content: bytes) -> None:
    """Refuse at upload what is neither XLSX nor UTF-8 text."""
    if content.startswith(XLSX_MAGIC):
        return
    try:
        io.TextIOWrapper(io.BytesIO(content[: 1024 * 1024]), encoding="utf-8-sig").read()
    except UnicodeDecodeError as exc:
        # a multi-byte character cut at the 1 MiB boundary is fine
        if len(content) <= 1024 * 1024 or exc.start < 1024 * 1024 - 4:
            raise _bad_file(_("The file is not UTF-8 text; save it as “CSV UTF-8” or as XLSX.")) from None
