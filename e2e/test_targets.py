"""The targets grid in the browser: a cell typed and left is saved with htmx, a bad one says why in place."""

import pytest
from playwright.sync_api import expect

from peyvand.targets.models import Target

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_a_cell_left_after_typing_is_saved_and_a_bad_one_shows_its_error(page, sign_in, manager_a, rep_a):
    sign_in(manager_a)
    page.click(".usermenu .lang-switch button")  # English
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto("/targets/?year=1405")
    azar = page.locator(f"#cell-user-{rep_a.pk}-month-9")
    dey = page.locator(f"#cell-user-{rep_a.pk}-month-10")

    azar.locator("input[name=amount]").fill("5000000")
    azar.locator("input[name=amount]").press("Tab")
    expect(page.locator(f"#cell-user-{rep_a.pk}-month-9.saved")).to_be_visible()
    dey.locator("input[name=amount]").fill("-3")
    dey.locator("input[name=amount]").press("Tab")
    expect(page.locator(f"#cell-user-{rep_a.pk}-month-10 .field-error")).to_contain_text("cannot be negative")

    page.reload()
    expect(page.locator(f"#cell-user-{rep_a.pk}-month-9 input[name=amount]")).to_have_value("5,000,000")
    assert list(Target.objects.values_list("number", "amount")) == [(9, 50000000)]  # Toman typed, Rial stored
