"""Which columns a list shows, in what order, and saved views that keep them: a name the list does not offer
is skipped (in the address or in a stored view), never an error; the usual columns when none is left."""

import re

import pytest

from peyvand.contacts.services import create_contact
from peyvand.core.models import SavedView
from peyvand.sales.services import create_deal
from tests.web.test_views import browser_for

pytestmark = pytest.mark.django_db


def _headers(html: str) -> list[str]:
    thead = html.split("<thead>", 1)[1].split("</thead>", 1)[0]
    return [re.sub(r"<[^>]+>|[▲▼]", "", h).strip() for h in re.findall(r"<th>(.*?)</th>", thead, re.S)]


def test_the_list_shows_the_chosen_columns_in_the_chosen_order(rep_a):
    create_contact(actor=rep_a, values={"last_name": "Karimi", "emails": ["k@example.com"], "city": "Tabriz"})
    client = browser_for(rep_a)
    assert _headers(client.get("/contacts/").content.decode()) == [
        "Last name",
        "First name",
        "Title / rank",
        "Company",
        "Phones",
        "City",
        "Owner",
    ]
    # repeated (the chooser's tick boxes) or comma separated (its move links): the same columns
    for query in ("columns=emails&columns=last_name&columns=city", "columns=emails,last_name,city"):
        page = client.get(f"/contacts/?{query}").content.decode()
        assert _headers(page) == ["Emails", "Last name", "City"]
        assert "k@example.com" in page and "Tabriz" in page
    # the table alone (htmx) keeps the columns too
    partial = client.get("/contacts/?columns=city", headers={"HX-Request": "true", "HX-Target": "results"})
    assert _headers(partial.content.decode()) == ["City"]


def test_unknown_columns_are_skipped_and_none_left_means_the_usual_ones(rep_a):
    client = browser_for(rep_a)
    page = client.get("/contacts/?columns=city,nonsense,__class__,city")
    assert page.status_code == 200 and _headers(page.content.decode()) == ["City"]
    usual = client.get("/contacts/?columns=nonsense")
    assert usual.status_code == 200 and _headers(usual.content.decode())[0] == "Last name"


def test_the_chooser_offers_the_move_links_and_the_hidden_columns(rep_a):
    page = browser_for(rep_a).get("/deals/?columns=title,amount,stage&status=open").content.decode()
    assert 'href="?columns=amount%2Ctitle%2Cstage&amp;status=open" aria-label="Move Amount earlier"' in page
    assert 'name="columns" value="currency">' in page  # offered, not shown
    assert 'name="columns" value="title" checked>' in page


def test_a_saved_view_keeps_its_columns_and_reopens_with_them(rep_a, rep_a2, pipeline):
    create_deal(actor=rep_a, values={"title": "Fleet", "amount": "1000"})
    client = browser_for(rep_a)
    saved = client.post(
        "/deals/views/",
        {"name": "Slim", "query": "status=open&columns=stage,title,nonsense&page=2", "share": "on"},
    )
    view = SavedView.objects.get()
    assert (view.query, view.columns) == ("status=open", ["stage", "title"])
    assert saved["Location"] == "/deals/?status=open&columns=stage%2Ctitle"
    listed = browser_for(rep_a2).get("/deals/").content.decode()  # shared with the team, columns and all
    assert 'href="?status=open&amp;columns=stage%2Ctitle">Slim</a>' in listed
    assert _headers(client.get(saved["Location"]).content.decode()) == ["Stage", "Title"]


def test_a_view_of_the_usual_columns_keeps_none(rep_a):
    browser_for(rep_a).post("/deals/views/", {"name": "All", "query": "status=open"})
    assert SavedView.objects.get().columns == []


def test_a_stored_view_naming_a_removed_column_still_opens(rep_a, pipeline):
    create_deal(actor=rep_a, values={"title": "Fleet"})
    view = SavedView.objects.create(
        owner=rep_a, list_name="deals", name="Old", query="", columns=["gone", "title", 7]
    )
    client = browser_for(rep_a)
    page = client.get("/deals/").content.decode()
    assert 'href="?columns=gone%2Ctitle">Old</a>' in page
    opened = client.get(f"/deals/?{view.link_query}")
    assert opened.status_code == 200 and _headers(opened.content.decode()) == ["Title"]


def test_columns_are_no_filter_of_the_export(rep_a):
    create_contact(actor=rep_a, values={"last_name": "Karimi"})
    response = browser_for(rep_a).get("/exports/contacts/?columns=city&format=csv")
    assert response.status_code == 200
    assert "Karimi" in b"".join(response.streaming_content).decode("utf-8-sig")
