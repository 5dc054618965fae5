"""Periods of the business calendar as Gregorian date ranges: Jalali months and quarters, Gregorian ones."""

import datetime as dt

import pytest

from peyvand.core import periods


def test_esfand_of_a_leap_year_has_thirty_days_and_ends_the_day_before_nowruz():
    esfand = periods.make_period("jalali", "month", 1403, 12)

    assert esfand.start == dt.date(2025, 2, 19)
    assert esfand.end == dt.date(2025, 3, 20)  # 1403/12/30
    assert (esfand.end - esfand.start).days + 1 == 30


def test_esfand_of_a_common_year_has_twenty_nine_days():
    esfand = periods.make_period("jalali", "month", 1404, 12)

    assert esfand.end == dt.date(2026, 3, 20)
    assert (esfand.end - esfand.start).days + 1 == 29
    assert periods.make_period("jalali", "month", 1405, 1).start == esfand.end + dt.timedelta(days=1)


def test_the_first_six_jalali_months_have_thirty_one_days_and_mehr_thirty():
    farvardin = periods.make_period("jalali", "month", 1405, 1)
    mehr = periods.make_period("jalali", "month", 1405, 7)

    assert (farvardin.start, farvardin.end) == (dt.date(2026, 3, 21), dt.date(2026, 4, 20))
    assert (mehr.end - mehr.start).days + 1 == 30


def test_a_jalali_quarter_is_three_jalali_months_end_to_end():
    spring = periods.make_period("jalali", "quarter", 1405, 1)
    winter = periods.make_period("jalali", "quarter", 1403, 4)

    assert [m.number for m in spring.months()] == [1, 2, 3]
    assert (spring.start, spring.end) == (dt.date(2026, 3, 21), dt.date(2026, 6, 21))
    assert spring.start == spring.months()[0].start and spring.end == spring.months()[-1].end
    assert (winter.start, winter.end) == (dt.date(2024, 12, 21), dt.date(2025, 3, 20))


def test_the_quarters_of_a_year_cover_it_without_gap_or_overlap():
    quarters = periods.periods_of_year("jalali", "quarter", 1403)

    for before, after in zip(quarters, quarters[1:], strict=False):
        assert after.start == before.end + dt.timedelta(days=1)
    assert sum((q.end - q.start).days + 1 for q in quarters) == 366


def test_gregorian_months_and_quarters_are_the_usual_ones():
    assert periods.make_period("gregorian", "month", 2024, 2).end == dt.date(2024, 2, 29)
    q4 = periods.make_period("gregorian", "quarter", 2026, 4)
    assert (q4.start, q4.end) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))


def test_the_day_of_a_period_finds_it_in_either_calendar():
    day = dt.date(2026, 11, 25)  # 1405/09/04

    assert periods.period_containing("jalali", "month", day) == periods.Period("jalali", "month", 1405, 9)
    assert periods.period_containing("jalali", "quarter", day) == periods.Period("jalali", "quarter", 1405, 3)
    assert periods.period_containing("gregorian", "quarter", day) == periods.Period(
        "gregorian", "quarter", 2026, 4
    )


@pytest.mark.parametrize(
    ("calendar", "kind", "year", "number", "wrong"),
    [
        ("jalali", "month", 1405, 13, "number"),
        ("jalali", "quarter", 1405, 5, "number"),
        ("jalali", "month", 2026, 1, "year"),
        ("gregorian", "month", 1405, 1, "year"),
        ("jalali", "week", 1405, 1, "kind"),
    ],
)
def test_a_period_that_does_not_exist_names_its_wrong_part(calendar, kind, year, number, wrong):
    with pytest.raises(ValueError, match=wrong):
        periods.make_period(calendar, kind, year, number)


def test_months_are_read_by_number_or_by_persian_or_english_name():
    assert periods.month_number("jalali", "۹") == 9
    assert periods.month_number("jalali", "آذر") == 9
    assert periods.month_number("jalali", "Esfand") == 12
    assert periods.month_number("gregorian", "March") == 3
    assert periods.month_number("jalali", "Brumaire") is None


def test_the_calendar_follows_the_setting_and_is_jalali_by_default(settings):
    settings.PEYVAND_CALENDAR = "gregorian"
    assert periods.business_calendar() == "gregorian"
    del settings.PEYVAND_CALENDAR
    assert periods.business_calendar() == "jalali"


def test_charts_count_months_in_the_readers_calendar_with_short_names():
    from django.utils import translation

    with translation.override("fa"):
        assert periods.reading_calendar() == "jalali"
        assert periods.short_month_name("jalali", 9) == "آذر"
    with translation.override("en"):
        assert periods.reading_calendar() == "gregorian"
        assert periods.short_month_name("gregorian", 11) == "Nov"
        assert periods.short_month_name("gregorian", 1) == "Jan"
