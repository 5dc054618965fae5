"""A record page's fields edited in place, over HTTP: the input, the save through the record's own service (its
rules, version and audit), the error named on the field, Persian digits, and the rights of the edit form: a
record one does not see, a deleted record or a field the form does not offer is not found."""

import pytest

from peyvand.contacts.models import Contact
from peyvand.contacts.services import create_company, create_contact, update_contact
from peyvand.core.audit import audit_for
from peyvand.core.records import delete_record
from peyvand.leads.services import create_lead
from peyvand.sales.models import Deal
from peyvand.sales.services import create_deal
from tests.web.test_views import browser_for

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def contact(rep_a):
    return create_contact(actor=rep_a, values={"first_name": "Sara", "last_name": "Karimi", "city": "Tabriz"})


def _url(record_kind: str, pk: int, name: str) -> str:
    return f"/{record_kind}/{pk}/fields/{name}/"


def test_the_record_page_offers_a_pencil_for_its_main_fields(rep_a, contact):
    page = browser_for(rep_a).get(f"/contacts/{contact.pk}/").content.decode()
    assert f'hx-get="{_url("contacts", contact.pk, "city")}"' in page
    assert 'aria-label="Edit City"' in page
    assert f'hx-get="{_url("contacts", contact.pk, "owner")}"' not in page  # not an inline field


def test_an_empty_main_field_is_shown_with_its_pencil_so_it_can_be_filled_in_place(rep_a, contact):
    assert contact.region == ""
    client = browser_for(rep_a)
    page = client.get(f"/contacts/{contact.pk}/").content.decode()
    assert f'hx-get="{_url("contacts", contact.pk, "region")}"' in page
    saved = client.post(
        _url("contacts", contact.pk, "region"),
        {"version": contact.version, "region": "Azarbaijan"},
        headers=HTMX,
    )
    assert saved.status_code == 200
    contact.refresh_from_db()
    assert contact.region == "Azarbaijan"


def test_the_input_opens_and_cancel_gives_the_value_back(rep_a, contact):
    client = browser_for(rep_a)
    opened = client.get(_url("contacts", contact.pk, "city"), headers=HTMX).content.decode()
    assert 'name="city"' in opened and 'value="Tabriz"' in opened
    assert f'name="version" value="{contact.version}"' in opened and "data-inline-cancel" in opened
    shown = client.get(_url("contacts", contact.pk, "city") + "?show=1", headers=HTMX).content.decode()
    assert "Tabriz" in shown and 'name="city"' not in shown


def test_a_phone_saved_in_place_with_persian_digits_goes_through_the_service(rep_a, contact):
    response = browser_for(rep_a).post(
        _url("contacts", contact.pk, "phones"),
        {"phones": "۰۹۱۲ ۳۴۵ ۶۷۸۹", "version": contact.version},
        headers=HTMX,
    )
    assert response.status_code == 200
    contact.refresh_from_db()
    assert contact.phones == ["+989123456789"]
    assert contact.version == 2
    body = response.content.decode()
    assert 'class="inline-field"' in body and 'href="tel:+989123456789"' in body and "Saved." in body
    assert audit_for(contact).first().changes["phones"] == [[], ["+989123456789"]]


def test_an_invalid_value_is_told_on_the_field_and_nothing_changes(rep_a, contact):
    client = browser_for(rep_a)
    url = _url("contacts", contact.pk, "emails")
    bad = client.post(url, {"emails": "not-an-address", "version": contact.version}, headers=HTMX)
    body = bad.content.decode()
    assert bad.status_code == 200 and 'role="alert"' in body and "Emails: " in body
    assert 'value="not-an-address"' in body  # what was typed stays in the input
    empty = client.post(
        _url("contacts", contact.pk, "last_name"), {"last_name": "", "version": 1}, headers=HTMX
    )
    assert "Last name: " in empty.content.decode() and 'role="alert"' in empty.content.decode()
    contact.refresh_from_db()
    assert (contact.emails, contact.last_name, contact.version) == ([], "Karimi", 1)


def test_in_persian_the_error_is_in_persian(rep_a, contact):
    response = browser_for(rep_a, "fa").post(
        _url("contacts", contact.pk, "last_name"), {"last_name": "", "version": 1}, headers=HTMX
    )
    body = response.content.decode()
    assert 'role="alert"' in body and "نام خانوادگی" in body


def test_a_change_to_another_field_meanwhile_does_not_stop_the_save_but_one_to_this_field_does(
    rep_a, rep_a2, contact
):
    client = browser_for(rep_a)
    update_contact(actor=rep_a, contact=contact, version=1, values={"first_name": "Sarah"})
    saved = client.post(_url("contacts", contact.pk, "city"), {"city": "Shiraz", "version": 1}, headers=HTMX)
    assert "Shiraz" in saved.content.decode()
    contact.refresh_from_db()
    assert (contact.first_name, contact.city) == ("Sarah", "Shiraz")

    update_contact(actor=rep_a, contact=contact, version=contact.version, values={"city": "Isfahan"})
    stale = client.post(_url("contacts", contact.pk, "city"), {"city": "Yazd", "version": 2}, headers=HTMX)
    assert "Someone changed this field meanwhile" in stale.content.decode()
    assert Contact.objects.get(pk=contact.pk).city == "Isfahan"


def test_another_teams_record_a_deleted_one_and_other_fields_are_not_found(rep_a, rep_b, contact):
    theirs = create_contact(actor=rep_b, values={"last_name": "Theirs"})
    client = browser_for(rep_a)
    assert client.get(_url("contacts", theirs.pk, "city")).status_code == 404
    assert client.post(_url("contacts", theirs.pk, "city"), {"city": "X", "version": 1}).status_code == 404
    assert Contact.objects.get(pk=theirs.pk).city == ""
    for name in ("owner", "version", "nonsense", "deleted_at"):
        assert client.post(_url("contacts", contact.pk, name), {name: "1", "version": 1}).status_code == 404
    delete_record(contact, actor=rep_a)
    assert client.get(_url("contacts", contact.pk, "city")).status_code == 404


def test_signed_out_is_sent_to_sign_in(client, contact):
    response = client.post(_url("contacts", contact.pk, "city"), {"city": "X", "version": 1})
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert Contact.objects.get(pk=contact.pk).city == "Tabriz"


def test_companies_deals_and_leads_edit_in_place_too(rep_a, pipeline):
    client = browser_for(rep_a)
    company = create_company(actor=rep_a, values={"name": "Kian Trading"})
    client.post(_url("companies", company.pk, "website"), {"website": "https://kian.example", "version": 1})
    company.refresh_from_db()
    assert company.website == "https://kian.example"

    deal = create_deal(actor=rep_a, values={"title": "Fleet"})
    response = client.post(_url("deals", deal.pk, "amount"), {"amount": "۱٬۲۰۰", "version": deal.version})
    assert response.status_code == 200
    assert Deal.objects.get(pk=deal.pk).amount > 0
    assert client.get(_url("deals", deal.pk, "stage")).status_code == 404  # moves have their own rules

    lead = create_lead(actor=rep_a, values={"last_name": "Rahimi", "company_name": "Rahimi Co"})
    client.post(
        _url("leads", lead.pk, "company_name"), {"company_name": "Rahimi & Sons", "version": lead.version}
    )
    lead.refresh_from_db()
    assert lead.company_name == "Rahimi & Sons"
