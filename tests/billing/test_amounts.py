"""Properties of billing's arithmetic (``billing.amounts``) over many generated amounts, and of allocating payments.

The payment services are written beside this file; until they are on main, the allocation property is stated over
``allocate`` below, a plain-Python model of the rule they must keep (a payment's allocations never exceed it nor
what each invoice still owes, oldest first), so the same property can later be pointed at the service.
"""

from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given
from hypothesis import strategies as st

from peyvand.billing import amounts

ZERO = Decimal(0)
CURRENCIES = st.sampled_from(["IRR", "USD", "EUR", "irr"])
PERCENTS = st.decimals(min_value=0, max_value=100, places=3, allow_nan=False, allow_infinity=False)
QUANTITIES = st.decimals(min_value=Decimal("0.001"), max_value=100_000, places=3)
PRICES = st.decimals(min_value=0, max_value=10**12, places=2)
AMOUNTS = st.decimals(min_value=-(10**12), max_value=10**12, places=4)


def line_inputs():
    return st.fixed_dictionaries(
        {"quantity": QUANTITIES, "unit_price": PRICES, "discount_percent": PERCENTS, "tax_percent": PERCENTS}
    )


@given(AMOUNTS)
def test_a_rial_amount_is_rounded_to_the_whole_rial_half_away_from_zero(value):
    rounded = amounts.round_money(value, "IRR")
    assert rounded == rounded.to_integral_value()
    assert abs(rounded - value) <= Decimal("0.5")
    if abs(value - value.to_integral_value(rounding="ROUND_DOWN")) == Decimal("0.5"):
        assert abs(rounded) > abs(value)  # a half goes away from zero
    assert rounded == value.quantize(Decimal("1"), rounding=ROUND_HALF_UP)


@given(AMOUNTS, st.sampled_from(["USD", "EUR"]))
def test_any_other_currency_is_rounded_to_the_cent_half_away_from_zero(value, currency):
    rounded = amounts.round_money(value, currency)
    assert rounded == rounded.quantize(Decimal("0.01"))
    assert abs(rounded - value) <= Decimal("0.005")
    assert rounded == value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@given(AMOUNTS, CURRENCIES)
def test_rounding_twice_changes_nothing(value, currency):
    once = amounts.round_money(value, currency)
    assert amounts.round_money(once, currency) == once


@given(line_inputs(), CURRENCIES)
def test_a_line_discount_is_never_negative_nor_above_its_gross_and_its_tax_is_on_its_net(line, currency):
    result = amounts.line_amounts(currency=currency, **line)
    assert ZERO <= result.discount <= result.gross
    assert result.net == result.gross - result.discount >= 0
    assert result.tax == amounts.round_money(result.net * line["tax_percent"] / 100, currency)
    assert result.total == result.net + result.tax


@given(st.lists(line_inputs(), min_size=0, max_size=8), PERCENTS, CURRENCIES)
def test_a_documents_totals_are_the_sums_of_its_lines(lines, document_discount, currency):
    first = [
        (
            amounts.line_amounts(
                quantity=line["quantity"],
                unit_price=line["unit_price"],
                discount_percent=line["discount_percent"],
                currency=currency,
            ),
            line["tax_percent"],
        )
        for line in lines
    ]
    final, totals = amounts.document_totals(first, discount_percent=document_discount, currency=currency)
    for key in ("gross", "discount", "net", "tax", "total"):
        assert getattr(totals, key) == sum((getattr(a, key) for a in final), ZERO)
    assert totals.total == totals.net + totals.tax
    assert ZERO <= totals.discount <= totals.gross
    for (before, tax_percent), after in zip(first, final, strict=True):
        # the document's discount only lowers each line, never below nothing, and each tax is on the line's net
        assert ZERO <= after.net <= before.net
        assert after.discount <= after.gross
        assert after.tax == amounts.round_money(after.net * tax_percent / 100, currency)
    assert ZERO <= amounts.discount_share(totals) <= 100


# --- allocation -----------------------------------------------------------------------------------------------------


def allocate(payment: Decimal, owed: list[Decimal]) -> list[Decimal]:
    """A payment spread over a customer's invoices, oldest first: each takes what it still owes, the rest stays
    on the customer's account."""
    left, shares = payment, []
    for balance in owed:
        share = min(left, max(balance, ZERO))
        shares.append(share)
        left -= share
    return shares


MONEY = st.integers(min_value=0, max_value=10**10).map(Decimal)


@given(
    invoices=st.lists(MONEY, min_size=1, max_size=6),
    credit_shares=st.lists(st.integers(min_value=0, max_value=100), min_size=6, max_size=6),
    payments=st.lists(st.integers(min_value=1, max_value=10**10).map(Decimal), max_size=8),
)
def test_allocations_never_exceed_a_payment_and_a_balance_is_invoices_less_credit_notes_less_payments(
    invoices, credit_shares, payments
):
    credits = [
        (total * share / 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
        for total, share in zip(invoices, credit_shares, strict=False)
    ]
    owed = [total - credit for total, credit in zip(invoices, credits, strict=True)]
    allocated_to = [ZERO] * len(invoices)
    for payment in payments:
        shares = allocate(payment, owed)
        assert sum(shares, ZERO) <= payment
        assert all(share >= 0 for share in shares)
        for i, share in enumerate(shares):
            owed[i] -= share
            allocated_to[i] += share
        assert all(balance >= 0 for balance in owed)  # no invoice is paid beyond what it owes
    for i, total in enumerate(invoices):
        assert owed[i] == total - credits[i] - allocated_to[i]
    on_account = sum(payments, ZERO) - sum(allocated_to, ZERO)
    assert on_account >= 0
    assert sum(owed, ZERO) - on_account == sum(invoices, ZERO) - sum(credits, ZERO) - sum(payments, ZERO)
