"""The date inputs of forms (web/forms.py LocalDateInput): their example in the page's calendar and digits."""

import datetime as dt

import pytest
import time_machine
from django.utils import translation

from peyvand.web.forms import LocalDateInput


@pytest.mark.parametrize(
    ("language", "with_time", "example"),
    [
        ("fa", False, "۱۴۰۵/۰۹/۱۶"),
        ("fa", True, "۱۴۰۵/۰۹/۱۶ ۱۴:۳۰"),
        ("en", False, "2026-12-07"),
        ("en", True, "2026-12-07 14:30"),
    ],
)
@time_machine.travel(dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC), tick=False)
def test_the_placeholder_is_an_example_in_the_pages_calendar_and_digits(language, with_time, example):
    with translation.override(language):
        attrs = LocalDateInput(with_time=with_time).get_context("due", None, {})["widget"]["attrs"]
    assert attrs["placeholder"] == example
