"""Duplicates in the browser: the create form warns, the user saves anyway, merges the two and undoes it."""

import pytest
from playwright.sync_api import expect

from peyvand.activities.models import Activity
from peyvand.activities.services import create_activity
from peyvand.contacts.models import Contact, MergeRecord

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_manager_is_warned_of_a_duplicate_then_merges_the_two_and_undoes_the_merge(page, sign_in, manager_a):
    sign_in(manager_a)
    page.click(".usermenu .lang-switch button")  # English
    expect(page.locator("html")).to_have_attribute("lang", "en")  # the switch has reloaded the page
    page.goto("/contacts/new/")
    page.fill("#id_first_name", "علی")
    page.fill("#id_last_name", "کریمی")
    page.fill("#id_phones", "0912 123 4567")
    page.click("form.form button[type=submit]")
    first = Contact.objects.get(last_name="کریمی")

    page.goto("/contacts/new/")
    page.fill("#id_first_name", "علي")
    page.fill("#id_last_name", "كريمي‌نژاد")
    page.fill("#id_phones", "+98 912 123 4567")
    page.click("form.form button[type=submit]")
    warning = page.locator(".duplicates")
    expect(warning).to_contain_text("same phone +989121234567")
    expect(warning.locator("a.candidate")).to_have_attribute("href", f"/contacts/{first.pk}/")
    assert Contact.objects.count() == 1
    page.check("input[name=allow_duplicate]")
    page.click("form.form button[type=submit]")
    page.wait_for_url(lambda url: "/new/" not in url)
    second = Contact.objects.exclude(pk=first.pk).get()
    activity = create_activity(actor=manager_a, values={"subject": "Call Ali", "record": second})

    page.goto(f"/duplicates/merge/?entity=contact&ids={first.pk},{second.pk}")
    page.check(f"input[name=field_last_name][value='{second.pk}']")
    page.click("form.merge button[type=submit]")
    expect(page.locator("button.undo-merge")).to_be_visible()
    first.refresh_from_db()
    assert first.last_name == "کریمی‌نژاد"
    assert Activity.objects.get(pk=activity.pk).record_id == first.pk
    assert not Contact.objects.filter(pk=second.pk).exists()

    page.click("button.undo-merge")
    expect(page.locator(".undone")).to_be_visible()
    first.refresh_from_db()
    assert first.last_name == "کریمی"
    assert Contact.objects.filter(pk=second.pk).exists()
    assert Activity.objects.get(pk=activity.pk).record_id == second.pk
    assert MergeRecord.objects.get().undone_at is not None
