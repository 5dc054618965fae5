"""The header's "+ New" menu (templates/web/_new_menu.html) and the dialogs it opens: an activity with its record
picker (activities/views.py ``record_choices_view``), a contact, a deal; only what the user may create is offered,
and the create pages refuse the rest server side."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from peyvand.activities.models import Activity, ActivityLink
from peyvand.activities.services import create_activity
from peyvand.contacts.models import Contact
from peyvand.contacts.services import create_company, create_contact
from peyvand.leads.services import create_lead
from peyvand.sales.services import create_deal

pytestmark = pytest.mark.django_db

DIALOG = {"HX-Request": "true", "HX-Target": "quick-dialog-body"}


def browser_for(user, language="en"):
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def _menu(html: str) -> str:
    found = re.search(r'<details class="new-menu".*?</details>', html, re.S)
    assert found, "no + New menu in the header"
    return found.group(0)


def test_the_menu_offers_a_call_meeting_task_contact_and_deal_in_the_dialog(rep_a, pipeline):
    menu = _menu(browser_for(rep_a).get(reverse("dashboard")).content.decode())
    new_activity = reverse("activities:create")
    for kind in ("call", "meeting", "task"):
        assert f'hx-get="{new_activity}?kind={kind}" hx-target="#quick-dialog-body"' in menu
    assert f'hx-get="{reverse("contacts:create")}" hx-target="#quick-dialog-body"' in menu
    assert f'hx-get="{reverse("deals:create")}" hx-target="#quick-dialog-body"' in menu
    assert 'id="quick-dialog"' in browser_for(rep_a).get(reverse("dashboard")).content.decode()


def test_the_menu_is_in_persian_on_a_persian_page(rep_a):
    menu = _menu(browser_for(rep_a, "fa").get(reverse("home")).content.decode())
    assert "جدید" in menu and "تماس" in menu and "معامله" in menu


def test_on_a_deals_page_a_new_activity_is_about_that_deal(rep_a, pipeline):
    deal = create_deal(actor=rep_a, values={"title": "Ten printers"})
    menu = _menu(browser_for(rep_a).get(reverse("deals:detail", args=[deal.pk])).content.decode())
    assert f"kind=call&amp;record_type=deal&amp;record_id={deal.pk}" in menu


def test_on_an_activitys_page_a_new_activity_is_about_the_same_record(rep_a, pipeline):
    deal = create_deal(actor=rep_a, values={"title": "Ten printers"})
    call = create_activity(actor=rep_a, values={"kind": "call", "subject": "Ask", "record": deal})
    menu = _menu(browser_for(rep_a).get(reverse("activities:detail", args=[call.pk])).content.decode())
    assert f"kind=task&amp;record_type=deal&amp;record_id={deal.pk}" in menu
    own = create_activity(actor=rep_a, values={"kind": "task", "subject": "Plan the week"})
    menu = _menu(browser_for(rep_a).get(reverse("activities:detail", args=[own.pk])).content.decode())
    assert "record_type=" not in menu


def test_what_the_user_may_not_create_is_not_offered_and_refused(rep_a, monkeypatch):
    from peyvand.sales import permissions as sales

    monkeypatch.setattr(sales, "can_create_deals", lambda user: False)
    client = browser_for(rep_a)
    menu = _menu(client.get(reverse("home")).content.decode())
    assert reverse("deals:create") not in menu and reverse("contacts:create") in menu
    assert client.get(reverse("deals:create"), headers=DIALOG).status_code == 403
    assert client.post(reverse("deals:create"), {"title": "Sneaky"}).status_code == 403


def test_the_activity_dialog_has_a_picker_prefilled_from_the_record(rep_a, pipeline):
    deal = create_deal(actor=rep_a, values={"title": "Ten printers"})
    url = f"{reverse('activities:create')}?kind=call&record_type=deal&record_id={deal.pk}"
    html = browser_for(rep_a).get(url, headers=DIALOG).content.decode()
    assert "<html" not in html
    assert "data-record-picker" in html and reverse("activities:record-choices") in html
    assert re.search(r'<p class="picked-record linked-record" data-picked>.*Ten printers', html, re.S)
    empty = (
        browser_for(rep_a).get(reverse("activities:create") + "?kind=task", headers=DIALOG).content.decode()
    )
    assert '<p class="picked-record" data-picked hidden>' in empty
    # the record is chosen: typing starts in the subject; with none, in the picker (the first field)
    assert re.search(r'<input[^>]*name="subject"[^>]*autofocus', html)
    assert "autofocus" not in empty


def test_the_picker_finds_only_records_activities_go_on_that_the_user_may_see(rep_a, rep_b, pipeline):
    mine = create_contact(
        actor=rep_a, values={"first_name": "Kian", "last_name": "Shirazi"}, allow_duplicate=True
    )
    theirs = create_contact(
        actor=rep_b, values={"first_name": "Kian", "last_name": "Tabrizi"}, allow_duplicate=True
    )
    company = create_company(actor=rep_a, values={"name": "Kian Trading"}, allow_duplicate=True)
    lead = create_lead(
        actor=rep_a, values={"last_name": "Kianfar", "company_name": "Rahimi"}, allow_duplicate=True
    )
    create_activity(actor=rep_a, values={"kind": "task", "subject": "Kian's birthday"})
    html = browser_for(rep_a).get(reverse("activities:record-choices"), {"q": "Kian"}).content.decode()
    assert f'data-record-type="contact" data-record-id="{mine.pk}"' in html
    assert theirs.last_name not in html
    assert f'data-record-type="company" data-record-id="{company.pk}"' in html
    assert f'data-record-type="lead" data-record-id="{lead.pk}"' in html
    assert 'data-record-type="activity"' not in html  # activities are not logged on activities
    assert "<html" not in html


def test_the_picker_says_when_nothing_matches(rep_a):
    html = browser_for(rep_a).get(reverse("activities:record-choices"), {"q": "zzzz"}).content.decode()
    assert "Nothing found." in html
    assert browser_for(rep_a).get(reverse("activities:record-choices")).content.decode().strip() == ""


def test_a_call_about_the_picked_deal_is_saved_and_the_message_links_to_it(rep_a, pipeline):
    deal = create_deal(actor=rep_a, values={"title": "Ten printers"})
    client = browser_for(rep_a)
    response = client.post(
        reverse("activities:create") + "?kind=call",
        {"kind": "call", "subject": "Ask about the budget", "record_type": "deal", "record_id": deal.pk},
        headers=DIALOG,
    )
    assert response.status_code == 204 and response["HX-Refresh"] == "true"
    call = Activity.objects.get(subject="Ask about the budget")
    assert (call.record_type, call.record_id, call.kind) == ("deal", deal.pk, "call")
    assert ActivityLink.objects.filter(activity=call, record_type="deal", record_id=deal.pk).exists()
    page = client.get(reverse("dashboard")).content.decode()
    assert f'<a href="{reverse("activities:detail", args=[call.pk])}">Ask about the budget</a>' in page


def test_a_record_the_user_may_not_see_cannot_be_picked(rep_a, rep_b, pipeline):
    theirs = create_deal(actor=rep_b, values={"title": "Their deal"})
    response = browser_for(rep_a).post(
        reverse("activities:create"),
        {"kind": "call", "subject": "Snoop", "record_type": "deal", "record_id": theirs.pk},
        headers=DIALOG,
    )
    assert (
        response.status_code == 200 and "No such record, or you may not use it." in response.content.decode()
    )
    assert not Activity.objects.filter(subject="Snoop").exists()


def test_a_contact_from_the_header_stays_in_the_dialog_and_links_back(rep_a):
    client = browser_for(rep_a)
    response = client.post(
        reverse("contacts:create"), {"first_name": "Sara", "last_name": "Karimi"}, headers=DIALOG
    )
    assert response.status_code == 204
    contact = Contact.objects.get(last_name="Karimi")
    assert reverse("contacts:detail", args=[contact.pk]) in client.get(reverse("home")).content.decode()


def test_a_likely_duplicate_contact_is_asked_about_inside_the_dialog(rep_a):
    create_contact(
        actor=rep_a, values={"first_name": "Sara", "last_name": "Karimi", "emails": ["sara@example.com"]}
    )
    client = browser_for(rep_a)
    values = {"first_name": "Sara", "last_name": "Karimi", "emails": "sara@example.com"}
    response = client.post(reverse("contacts:create"), values, headers=DIALOG)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'name="allow_duplicate"' in html and 'hx-target="#quick-dialog-body"' in html
    response = client.post(reverse("contacts:create"), {**values, "allow_duplicate": "on"}, headers=DIALOG)
    assert response.status_code == 204
    assert Contact.objects.filter(last_name="Karimi").count() == 2


def test_a_deal_from_the_header_is_saved_without_leaving_the_page(rep_a, pipeline):
    from peyvand.sales.models import Deal

    client = browser_for(rep_a)
    form = client.get(reverse("deals:create"), headers=DIALOG).content.decode()
    assert "<html" not in form and 'name="title"' in form
    response = client.post(
        reverse("deals:create"), {"title": "Forty chairs", "amount": "120", "currency": "IRR"}, headers=DIALOG
    )
    assert response.status_code == 204, response.content.decode()[:2000]
    deal = Deal.objects.get(title="Forty chairs")
    assert reverse("deals:detail", args=[deal.pk]) in client.get(reverse("home")).content.decode()
