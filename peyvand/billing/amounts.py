"""The arithmetic of a priced document, written once: a line's net, discount and tax, a document's totals.

Amounts are ``Decimal`` in the document's currency (Rial for IRR). Every rounding goes through ``round_money``:
to the whole Rial for IRR, to the cent otherwise, half away from zero as invoices are rounded by hand. A line is
rounded once per step (gross, discount, tax), and a document's totals are the sums of its rounded lines, so the
printed lines always add up to the printed total.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from peyvand.core.money import RIAL

ZERO = Decimal("0")
HUNDRED = Decimal("100")


def round_money(amount: Decimal, currency: str = RIAL) -> Decimal:
    """An amount rounded as stored: whole Rial for IRR, two decimals for any other currency."""
    step = Decimal("1") if (currency or RIAL).upper() == RIAL else Decimal("0.01")
    return Decimal(amount).quantize(step, rounding=ROUND_HALF_UP).quantize(Decimal("0.01"))


def percent_of(amount: Decimal, percent: Decimal, currency: str = RIAL) -> Decimal:
    return round_money(Decimal(amount) * Decimal(percent) / HUNDRED, currency)


@dataclass(frozen=True)
class LineAmounts:
    gross: Decimal  # quantity × unit price
    discount: Decimal  # the line's own discount
    net: Decimal  # gross − discount, before tax
    tax: Decimal
    total: Decimal  # net + tax


def line_amounts(
    *,
    quantity: Decimal,
    unit_price: Decimal,
    discount_percent: Decimal = ZERO,
    tax_percent: Decimal = ZERO,
    currency: str = RIAL,
) -> LineAmounts:
    gross = round_money(Decimal(quantity) * Decimal(unit_price), currency)
    discount = percent_of(gross, discount_percent, currency)
    net = gross - discount
    tax = percent_of(net, tax_percent, currency)
    return LineAmounts(gross=gross, discount=discount, net=net, tax=tax, total=net + tax)


@dataclass(frozen=True)
class DocumentTotals:
    gross: Decimal  # the lines before any discount
    discount: Decimal  # line discounts and the document's discount together
    net: Decimal  # taxable amount
    tax: Decimal
    total: Decimal


def document_totals(
    lines: Iterable[tuple[LineAmounts, Decimal]], *, discount_percent: Decimal = ZERO, currency: str = RIAL
) -> tuple[list[LineAmounts], DocumentTotals]:
    """Each line's amounts after the document's own discount, and the totals.

    ``lines`` are (line amounts before the document discount, the line's tax percent). The document's discount is
    taken from each line's net, so each line's tax is on what the customer pays for that line.
    """
    final: list[LineAmounts] = []
    for amounts, tax_percent in lines:
        extra = percent_of(amounts.net, discount_percent, currency)
        net = amounts.net - extra
        tax = percent_of(net, tax_percent, currency)
        final.append(
            LineAmounts(
                gross=amounts.gross, discount=amounts.discount + extra, net=net, tax=tax, total=net + tax
            )
        )
    totals = DocumentTotals(
        gross=sum((a.gross for a in final), ZERO),
        discount=sum((a.discount for a in final), ZERO),
        net=sum((a.net for a in final), ZERO),
        tax=sum((a.tax for a in final), ZERO),
        total=sum((a.total for a in final), ZERO),
    )
    return final, totals


def discount_share(totals: DocumentTotals) -> Decimal:
    """The discount given as a percentage of the gross (what a role's ceiling is compared with)."""
    if not totals.gross:
        return ZERO
    return (totals.discount * HUNDRED / totals.gross).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
