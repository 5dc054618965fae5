"""The proposal follow-up rule, built in the browser without code, then doing its work when a rep completes the
"Send proposal" task on their day page."""

import datetime as dt
import re
import time

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from peyvand.activities.models import Activity
from peyvand.activities.services import create_activity
from peyvand.automation.models import Rule

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_a_manager_builds_the_follow_up_rule_and_completing_the_task_adds_the_follow_up(
    page, sign_in, manager_a, rep_a
):
    sign_in(manager_a)
    page.goto("/")
    page.click(".usermenu .lang-switch button")  # English
    expect(page.locator("html")).to_have_attribute("lang", "en")  # the switch has reloaded the page
    page.click("nav.mainnav a[href='/automation/']")
    page.click("a[href='/automation/new/']")
    # The click only starts the navigation: the form must be the page's before anything is bound to its body.
    expect(page).to_have_url(re.compile(r"/automation/new/$"))
    page.wait_for_load_state("domcontentloaded")
    expect(page.locator("#id_name")).to_be_visible()

    # Count the form's redraws, so each step waits until htmx has swapped in the new form and bound its fields.
    page.evaluate(
        "window.redraws = 0; document.body.addEventListener('htmx:afterSettle', () => window.redraws++)"
    )

    def redrawn(action):
        """Do something that redraws the form (htmx), and wait until it is redrawn."""
        before = page.evaluate("window.redraws")
        action()
        # polled from here: waiting inside the page would evaluate a string, which the page's policy forbids
        deadline = time.monotonic() + 10
        while page.evaluate("window.redraws") <= before:
            assert time.monotonic() < deadline, "the form was not redrawn"
            page.wait_for_timeout(25)

    page.fill("#id_name", "Follow up on proposals")
    redrawn(lambda: page.select_option("select[name=when]", "no_activity:deal"))
    expect(page.locator("input[name=days]")).to_be_visible()  # a quiet-deal trigger asks for its days
    redrawn(lambda: page.select_option("select[name=when]", "activity_completed:activity"))
    expect(page.locator("input[name=days]")).to_have_count(0)
    redrawn(lambda: page.click("#add-condition"))
    redrawn(lambda: page.select_option("select[name=c-0-field]", "subject"))
    expect(page.locator("input[name=c-0-value]")).to_be_visible()  # a text field compares with typed text
    # A new condition compares with "equals" already; choosing another comparison and back redraws the row.
    redrawn(lambda: page.select_option("select[name=c-0-op]", "contains"))
    redrawn(lambda: page.select_option("select[name=c-0-op]", "equals"))
    page.fill("input[name=c-0-value]", "Send proposal")
    expect(page.locator("select[name=a-0-type]")).to_have_value("create_activity")
    page.fill("input[name=a-0-subject]", "Follow up on the proposal")
    page.fill("input[name=a-0-due]", "+3 days")
    expect(page.locator("select[name=a-0-owner]")).to_have_value("record_owner")
    page.click("#save-rule")

    expect(page).to_have_url(re.compile(r"/automation/\d+/$"))
    expect(page.locator("h1")).to_contain_text("Follow up on proposals")
    rule = Rule.objects.get()
    assert rule.conditions == [{"field": "subject", "op": "equals", "value": "Send proposal"}]

    task = create_activity(
        actor=rep_a, values={"subject": "Send proposal", "due_at": timezone.now() - dt.timedelta(hours=1)}
    )
    page.context.clear_cookies()
    sign_in(rep_a)
    page.goto("/")
    page.click(".usermenu .lang-switch button")  # English
    expect(page.locator("html")).to_have_attribute("lang", "en")  # the switch has reloaded the page
    row = page.locator("li.task", has_text="Send proposal")
    row.get_by_role("button", name="Done").click()
    expect(page.locator("li.task", has_text="Send proposal")).to_have_count(0)

    page.goto("/activities/")
    expect(page.locator("table")).to_contain_text("Follow up on the proposal")
    task.refresh_from_db()
    follow_up = Activity.objects.get(subject="Follow up on the proposal")
    assert follow_up.owner == rep_a
    assert follow_up.due_at == task.done_at + dt.timedelta(days=3)

    page.context.clear_cookies()
    sign_in(manager_a)
    page.goto(f"/automation/{rule.pk}/")
    expect(page.locator("#runs tbody tr")).to_have_count(1)
    expect(page.locator("#runs")).to_contain_text(f"activity #{task.pk}")
