"""Spreadsheets of the catalogue: a product row's own steps in the spreadsheet import (its ``ImportSpec`` in
``resources_catalog.py``), and a price list's prices read from and written to CSV/XLSX.

A price list's file is small (one list's prices), so it is read while the page waits, within limits enforced as it
is read (the file's size, the zip's unpacked size, rows and columns). Its amounts are Rial, as exports write them,
unless the price column's header names Toman («قیمت (تومان)»).
"""

import csv
import io
import zipfile
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from peyvand.billing import services_catalog
from peyvand.billing.models import PriceList, Product, ProductCategory, TaxClass
from peyvand.core import money
from peyvand.core.errors import PeyvandError, ValidationFailed
from peyvand.core.text import normalize_text, strip_control, to_ascii_digits

YES = {"1", "true", "yes", "y", "x", "✓", "بله", "آری", "اره", "اری", "دارد", "فعال", "هست"}
NO = {"", "0", "false", "no", "n", "خیر", "نه", "ندارد", "غیرفعال", "نیست"}
FLAGS = ("is_service", "active", "tracks_serials")


def _flag(raw: Any) -> bool | None:
    word = normalize_text(to_ascii_digits(str(raw or "")))
    if word in {normalize_text(w) for w in YES}:
        return True
    if word in {normalize_text(w) for w in NO}:
        return False
    return None


def check_product(values: dict[str, Any], context) -> list[tuple[str, Any]]:
    """A product row: its code not taken (in the database or higher up the file), its tax class known, its
    yes/no cells read. An unknown category is created with the product."""
    errors: list[tuple[str, Any]] = []
    code = to_ascii_digits(str(values.get("code") or "")).strip()
    seen = context.memo.setdefault("product_codes", set())
    if code and (code in seen or Product.all_objects.filter(code=code).exists()):
        errors.append(("code", _("Another product already has this code.")))
    seen.add(code)
    name = normalize_text(values.get("tax_class") or "")
    if name:
        tax_class = next(
            (t for t in TaxClass.objects.all() if name in (normalize_text(t.code), normalize_text(t.name))),
            None,
        )
        if tax_class is None:
            errors.append(("tax_class", _("No such tax class.")))
        values["tax_class"] = tax_class
    else:
        values.pop("tax_class", None)
    category = values.get("category") or ""
    if len(category) > 100:
        errors.append(("category", _("Write at most %(n)s characters.") % {"n": 100}))
    for flag in FLAGS:
        if flag not in values:
            continue
        raw = values[flag]
        read = _flag(raw)
        if read is None:
            errors.append((flag, _("Write yes or no.")))
        elif raw in ("", None) and flag == "active":
            values[flag] = True  # an empty cell keeps a new product active
        else:
            values[flag] = read
    return errors


def create_product(*, actor, values: dict[str, Any], default_owner=None) -> Product:
    """One imported product through the service (so only the catalogue's keepers import products); a category
    named in the row is found by name or added."""
    values = dict(values)
    category = values.pop("category", "") or ""
    if category:
        found = next(
            (c for c in ProductCategory.objects.all() if normalize_text(c.name) == normalize_text(category)),
            None,
        )
        if found is None:
            services_catalog.require_catalog(actor)
            found = services_catalog.save_category(actor=actor, values={"name": category})
        values["category"] = found
    if not values.get("currency"):
        values.pop("currency", None)
    return services_catalog.create_product(actor=actor, values=values)


# ── a price list's prices as a spreadsheet ─────────────────────────────────────────────────────────────────────

MAX_BYTES = 2 * 1024 * 1024
MAX_UNPACKED = 40 * 1024 * 1024
MAX_ROWS = services_catalog.MAX_ITEMS
MAX_COLUMNS = 30

COLUMNS = {
    "product": ("کد", "کد کالا", "کد محصول", "code", "product code", "product", "sku"),
    "min_quantity": ("از تعداد", "حداقل تعداد", "تعداد", "from quantity", "min quantity", "quantity"),
    "price": ("قیمت", "بها", "مبلغ", "price", "unit price"),
}
NAME_COLUMNS = ("نام", "نام کالا", "name", "product name")


def _bad(message) -> PeyvandError:
    return PeyvandError("price_list.bad_file", message, field="file", status=422)


def _cells(upload) -> list[list[str]]:
    """The file's rows as text cells, within the limits."""
    if upload.size > MAX_BYTES:
        raise _bad(_("The file is larger than 2 MB."))
    data = upload.read()
    rows: list[list[str]] = []
    if data.startswith(b"PK\x03\x04"):
        from openpyxl import load_workbook

        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            if sum(i.file_size for i in archive.infolist()) > MAX_UNPACKED:
                raise _bad(_("The spreadsheet unpacks to too much data."))
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
            for row in sheet.iter_rows(values_only=True):
                if len(rows) > MAX_ROWS:
                    break
                cells = ["" if v is None else str(v) for v in row]
                while cells and not cells[-1].strip():
                    cells.pop()
                rows.append(cells)
        except PeyvandError:
            raise
        except Exception:
            raise _bad(_("This file is not a spreadsheet that can be read (CSV or XLSX).")) from None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise _bad(_("Save the CSV file as UTF-8.")) from None
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel  # type: ignore[assignment]
        try:
            for row in csv.reader(io.StringIO(text), dialect):
                if len(rows) > MAX_ROWS:
                    break
                rows.append(row)
        except csv.Error:
            raise _bad(_("This file is not a spreadsheet that can be read (CSV or XLSX).")) from None
    if len(rows) > MAX_ROWS:
        raise _bad(_("A price list file holds at most %(n)s rows.") % {"n": MAX_ROWS})
    if any(len(r) > MAX_COLUMNS for r in rows):
        raise _bad(_("The file has too many columns."))
    return [[strip_control(c).strip() for c in r] for r in rows]


