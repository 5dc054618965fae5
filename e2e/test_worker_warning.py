"""An administrator sees in the header that no background worker is running; a rep does not."""

import pytest
from playwright.sync_api import expect

from e2e.conftest import fits, signed_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

TEXT = {
    "en": "No background worker has been seen yet",
    "fa": "هنوز هیچ پردازشگر پس‌زمینه‌ای دیده نشده است",
}


@pytest.mark.parametrize("language", ["fa", "en"])
def test_the_administrator_is_warned_that_no_worker_runs(browser, live_server, admin, rep_a, language):
    page = signed_in(browser, live_server, admin, language)
    page.goto("/")
    expect(page.locator(".worker-warning")).to_contain_text(TEXT[language])
    fits(page, f"worker-warning-{language}")

    rep = signed_in(browser, live_server, rep_a, language)
    rep.goto("/")
    expect(rep.locator(".worker-warning")).to_have_count(0)
