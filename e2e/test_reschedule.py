"""Rescheduling in Chromium: from the activities list a manager opens a task's "Reschedule" dialog, picks a new time
(typed as the page's calendar writes it: Jalali in Persian) and a teammate as owner, and the list then shows the new
date in Jalali; "+1 day" on "My day" moves a task a day on. In Persian and English, at 1440 px and 390 px."""

import datetime as dt

import jdatetime
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from e2e.conftest import fits, signed_in
from peyvand.activities.models import Activity
from peyvand.activities.services import create_activity
from peyvand.core.jalali import persian_digits

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def _tomorrow_at(hour: int, minute: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.mark.parametrize("language", ["en", "fa"])
def test_a_task_is_rescheduled_and_reassigned_from_the_list(
    browser, live_server, manager_a, rep_a, rep_a2, language
):
    task = create_activity(
        actor=rep_a, values={"kind": "task", "subject": "Send the price list", "due_at": _tomorrow_at(10, 30)}
    )
    new_day = timezone.localdate() + dt.timedelta(days=12)
    if language == "fa":
        typed = jdatetime.date.fromgregorian(date=new_day).strftime("%Y/%m/%d") + " 16:45"
        shown = persian_digits(typed)
    else:
        typed = shown = f"{new_day.isoformat()} 16:45"

    page = signed_in(browser, live_server, manager_a, language)
    page.goto("/activities/")
    row = page.locator("tr", has_text="Send the price list")
    row.locator("a.replan-open").click()
    dialog = page.locator("#quick-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator("#id_due_at")).to_have_attribute("data-picker", "datetime")
    fits(page, f"reschedule-dialog-{language}")

    dialog.locator("#id_due_at").fill("not a date")
    dialog.locator("#id_due_at").press("Tab")
    dialog.locator("button[type=submit]").click(force=True)
    expect(dialog.locator("#id_due_at_error")).to_be_visible()  # refused on the field, inside the dialog

    dialog.locator("#id_due_at").fill(typed)
    dialog.locator("#id_owner").select_option(str(rep_a2.pk))
    dialog.locator("#id_due_at").press("Tab")
    dialog.locator("button[type=submit]").click(force=True)

    expect(page.locator(".messages")).to_contain_text(shown)
    expect(page.locator("tr", has_text="Send the price list")).to_contain_text(shown)
    assert page.url.endswith("/activities/")
    fits(page, f"reschedule-list-{language}")
    task.refresh_from_db()
    assert timezone.localtime(task.due_at).date() == new_day and task.owner == rep_a2
    page.context.close()


@pytest.mark.parametrize("language", ["en", "fa"])
def test_plus_one_day_on_my_day_moves_a_task_a_day(browser, live_server, rep_a, language):
    task = create_activity(
        actor=rep_a,
        values={
            "kind": "call",
            "subject": "Call Mr Karimi",
            "due_at": timezone.now() + dt.timedelta(hours=1),
        },
    )
    before = task.due_at
    page = signed_in(browser, live_server, rep_a, language)
    page.goto("/")
    item = page.locator("li.task", has_text="Call Mr Karimi")
    fits(page, f"reschedule-my-day-{language}")
    item.locator("button[name=shift][value='1']").click()
    expect(page.locator(".messages")).to_contain_text("Call Mr Karimi")
    assert page.url.rstrip("/") == live_server.url
    task = Activity.objects.get(pk=task.pk)
    assert task.due_at - before == dt.timedelta(days=1)
    page.context.close()


@pytest.mark.parametrize("language", ["en", "fa"])
def test_a_task_on_a_deals_timeline_moves_a_week_and_its_page_offers_the_dialog(
    browser, live_server, rep_a, pipeline, language
):
    from peyvand.sales.services import create_deal

    deal = create_deal(actor=rep_a, values={"title": "Warehouse scanners"})
    due = _tomorrow_at(9, 15)
    task = create_activity(
        actor=rep_a, values={"kind": "task", "subject": "Send the quote", "due_at": due, "record": deal}
    )
    page = signed_in(browser, live_server, rep_a, language)
    page.goto(f"/deals/{deal.pk}/")
    item = page.locator(".timeline li", has_text="Send the quote")
    fits(page, f"reschedule-timeline-{language}")
    item.locator("button[name=shift][value='7']").click()
    expect(page.locator(".messages")).to_contain_text("Send the quote")
    assert page.url.endswith(f"/deals/{deal.pk}/")
    task.refresh_from_db()
    assert task.due_at - due == dt.timedelta(days=7)

    page.goto(f"/activities/{task.pk}/")
    page.locator(".replan a.replan-open").click()
    expect(page.locator("#quick-dialog #id_due_at")).to_be_visible()
    fits(page, f"reschedule-activity-page-{language}")
    expect(page.locator("#quick-dialog #id_owner")).to_have_count(0)  # a rep keeps their own work
    page.context.close()
