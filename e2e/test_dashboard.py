"""Dashboards in the browser: Persian (RTL, Jalali months, Persian digits) and English (LTR, the same figures),
charts drawn, filters applied in place, and a figure that opens the deals behind it."""

import re

import pytest
from playwright.sync_api import expect

from tests.analytics.dataset import build

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PERIOD = "start=2026-01-01&end=2026-11-25"


def _bar_edges(page, selector):
    """(bar start x, bar end x, track start x, track end x) of the first non-empty bar."""
    return page.eval_on_selector(
        selector,
        """bar => { const b = bar.getBoundingClientRect(), t = bar.parentElement.getBoundingClientRect();
                     return [b.left, b.right, t.left, t.right]; }""",
    )


def test_the_dashboard_in_persian_is_right_to_left_with_jalali_months_and_charts(page, sign_in):
    history = build(seed=3, deals=90)
    sign_in(history.users["manager_north"])
    page.goto(f"/dashboard/?{PERIOD}")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("h1")).to_have_text("داشبورد تیم")
    expect(page.locator(".line-labels")).to_contain_text("آذر ۱۴۰۵")
    # Dey 1404 to Azar 1405: the year is written where a new one starts (Farvardin) and at the end.
    expect(page.locator(".line-labels li").first).to_have_attribute("title", "دی ۱۴۰۴")
    expect(page.locator(".line-labels")).to_contain_text("فروردین ۱۴۰۵")
    assert re.search(r"[۰-۹]", page.locator('[data-figure="revenue"]').inner_text())
    points = page.locator(".line-chart polyline").get_attribute("points")
    assert len(points.split()) == 12
    # Bars grow from the right in Persian.
    left, right, track_left, track_right = _bar_edges(page, ".pipeline-card .hbar")
    assert right == pytest.approx(track_right, abs=1) and left > track_left

    # A filter changes the figures in place and keeps them in the address.
    before = page.locator('[data-figure="revenue"]').inner_text()
    page.select_option("select[name=rep]", str(history.users["rep_north1"].pk))
    expect(page).to_have_url(re.compile(r"rep=\d+"))
    expect(page.locator('[data-figure="revenue"]')).not_to_have_text(before)

    # A rep's revenue bar opens the deals behind it.
    page.locator(".reps-card .hbar-label").first.click()
    expect(page).to_have_url(re.compile(r"/deals/\?.*status=won"))


def test_the_dashboard_in_english_is_left_to_right_with_the_same_figures(page, sign_in):
    history = build(seed=3, deals=90)
    sign_in(history.users["manager_north"])
    page.goto(f"/dashboard/?{PERIOD}")
    persian_bars = page.locator(".pipeline-card .hbar").count()
    page.click(".usermenu .lang-switch button")  # English
    expect(page.locator("html")).to_have_attribute("lang", "en")  # the switch has reloaded the page
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    page.goto(f"/dashboard/?{PERIOD}")
    expect(page.locator("h1")).to_have_text("Team dashboard")
    # Charts of months speak the reader's calendar: Gregorian months in English.
    expect(page.locator(".line-labels")).to_contain_text("Nov 2026")
    expect(page.locator(".line-labels")).not_to_contain_text("Azar")
    assert page.locator(".pipeline-card .hbar").count() == persian_bars
    left, right, track_left, track_right = _bar_edges(page, ".pipeline-card .hbar")
    assert left == pytest.approx(track_left, abs=1) and right < track_right
    page.goto("/dashboard/board/")
    expect(page.locator("body.sales-board .board-reps li")).to_have_count(3)


def test_a_funnel_step_opens_the_deals_that_reached_it_and_its_filters_can_be_dropped(page, sign_in):
    history = build(seed=3, deals=90)
    sign_in(history.users["manager_north"])
    page.click(".usermenu .lang-switch button")  # English
    expect(page.locator("html")).to_have_attribute("lang", "en")  # the switch has reloaded the page
    page.goto(f"/reports/funnel/?{PERIOD}")
    second_step = page.locator(".report-table tbody tr").nth(1)
    reached = second_step.locator("td").nth(1)
    count = int(reached.inner_text().replace(",", ""))
    stage = second_step.locator("td").first.inner_text()
    reached.locator("a").click()
    expect(page).to_have_url(re.compile(r"/deals/\?.*reached=\d+"))
    expect(page.locator(".chips")).to_contain_text(f"Reached the stage: {stage}")
    expect(page.locator(".count")).to_have_text(f"{count} records")
    # Another filter keeps the link's filters; dropping one chip keeps the others.
    page.select_option("select[name=status]", "won")
    expect(page).to_have_url(re.compile(r"reached=\d+.*status=won|status=won.*reached=\d+"))
    page.locator(".chip", has_text="Reached the stage").click()
    expect(page).not_to_have_url(re.compile(r"reached="))
    expect(page.locator(".chips")).to_contain_text("Created from")
