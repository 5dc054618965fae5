"""Issued invoices and credit notes for the Iranian tax administration's taxpayer system (سامانه مودیان).

One row per invoice line, the invoice's header fields repeated on each, under the field names of the
administration's technical instruction for electronic invoices («دستورالعمل فنی صدور صورتحساب الکترونیکی», the
sales pattern, inp = 1): header ``indatim``, ``inty``, ``inno``, ``ins``, ``tins``, ``tob``, ``bid``, ``tinb``,
``bpc``, ``tprdis`` … ``tbill``, ``setm``, ``cap``, ``insp``; item ``sstid``, ``sstt``, ``am``, ``mu``, ``fee``,
``prdis``, ``dis``, ``adis``, ``vra``, ``vam``, ``tsstam``. Times are milliseconds since 1970 (UTC), as the
system's JSON takes them; amounts whole Rial. What Peyvand does not know is left empty rather than guessed: the
tax id the system returns (``taxid``, ``irtaxid``), branch codes and the registered contract id. A few columns
for people follow the system's (our number, the Jalali date, the buyer's name, the credited invoice's number).

Only Rial invoices are written (the system takes Rial; a foreign-currency sale is another pattern).
"""

import csv
import datetime as dt
import io
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import jdatetime
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import pgettext

from peyvand.billing import parties
from peyvand.billing.models import Invoice, InvoiceKind, InvoiceStatus
from peyvand.billing.permissions import ISSUE_FORBIDDEN, can_issue_invoices
from peyvand.core import registry
from peyvand.core.errors import PeyvandError
from peyvand.core.money import RIAL

HEADER_FIELDS = (
    "taxid",  # شماره منحصر به فرد مالیاتی: given by the system, not known here
    "indatim",  # تاریخ و زمان صدور صورتحساب
    "indati2m",  # تاریخ و زمان ایجاد صورتحساب
    "inty",  # نوع صورتحساب: 1 with the buyer's identity, 2 without
    "inno",  # سریال صورتحساب داخلی
    "irtaxid",  # شماره منحصر به فرد مالیاتی صورتحساب مرجع
    "inp",  # الگوی صورتحساب: 1 sales
    "ins",  # موضوع صورتحساب: 1 original, 4 return from sale (a credit note)
    "tins",  # شماره اقتصادی فروشنده
    "tob",  # نوع شخص خریدار: 1 person, 2 legal entity
    "bid",  # شناسه ملی / شماره ملی خریدار
    "tinb",  # شماره اقتصادی خریدار
    "sbc",  # کد شعبه فروشنده
    "bpc",  # کد پستی خریدار
    "bbc",  # کد شعبه خریدار
    "crn",  # شناسه یکتای ثبت قرارداد فروشنده
    "tprdis",  # مجموع مبلغ قبل از کسر تخفیف
    "tdis",  # مجموع تخفیفات
    "tadis",  # مجموع مبلغ پس از کسر تخفیف
    "tvam",  # مجموع مالیات بر ارزش افزوده
    "todam",  # مجموع سایر مالیات، عوارض و وجوه قانونی
    "tbill",  # مجموع صورتحساب
    "setm",  # روش تسویه: 1 cash, 2 credit, 3 both
    "cap",  # مبلغ پرداختی نقدی
    "insp",  # مبلغ پرداختی نسیه
)
ITEM_FIELDS = (
    "sstid",  # شناسه کالا/خدمت
    "sstt",  # شرح کالا/خدمت
    "am",  # تعداد/مقدار
    "mu",  # واحد اندازه‌گیری
    "fee",  # مبلغ واحد
    "prdis",  # مبلغ قبل از تخفیف
    "dis",  # مبلغ تخفیف
    "adis",  # مبلغ بعد از تخفیف
    "vra",  # نرخ مالیات بر ارزش افزوده
    "vam",  # مبلغ مالیات بر ارزش افزوده
    "odam",  # مبلغ سایر مالیات و عوارض
    "tsstam",  # مبلغ کل کالا/خدمت
)
EXTRA_FIELDS = ("number", "issue_date_jalali", "buyer_name", "credits_number")
COLUMNS = HEADER_FIELDS + ITEM_FIELDS + EXTRA_FIELDS

INVOICE_SUBJECT = {InvoiceKind.INVOICE: 1, InvoiceKind.CREDIT_NOTE: 4}
SALES_PATTERN = 1
CASH, CREDIT, CASH_AND_CREDIT = 1, 2, 3
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _visible_invoices(user) -> QuerySet:
    kind = registry.for_model(Invoice)
    return kind.visible(user) if kind is not None else Invoice.objects.visible_to(user)


