"""Rows out of an uploaded CSV or XLSX file, each cell as text, numbered as a spreadsheet shows them.

A small file can unpack to a huge one (an XLSX is a zip; a sheet of millions of empty rows packs to a few
hundred kilobytes), so the limits (settings ``PEYVAND_IMPORT_MAX_*``) are enforced while reading: the zip's
members are measured before anything is unpacked, and rows and columns are counted as they are read, the
reading stopping at the first one over the limit.
"""

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from peyvand.core.errors import PeyvandError
from peyvand.core.text import strip_control

# A spreadsheet cell may hold a whole paragraph; the csv module's default limit (128 KiB) is kept.
XLSX_MAGIC = b"PK\x03\x04"
# one CSV row (all its lines, when a quoted cell holds line breaks) may hold this many characters
MAX_ROW_CHARS = 1_000_000
MB = 1024 * 1024


def _bad_file(message) -> PeyvandError:
    return PeyvandError("import.bad_file", message, field="file", status=422)


def _number(value: int) -> str:
    return number_format(value, force_grouping=True)


class TooLarge(PeyvandError):
    """A limit of the import reached while reading; ``row`` and ``column`` say where (0: the whole file)."""

    def __init__(self, message, *, row: int = 0, column: int = 0, status: int = 422):
        super().__init__("import.too_large", message, field="file", status=status)
        self.row = row
        self.column = column


def max_upload() -> int:
    return settings.PEYVAND_IMPORT_MAX_UPLOAD_MB * MB


def check_size(size: int) -> None:
    if size > max_upload():
        limit = settings.PEYVAND_IMPORT_MAX_UPLOAD_MB
        raise TooLarge(
            _("The file is larger than %(limit)s MB; split it into smaller files.")
            % {"limit": _number(limit)},
            status=413,
        )


def is_xlsx(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(4) == XLSX_MAGIC


def check_unpacked_size(path) -> None:
    """Refuse a workbook whose members unpack to more than the limit, before any of them is unpacked. The
    sizes are those the zip declares; Python's zip reader stops at a member's declared size, so a member
    cannot unpack to more than it declares."""
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        raise _bad_file(_("The XLSX file cannot be read.")) from None
    limit = settings.PEYVAND_IMPORT_MAX_UNPACKED_MB
    if unpacked > limit * MB:
        raise TooLarge(
            _("The workbook unpacks to more than %(limit)s MB; split it into smaller files.")
            % {"limit": _number(limit)}
        )


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


class _Budget:
    """Characters read for the CSV row being parsed; the csv module asks for lines until a row is whole."""

    def __init__(self):
        self.row = 1
        self.used = 0


def _csv_lines(handle, budget: _Budget) -> Iterator[str]:
    while True:
        line = handle.readline(MAX_ROW_CHARS + 1)
        if not line:
            return
        budget.used += len(line)
        if budget.used > MAX_ROW_CHARS:
            raise TooLarge(
                _("Row %(row)s is too long: a row may hold at most %(limit)s characters.")
                % {"row": _number(budget.row), "limit": _number(MAX_ROW_CHARS)},
                row=budget.row,
            )
        yield line


def _csv_rows(path: Path) -> Iterator[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        try:
            sample = handle.read(64 * 1024)
            handle.seek(0)
            try:
                dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
            except csv.Error:
                dialect = csv.excel
            budget = _Budget()
            for row in csv.reader(_csv_lines(handle, budget), dialect):
                yield row
                budget.row += 1
                budget.used = 0
        except UnicodeDecodeError:
            raise _bad_file(_("The file is not UTF-8 text; save it as “CSV UTF-8” or as XLSX.")) from None
        except csv.Error as exc:
            raise _bad_file(_("The CSV file is malformed: %(reason)s") % {"reason": exc}) from None


def _xlsx_rows(path: Path) -> Iterator[tuple]:
    import openpyxl

    check_unpacked_size(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged workbook
        raise _bad_file(_("The XLSX file cannot be read.")) from None
    try:
        sheet = book.worksheets[0]
        # the size a sheet declares is not trusted: read by it, every row would be padded to its width
        sheet.reset_dimensions()
        yield from sheet.iter_rows(values_only=True)
    except Exception:  # a damaged sheet (bad XML, a member cut short) is found only while it is read
        raise _bad_file(_("The XLSX file cannot be read.")) from None
    finally:
        book.close()


def sheet_rows(path: Path) -> Iterator[tuple[int, list]]:
    """(row number, raw cells) for every row of the file, empty ones too, with the row and column limits
    checked as each row is read: the reading stops at the first row over a limit."""
    rows = _xlsx_rows(path) if is_xlsx(path) else _csv_rows(path)
    max_rows, max_columns = settings.PEYVAND_IMPORT_MAX_ROWS, settings.PEYVAND_IMPORT_MAX_COLUMNS
    try:
        for number, cells in enumerate(rows, start=1):
            if number > max_rows + 1:  # row 1 is the header
                raise TooLarge(
                    _("The file has more than %(limit)s rows; split it into files of at most %(limit)s rows.")
                    % {"limit": _number(max_rows)},
                    row=number,
                )
            if len(cells) > max_columns:
                raise TooLarge(
                    _("Row %(row)s, column %(column)s: a sheet may have at most %(limit)s columns.")
                    % {"row": _number(number), "column": _number(len(cells)), "limit": _number(max_columns)},
                    row=number,
                    column=len(cells),
                )
            yield number, cells
    finally:
        rows.close()


def read_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) for every row after the header; row 1 is the header, as in the spreadsheet."""
    for number, cells in sheet_rows(path):
        if number == 1:
            continue
        texts = [_cell_text(v) for v in cells]
        if "".join(texts).strip():
            yield number, texts


def read_headers(path: Path) -> list[str]:
    rows = sheet_rows(path)
    try:
        _number_, first = next(rows)
    except StopIteration:
        raise _bad_file(_("The file is empty.")) from None
    finally:
        rows.close()
    headers = [strip_control(_cell_text(h)).strip() for h in first]  # PostgreSQL stores no NUL
    if not any(headers):
        raise _bad_file(_("The first row must hold the column names."))
    return headers


def count_rows(path: Path) -> int:
    return sum(1 for _row in read_rows(path))


def check_upload(content: bytes) -> None:
    """What can be checked of an upload without reading its rows: its size, and that it is an XLSX workbook
    or UTF-8 text."""
    check_size(len(content))
    if content.startswith(XLSX_MAGIC):
        check_unpacked_size(io.BytesIO(content))  # reads the zip's directory only
        return
    try:
        io.TextIOWrapper(io.BytesIO(content[: 1024 * 1024]), encoding="utf-8-sig").read()
    except UnicodeDecodeError as exc:
        # a multi-byte character cut at the 1 MiB boundary is fine
        if len(content) <= 1024 * 1024 or exc.start < 1024 * 1024 - 4:
            raise _bad_file(_("The file is not UTF-8 text; save it as “CSV UTF-8” or as XLSX.")) from None


sniff_text = check_upload
