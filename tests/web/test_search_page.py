"""The header's global search: the short list as one types and the whole results page, only what the user may
see, a phone found by any part of it."""

import pytest

from peyvand.contacts.services import create_contact
from tests.web.test_views import browser_for

pytestmark = pytest.mark.django_db

SHORT = {"HX-Request": "true", "HX-Target": "search-results"}


def test_the_short_list_and_the_page_find_only_what_the_user_may_see(rep_a, rep_b):
    mine = create_contact(
        actor=rep_a, values={"first_name": "سارا", "last_name": "رضایی", "phones": ["09121234567"]}
    )
    create_contact(actor=rep_b, values={"first_name": "سارا", "last_name": "رضایی‌نژاد"})
    client = browser_for(rep_a)

    short = client.get("/search/", {"q": "09121234"}, headers=SHORT).content.decode()
    assert f'href="/contacts/{mine.pk}/"' in short and "<html" not in short
    page = client.get("/search/", {"q": "رضايي"}).content.decode()  # Arabic yeh finds the Persian one
    assert f'href="/contacts/{mine.pk}/"' in page and "رضایی‌نژاد" not in page
    assert "Nothing found." in client.get("/search/", {"q": "zzz"}, headers=SHORT).content.decode()


def test_every_page_has_the_search_box(rep_a):
    page = browser_for(rep_a).get("/").content.decode()
    assert 'id="global-search"' in page and 'hx-get="/search/"' in page
