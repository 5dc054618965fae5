"""Template filters every page uses (peyvand/core/templatetags/peyvand.py): percentages, isolated names and
audit values in the reader's language."""

import pytest
from django.template import Context, Template
from django.utils import translation

from peyvand.core.templatetags.peyvand import audit_value, isolate, percent
from peyvand.leads.models import Lead


def test_a_percentage_has_the_sign_and_digits_of_the_page_language():
    with translation.override("fa"):
        assert percent(25) == "۲۵٪"
    with translation.override("en"):
        assert percent(25) == "25%"
    assert percent(None) == ""


@pytest.mark.parametrize(
    "language,shown", [("fa", ["۰", "۱۰۰", "۹.۵", "۲.۲۵"]), ("en", ["0", "100", "9.5", "2.25"])]
)
def test_a_stored_decimal_on_a_record_page_reads_without_trailing_zeros_in_the_page_digits(language, shown):
    from decimal import Decimal

    from peyvand.billing.models import Quote
    from peyvand.core.templatetags.peyvand import field_value

    stored = ["0.000", "100.000", "9.500", "2.250"]
    with translation.override(language):
        assert [field_value(Quote(discount_percent=Decimal(v)), "discount_percent") for v in stored] == shown
        assert [audit_value(Quote(), "discount_percent", v) for v in stored] == shown  # the timeline's too


def test_a_name_is_isolated_and_still_escaped():
    assert isolate("سرنخ واجد شرایط") == "\u2068سرنخ واجد شرایط\u2069"
    assert isolate("") == ""
    rendered = Template("{{ name|isolate }} (10%)").render(Context({"name": "<b>Pars</b>"}))
    assert rendered == "\u2068&lt;b&gt;Pars&lt;/b&gt;\u2069 (10%)"


@pytest.mark.parametrize("language,yes,no,number", [("fa", "بله", "خیر", "۴۰"), ("en", "Yes", "No", "40")])
def test_an_audit_value_reads_yes_or_no_and_numbers_in_the_page_language(language, yes, no, number):
    with translation.override(language):
        assert audit_value(Lead(), "qualified", True) == yes
        assert audit_value(Lead(), "qualified", False) == no
        assert audit_value(Lead(), "score", 40) == number


@pytest.mark.parametrize("language,zero,half", [("fa", "۰", "۹.۵"), ("en", "0", "9.5")])
def test_a_decimal_reads_without_trailing_zeros_in_the_page_language(language, zero, half):
    from decimal import Decimal

    from peyvand.billing.models import Invoice
    from peyvand.core.templatetags.peyvand import field_value

    with translation.override(language):
        assert field_value(Invoice(discount_percent=Decimal("9.500")), "discount_percent") == half
        assert audit_value(Invoice(), "discount_percent", "0.000") == zero
        assert audit_value(Invoice(), "discount_percent", "9.500") == half
