"""The settings hub: each role sees the cards of the sections it may open and the header links it; a rep, with
only their own mailboxes, sees that card alone; only staff see the link to Django's admin, which stays for operators."""

import re

import pytest

from peyvand.core.settings_sections import sections
from tests.web.test_views import browser_for

pytestmark = pytest.mark.django_db


def _cards(html: str) -> set[str]:
    return set(re.findall(r'data-section="([\w-]+)"', html))


def test_an_administrator_sees_every_section_and_the_operator_console(admin):
    page = browser_for(admin).get("/settings/").content.decode()
    assert _cards(page) == {s.key for s in sections()}
    assert {"pipelines", "lost-reasons", "automation", "api-tokens"} <= _cards(page)
    assert 'href="/admin/"' in page


def test_a_manager_sees_only_what_a_manager_may_change(manager_a):
    client = browser_for(manager_a)
    page = client.get("/settings/").content.decode()
    assert "automation" in _cards(page) and "pipelines" not in _cards(page)
    assert 'href="/admin/"' not in page
    assert 'href="/settings/"' in client.get("/").content.decode()


def test_a_rep_sees_only_their_own_mailboxes(rep_a):
    client = browser_for(rep_a)
    page = client.get("/settings/").content.decode()
    assert _cards(page) == {"mailboxes"}
    assert 'href="/admin/"' not in page