def invoices_for_tax(*, user, start: dt.date, end: dt.date) -> QuerySet:
    """The issued Rial invoices and credit notes of ``start``..``end`` (issue dates) the user may see; only those
    who issue invoices export them."""
    if not can_issue_invoices(user):
        raise PeyvandError(
            ISSUE_FORBIDDEN,
            pgettext("tax export", "Only sales managers and administrators export invoices."),
            status=403,
        )
    return (
        _visible_invoices(user)
        .exclude(status=InvoiceStatus.DRAFT)
        .filter(issue_date__gte=start, issue_date__lte=end, currency=RIAL)
        .select_related("credits", "company", "contact")
        .prefetch_related("lines__product")
        .order_by("issue_date", "kind", "sequence", "id")
    )


def _millis(moment: dt.datetime | dt.date | None) -> int | str:
    if moment is None:
        return ""
    if not isinstance(moment, dt.datetime):
        # A day without a time: its start in the site's time zone.
        moment = timezone.make_aware(dt.datetime.combine(moment, dt.time()))
    return int(moment.timestamp() * 1000)


def _rial(amount: Decimal | None) -> int:
    return int(amount or 0)


def _quantity(value: Decimal) -> str:
    value = Decimal(value)
    return str(int(value)) if value == value.to_integral_value() else f"{value.normalize():f}"


def _serial(invoice: Invoice) -> str:
    """Ten digits unique per invoice and kind across fiscal years: the year's last two digits, 1 for invoices or
    2 for credit notes, and the gap-free sequence (the id for a document issued without one)."""
    sequence = invoice.sequence if invoice.sequence is not None else invoice.pk
    year = (invoice.fiscal_year or 0) % 100
    return f"{year:02d}{1 if invoice.kind == InvoiceKind.INVOICE else 2}{sequence:07d}"[-10:]


def _settlement(invoice: Invoice) -> tuple[int, int, int]:
    """(setm, cap, insp) from what has been paid: cash for what was paid, credit for the rest."""
    total, paid = _rial(invoice.total), min(_rial(invoice.paid), _rial(invoice.total))
    if paid <= 0:
        return CREDIT, 0, total
    if paid >= total:
        return CASH, total, 0
    return CASH_AND_CREDIT, paid, total - paid


def _header(invoice: Invoice) -> dict[str, Any]:
    seller = parties.from_snapshot(invoice.seller) if invoice.seller else parties.seller_party()
    buyer = parties.from_snapshot(invoice.buyer) if invoice.buyer else parties.buyer_party(invoice.customer)
    setm, cap, insp = _settlement(invoice)
    return {
        "taxid": "",
        "indatim": _millis(invoice.issued_at or invoice.issue_date),
        "indati2m": _millis(invoice.created_at),
        "inty": 1 if (buyer["national_id"] or buyer["economic_code"]) else 2,
        "inno": _serial(invoice),
        "irtaxid": "",
        "inp": SALES_PATTERN,
        "ins": INVOICE_SUBJECT.get(invoice.kind, 1),
        "tins": seller["economic_code"],
        "tob": 2 if invoice.company_id else 1,
        "bid": buyer["national_id"],
        "tinb": buyer["economic_code"],
        "sbc": "",
        "bpc": buyer["postal_code"],
        "bbc": "",
        "crn": "",
        "tprdis": _rial(invoice.gross),
        "tdis": _rial(invoice.discount),
        "tadis": _rial(invoice.net),
        "tvam": _rial(invoice.tax),
        "todam": 0,
        "tbill": _rial(invoice.total),
        "setm": setm,
        "cap": cap,
        "insp": insp,
        "number": invoice.number,
        "issue_date_jalali": jdatetime.date.fromgregorian(date=invoice.issue_date).strftime("%Y/%m/%d"),
        "buyer_name": buyer["name"],
        "credits_number": invoice.credits.number if invoice.credits_id and invoice.credits else "",
    }


def _item(line) -> dict[str, Any]:
    return {
        "sstid": line.product.code if line.product else "",
        "sstt": line.description,
        "am": _quantity(line.quantity),
        "mu": line.unit,
        "fee": _rial(line.unit_price),
        "prdis": _rial(line.gross),
        "dis": _rial(line.discount),
        "adis": _rial(line.net),
        "vra": _quantity(line.tax_percent),
        "vam": _rial(line.tax),
        "odam": 0,
        "tsstam": _rial(line.total),
    }


def tax_rows(invoices) -> Iterator[list[Any]]:
    """The header row (the system's field names), then one row per line of each invoice."""
    yield list(COLUMNS)
    for invoice in invoices:
        header = _header(invoice)
        for line in sorted(invoice.lines.all(), key=lambda line: (line.position, line.id)):
            values = {**header, **_item(line)}
            yield [values[name] for name in COLUMNS]


def _text(value: Any) -> str:
    text = str(value)
    # A spreadsheet must never run a description as a formula.
    return "'" + text if isinstance(value, str) and text.startswith(FORMULA_STARTS) else text


def csv_bytes(rows: Iterator[list[Any]]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens the Persian descriptions as Persian."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([_text(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode()


def xlsx_bytes(rows: Iterator[list[Any]]) -> bytes:
    """Numbers as numbers; text always as text (never a formula, a code keeps its leading zeros)."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("invoices")
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
