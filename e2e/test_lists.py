"""List pages in the browser: searching in place keeps the export links in step with what is shown."""

import re

import pytest
from playwright.sync_api import expect

from peyvand.contacts.services import create_contact

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_searching_in_place_updates_the_table_the_address_and_the_export_links(page, sign_in, rep_a):
    create_contact(actor=rep_a, values={"first_name": "علی", "last_name": "کریمی"})
    create_contact(actor=rep_a, values={"first_name": "Sara", "last_name": "Nouri"})
    sign_in(rep_a)
    page.goto("/contacts/")
    expect(page.locator("#results tbody tr")).to_have_count(2)

    page.fill("input[name=search]", "كريمي")  # typed with Arabic letters

    expect(page.locator("#results tbody tr")).to_have_count(1)
    expect(page.locator("#results tbody")).to_contain_text("کریمی")
    expect(page).to_have_url(re.compile(r"search="))
    expect(page.locator("#export-csv")).to_have_attribute("href", re.compile(r"search=.+&format=csv"))
    expect(page.locator("#exports")).to_have_count(1)
