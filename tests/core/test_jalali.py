"""Dates in the user's calendar (peyvand/core/jalali.py): shown whatever is stored, read only within bounds."""

import datetime as dt

import pytest
from django.utils import translation

from peyvand.core import jalali

STORED = [
    dt.date(1, 1, 1),
    dt.date(9999, 12, 31),
    dt.datetime(1, 1, 1, 0, 0),
    dt.datetime(9999, 12, 31, 23, 59, 59),
    dt.datetime(1, 1, 1, 0, 0, tzinfo=dt.UTC),
    dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=dt.UTC),
]


@pytest.mark.parametrize("language", ["fa", "en"])
@pytest.mark.parametrize("value", STORED, ids=str)
def test_any_value_a_database_holds_is_shown_in_iso_where_the_calendar_cannot_hold_it(value, language):
    with translation.override(language):
        for show in (jalali.format_date, jalali.format_datetime, jalali.input_date, jalali.input_datetime):
            text = show(value)
            assert text.startswith(
                value.date().isoformat() if isinstance(value, dt.datetime) else value.isoformat()
            )


def test_a_day_inside_the_bounds_is_still_shown_in_jalali_in_persian():
    with translation.override("fa"):
        assert jalali.format_date(dt.date(2025, 11, 25)) == "۱۴۰۴/۰۹/۰۴"
        assert jalali.input_datetime(dt.datetime(2025, 11, 25, 14, 30)) == "1404/09/04 14:30"
        assert jalali.format_datetime(dt.datetime(1, 1, 1, 8, 5)) == "0001-01-01 08:05"


@pytest.mark.parametrize(
    "text", ["0001-01-01", "9999-12-31", "1899-12-31", "2101-01-01", "1278/10/10", "1479/10/11", "0001/01/01"]
)
def test_a_day_outside_the_business_range_is_refused_with_a_message_naming_the_range(text):
    with pytest.raises(jalali.DateOutOfRange) as refusal:
        jalali.parse_date(text)
    assert str(refusal.value) == "Enter a date between 1900-01-01 and 2100-12-31."


@pytest.mark.parametrize("text", ["1900-01-01", "2100-12-31", "1278/10/11", "1479/10/10"])
def test_the_first_and_last_day_are_accepted_in_either_calendar(text):
    assert jalali.parse_date(text)[0] in (jalali.FIRST_DAY, jalali.LAST_DAY)


def test_the_range_is_named_in_the_users_calendar():
    with translation.override("fa"):
        message = jalali.out_of_range_message()
    assert "۱۲۷۸/۱۰/۱۱" in message and "۱۴۷۹/۱۰/۱۰" in message