def read_price_list_file(upload) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The items in the file and the errors found, each naming its row (as the spreadsheet numbers it) and
    column. Prices are Rial unless the price header names Toman."""
    rows = _cells(upload)
    while rows and not any(rows[0]):
        rows.pop(0)
    if not rows:
        raise _bad(_("The file is empty."))
    header = rows[0]
    where: dict[str, int] = {}
    factor = 1
    for index, title in enumerate(header):
        unit, bare = money.header_unit(title)
        key = normalize_text(bare)
        for name, aliases in COLUMNS.items():
            if name not in where and key in {normalize_text(a) for a in aliases}:
                where[name] = index
                if name == "price":
                    factor = money.header_factor(title)
    missing = [name for name in ("product", "price") if name not in where]
    if missing:
        raise _bad(
            _("The first row must name the columns; missing: %(names)s.")
            % {"names": "، ".join(COLUMNS[m][0] + " / " + COLUMNS[m][-1] for m in missing)}
        )
    codes = {p.code: p.pk for p in Product.objects.only("pk", "code")}
    items, errors = [], []
    for number, row in enumerate(rows[1:], start=2):
        if not any(row):
            continue

        def cell(name: str, row=row) -> str:
            index = where.get(name)
            return row[index] if index is not None and index < len(row) else ""

        code = to_ascii_digits(cell("product"))
        product = codes.get(code)
        if product is None:
            errors.append(
                {"row": number, "column": header[where["product"]], "message": _("No product has this code.")}
            )
        try:
            price = money.parse_number(cell("price"))
            if price is None or price < 0:
                raise ValueError
            price = price * factor
        except (ValueError, ArithmeticError):
            errors.append(
                {
                    "row": number,
                    "column": header[where["price"]],
                    "message": _("Write a price, such as 12500000."),
                }
            )
            continue
        quantity: Any = Decimal("1")
        if "min_quantity" in where and cell("min_quantity"):
            try:
                quantity = money.parse_number(cell("min_quantity"))
            except (ValueError, ArithmeticError):
                quantity = None
            if quantity is None or quantity <= 0:
                errors.append(
                    {
                        "row": number,
                        "column": header[where["min_quantity"]],
                        "message": _("Write a quantity above zero."),
                    }
                )
                continue
        if product is not None:
            items.append({"product": product, "min_quantity": quantity, "price": price, "row": number})
    return items, errors


def import_price_list(*, actor, price_list: PriceList, upload) -> int:
    """Replace the list's prices with the file's; nothing is written when any row is wrong. Returns how many."""
    services_catalog.require_catalog(actor)
    items, errors = read_price_list_file(upload)
    if errors:
        raise ValidationFailed(
            [{"field": f"row {e['row']}: {e['column']}", "message": e["message"]} for e in errors]
        )
    try:
        saved = services_catalog.save_price_list_items(
            actor=actor,
            price_list=price_list,
            items=[{k: v for k, v in item.items() if k != "row"} for item in items],
        )
    except ValidationFailed as exc:
        # name the spreadsheet's row, not the position among the items
        rows = [item["row"] for item in items]
        renamed = []
        for error in exc.errors:
            parts = str(error["field"]).split(".")
            if len(parts) == 3 and parts[1].isdigit():
                renamed.append(
                    {"field": f"row {rows[int(parts[1]) - 1]}: {parts[2]}", "message": error["message"]}
                )
            else:
                renamed.append(error)
        raise ValidationFailed(renamed) from None
    return len(saved)


def price_list_rows(price_list: PriceList) -> list[list[Any]]:
    """The list's prices as a spreadsheet: a header row, then one row per price (amounts in Rial)."""
    rows: list[list[Any]] = [[_("Code"), _("Name"), _("From quantity"), _("Price (Rial)")]]
    for item in price_list.items.select_related("product").order_by("product__code", "min_quantity"):
        rows.append(
            [item.product.code, item.product.name, item.min_quantity.normalize(), item.price.normalize()]
        )
    return rows


def export_price_list(price_list: PriceList, file_format: str) -> tuple[bytes, str]:
    """The file's bytes and its content type."""
    rows = price_list_rows(price_list)
    if file_format == "xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet()
        for row in rows:
            sheet.append(
                [
                    str(v)
                    if isinstance(v, Decimal) and v != v.to_integral_value()
                    else (int(v) if isinstance(v, Decimal) else v)
                    for v in row
                ]
            )
        out = io.BytesIO()
        book.save(out)
        return out.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    text = io.StringIO()
    writer = csv.writer(text)
    for row in rows:
        # a round decimal is written 10, not 1E+1 (its str once normalised)
        writer.writerow([_safe(f"{v:f}" if isinstance(v, Decimal) else v) for v in row])
    return ("\ufeff" + text.getvalue()).encode("utf-8"), "text/csv; charset=utf-8"


def _safe(value: Any) -> str:
    """A cell a spreadsheet will not run as a formula."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not text[1:2].isdigit() else text
