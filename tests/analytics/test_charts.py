"""The server-drawn charts' geometry and labels (peyvand/analytics/charts.py)."""

import datetime as dt

import pytest
from django.utils import translation

from peyvand.analytics import charts


def _firsts(year: int, month: int, count: int) -> list[dt.date]:
    days = []
    for _ in range(count):
        days.append(dt.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return days


def test_an_english_axis_names_gregorian_months_shortly_with_the_year_where_it_helps():
    with translation.override("en"):
        ticks = charts.month_axis("gregorian", _firsts(2025, 12, 12))

    assert [t["name"] for t in ticks][:3] == ["Dec", "Jan", "Feb"]
    assert [t["year"] for t in ticks] == ["", "2026"] + [""] * 9 + ["2026"]  # the first shown, the last
    assert ticks[-1] == {**ticks[-1], "name": "Nov", "minor": False}


def test_a_year_starting_inside_the_axis_is_named_where_it_starts():
    with translation.override("en"):
        ticks = charts.month_axis("gregorian", _firsts(2025, 9, 11))

    assert [(t["name"], t["year"]) for t in ticks][:6] == [
        ("Sep", "2025"),
        ("Oct", ""),
        ("Nov", ""),
        ("Dec", ""),
        ("Jan", "2026"),
        ("Feb", ""),
    ]


def test_an_axis_places_each_label_under_its_point_and_a_phone_shows_every_other_one():
    with translation.override("en"):
        ticks = charts.month_axis("gregorian", _firsts(2026, 1, 12))
    geometry = charts.line([1] * 12)

    lefts = [t["left"] for t in ticks]
    assert lefts == pytest.approx([x / geometry["width"] * 100 for x, _y in geometry["dots"]], abs=0.05)
    assert [t["minor"] for t in ticks] == [True, False] * 6  # the latest month always shows
    # The first label a phone shows carries its year even when it is not January; a hidden one never does.
    assert ticks[1]["year"] == "2026" and ticks[0]["year"] == ""


def test_a_persian_axis_names_jalali_months_with_persian_digits():
    with translation.override("fa"):
        ticks = charts.month_axis(
            "jalali", [dt.date(2026, 10, 23), dt.date(2026, 11, 22), dt.date(2026, 12, 22)]
        )

    assert [(t["name"], t["year"]) for t in ticks] == [("آبان", "۱۴۰۵"), ("آذر", ""), ("دی", "۱۴۰۵")]
