"""The calendar in the browser: open the week, drag a task to another day, and find it there after a reload."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from peyvand.activities.models import Activity
from peyvand.activities.services import create_activity, update_activity

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def _this_week_task(owner, subject):
    """A task at 10:30 today, or yesterday when today is the last day of the week, so the next day is on the page."""
    today = timezone.localdate()
    day = today if today.weekday() != 6 else today - dt.timedelta(days=1)  # English weeks end on Sunday
    due = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 30)))
    return create_activity(actor=owner, values={"kind": "task", "subject": subject, "due_at": due})


def _english_week(page, sign_in, user, task):
    sign_in(user)
    page.click(".usermenu .lang-switch button")  # English
    expect(page.locator("html")).to_have_attribute("lang", "en")
    day = timezone.localtime(task.due_at).date()
    page.goto(f"/calendar/?view=week&date={day.isoformat()}")
    return day


def test_dragging_a_task_to_another_day_in_the_week_saves_it_there(page, sign_in, rep_a):
    task = _this_week_task(rep_a, "Send the quote")
    day = _english_week(page, sign_in, rep_a, task)
    target_day = day + dt.timedelta(days=1)
    item = page.locator(f'.cal-event[data-activity="{task.pk}"]')
    expect(page.locator(f'td[data-date="{day.isoformat()}"][data-hour="10"] .cal-event')).to_contain_text(
        "Send the quote"
    )

    item.drag_to(page.locator(f'td[data-date="{target_day.isoformat()}"][data-hour="15"]'))

    expect(item).to_have_attribute("data-version", str(task.version + 1))
    page.reload()
    moved = page.locator(f'td[data-date="{target_day.isoformat()}"][data-hour="15"] .cal-event')
    expect(moved).to_have_attribute("data-activity", str(task.pk))
    expect(moved).to_contain_text("15:30")
    task.refresh_from_db()
    assert timezone.localtime(task.due_at).date() == target_day
    assert timezone.localtime(task.due_at).time() == dt.time(15, 30)


def test_a_stale_drag_is_refused_and_the_task_goes_back(page, sign_in, rep_a):
    task = _this_week_task(rep_a, "Call Sara")
    day = _english_week(page, sign_in, rep_a, task)
    update_activity(actor=rep_a, activity=task, version=task.version, values={"subject": "Call Sara back"})

    page.locator(f'.cal-event[data-activity="{task.pk}"]').drag_to(
        page.locator(f'td[data-date="{(day + dt.timedelta(days=1)).isoformat()}"][data-hour="9"]')
    )

    expect(page.locator("#toast")).to_be_visible()
    expect(page.locator(f'td[data-date="{day.isoformat()}"][data-hour="10"] .cal-event')).to_have_attribute(
        "data-activity", str(task.pk)
    )
    assert Activity.objects.get(pk=task.pk).due_at == task.due_at
