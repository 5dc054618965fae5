"""Pricing a document's lines and totals, and the fiscal year its number counts in: shared by deals' lines,
quotes, invoices and credit notes so every one of them adds up the same way (``billing.amounts``)."""

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

import jdatetime

from peyvand.billing import amounts
from peyvand.billing.models import DocumentLine


def price_lines(lines: Sequence[DocumentLine], *, currency: str, discount_percent: Decimal = amounts.ZERO):
    """Fill each line's gross, discount, net, tax and total (the document's own discount spread over the lines)
    and return the document's totals. The lines are not saved."""
    first = [
        (
            amounts.line_amounts(
                quantity=line.quantity,
                unit_price=line.unit_price,
                discount_percent=line.discount_percent,
                currency=currency,
            ),
            line.tax_percent,
        )
        for line in lines
    ]
    final, totals = amounts.document_totals(first, discount_percent=discount_percent, currency=currency)
    for line, result in zip(lines, final, strict=True):
        line.gross, line.discount, line.net, line.tax, line.total = (
            result.gross,
            result.discount,
            result.net,
            result.tax,
            result.total,
        )
    return totals


def apply_totals(document, totals: amounts.DocumentTotals) -> None:
    document.gross, document.discount, document.net, document.tax, document.total = (
        totals.gross,
        totals.discount,
        totals.net,
        totals.tax,
        totals.total,
    )


def fiscal_year(day: dt.date, calendar: str = "jalali") -> int:
    """The fiscal year a day falls in: its Jalali year (from 1 Farvardin) or its Gregorian year."""
    if calendar == "gregorian":
        return day.year
    return jdatetime.date.fromgregorian(date=day).year
