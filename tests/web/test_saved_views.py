"""Saved views: a list's filters and sorting kept under a name, one's own or shared with one's team, reopened
from the list; only the owner deletes one, and bad input is told."""

import pytest

from peyvand.core.models import SavedView
from tests.web.test_views import browser_for

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


def test_a_view_is_saved_reopened_and_shared_with_the_team_only(rep_a, rep_a2, rep_b):
    client = browser_for(rep_a)
    saved = client.post(
        "/deals/views/",
        {"name": "  Big open deals ", "query": "status=open&ordering=-amount&page=3", "share": "on"},
    )
    view = SavedView.objects.get()
    assert (view.name, view.query, view.team_id) == (
        "Big open deals",
        "status=open&ordering=-amount",
        rep_a.team_id,
    )
    assert saved["Location"] == "/deals/?status=open&ordering=-amount"  # the page it was on is not kept

    mine = client.get("/deals/").content.decode()
    assert 'href="?status=open&amp;ordering=-amount">Big open deals</a>' in mine
    colleague = browser_for(rep_a2).get("/deals/").content.decode()
    assert "Big open deals" in colleague and f"/deals/views/{view.pk}/delete/" not in colleague
    assert "Big open deals" not in browser_for(rep_b).get("/deals/").content.decode()
    assert "Big open deals" not in client.get("/contacts/").content.decode()  # a view belongs to its list

    assert browser_for(rep_a2).post(f"/deals/views/{view.pk}/delete/").status_code == 404
    client.post(f"/deals/views/{view.pk}/delete/")
    assert not SavedView.objects.exists()


@pytest.mark.parametrize(
    "name, message",
    [("   ", "Give the view a name."), ("Mine", "You already have a view of this list with that name.")],
)
def test_bad_names_are_told(rep_a, name, message):
    SavedView.objects.create(owner=rep_a, list_name="deals", name="Mine", query="")
    response = browser_for(rep_a).post("/deals/views/", {"name": name, "query": "status=won"}, follow=True)
    assert message in _messages(response)
    assert SavedView.objects.count() == 1
