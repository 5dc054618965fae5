"""Importing a spreadsheet in the browser: upload, fix a column, read the dry run's bad cells, run it, watch
the progress bar reach 100 % and read the report."""

import pytest
from playwright.sync_api import expect

from peyvand.contacts.models import Contact

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

FILE = (
    "نام,نام خانوادگی,شماره همراه,ایمیل,ستون اضافه\n"
    "علی,رضایی,09121234567,ali@example.com,x\n"
    "مینا,,0912,mina@@example,y\n"
    "Sara,Karimi,+98 935 111 2233,sara@example.com,z\n"
    "Ali,Rezaei,00989121234567,,w\n"
).encode()


def test_a_rep_uploads_persian_headers_sees_bad_cells_imports_and_reads_the_report(page, sign_in, rep_a):
    sign_in(rep_a)
    page.goto("/contacts/")
    page.click("#import-link")
    expect(page.locator("#id_kind")).to_have_value("contacts")
    page.set_input_files("#id_file", files=[{"name": "people.csv", "mimeType": "text/csv", "buffer": FILE}])
    page.click("#upload-file")

    expect(page.locator(".unmatched")).to_have_text("ستون اضافه")
    page.select_option('select[aria-label="ستون اضافه"]', "city")
    page.click("#check-file")

    errors = page.locator("#errors tbody tr")
    expect(errors).to_have_count(3)
    cells = [
        (errors.nth(i).locator("td").nth(0).inner_text(), errors.nth(i).locator("td").nth(1).inner_text())
        for i in range(3)
    ]
    assert sorted(cells) == [("3", "ایمیل"), ("3", "شماره همراه"), ("3", "نام خانوادگی")]
    expect(page.locator("#count-created")).to_have_text("2")
    expect(page.locator("#count-duplicate")).to_have_text("1")
    assert Contact.objects.count() == 0

    page.click("#start-import")
    expect(page.locator('.progress[aria-valuenow="100"]')).to_be_visible()
    expect(page.locator("#report")).to_have_attribute("data-status", "done")
    expect(page.locator("#count-created")).to_have_text("2")
    expect(page.locator("#count-failed")).to_have_text("1")
    expect(page.locator("#duplicates tbody tr")).to_have_count(1)

    assert sorted(Contact.objects.filter(owner=rep_a).values_list("city", flat=True)) == ["x", "z"]
    page.goto("/contacts/")
    expect(page.locator("#results")).to_contain_text("رضایی")


def test_a_file_over_the_row_limit_is_refused_with_the_limit_named(page, sign_in, rep_a, settings):
    settings.PEYVAND_IMPORT_MAX_ROWS = 3
    sign_in(rep_a)
    page.goto("/imports/")
    page.set_input_files("#id_file", files=[{"name": "people.csv", "mimeType": "text/csv", "buffer": FILE}])
    page.click("#upload-file")

    expect(page.locator("#report")).to_have_attribute("data-status", "refused")
    expect(page.locator("#refused")).to_contain_text("3")
    assert page.locator("#start-import").count() == 0 and page.locator("#mapping").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
