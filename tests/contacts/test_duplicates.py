"""Finding likely duplicates on create: exact keys, Persian-aware fuzzy names, visibility, the 409 answer."""

import pytest
from django.test import Client

from peyvand.contacts.duplicates import DuplicateFound, check_duplicates, find_duplicates
from peyvand.contacts.models import Company, Contact
from peyvand.contacts.services import create_company, create_contact

pytestmark = pytest.mark.django_db


def test_same_mobile_written_another_way_is_a_duplicate(rep_a):
    existing = create_contact(
        actor=rep_a, values={"first_name": "علی", "last_name": "کریمی", "phones": ["09121234567"]}
    )
    for phone in ("+98 912 123 4567", "00989121234567", "912-123-4567", "۰۹۱۲۱۲۳۴۵۶۷"):
        candidates = find_duplicates(
            "contact", actor=rep_a, values={"last_name": "Someone", "phones": [phone]}
        )
        assert [c.record for c in candidates] == [existing]
        assert candidates[0].score == 100
        assert candidates[0].reasons == ["same phone +989121234567"]


def test_upper_case_email_is_the_same_address(rep_a):
    existing = create_contact(
        actor=rep_a, values={"last_name": "Nouri", "emails": ["sara.nouri@example.com"]}
    )
    with pytest.raises(DuplicateFound) as refused:
        create_contact(actor=rep_a, values={"last_name": "N.", "emails": [" SARA.Nouri@Example.COM "]})
    assert refused.value.candidates[0].record == existing
    assert refused.value.candidates[0].reasons == ["same e-mail sara.nouri@example.com"]
    assert Contact.objects.count() == 1


def test_arabic_letters_and_zwnj_name_in_the_same_city_is_a_fuzzy_duplicate(rep_a):
    existing = create_contact(
        actor=rep_a, values={"first_name": "یاسمن", "last_name": "حسین\u200cزاده", "city": "تهران"}
    )
    candidates = find_duplicates(
        "contact", actor=rep_a, values={"first_name": "ياسمن", "last_name": "حسين زاده", "city": "تهران"}
    )
    assert [c.record for c in candidates] == [existing]
    assert candidates[0].reasons == ["name 100 % alike, same city"]
    assert candidates[0].score == 90


def test_a_typo_in_the_name_within_the_same_company_is_found(rep_a):
    company = create_company(actor=rep_a, values={"name": "فولاد پارس"})
    existing = create_contact(
        actor=rep_a, values={"first_name": "محمدرضا", "last_name": "کاظمی", "company": company.pk}
    )
    candidates = find_duplicates(
        "contact", actor=rep_a, values={"first_name": "محمدرضا", "last_name": "کاظمى", "company": company.pk}
    )
    assert [c.record for c in candidates] == [existing]
    candidates = find_duplicates(
        "contact", actor=rep_a, values={"first_name": "محمد رضا", "last_name": "کاظی", "company": company.pk}
    )
    assert [c.record for c in candidates] == [existing]
    assert "same company" in candidates[0].reasons[0]


def test_same_name_in_another_city_is_not_a_duplicate(rep_a):
    create_contact(actor=rep_a, values={"first_name": "علی", "last_name": "احمدی", "city": "تهران"})
    assert (
        find_duplicates(
            "contact", actor=rep_a, values={"first_name": "علی", "last_name": "احمدی", "city": "شیراز"}
        )
        == []
    )


def test_a_different_name_in_the_same_city_is_not_a_duplicate(rep_a):
    create_contact(actor=rep_a, values={"first_name": "علی", "last_name": "احمدی", "city": "تهران"})
    assert (
        find_duplicates(
            "contact", actor=rep_a, values={"first_name": "علی", "last_name": "محمدی", "city": "تهران"}
        )
        == []
    )


def test_companies_match_on_name_in_the_same_city(rep_a):
    existing = create_company(actor=rep_a, values={"name": "پارس نوین", "city": "تهران"})
    with pytest.raises(DuplicateFound) as refused:
        create_company(actor=rep_a, values={"name": "پارس نوين", "city": "تهران"})
    assert refused.value.candidates[0].record == existing
    create_company(actor=rep_a, values={"name": "پارس نوين", "city": "تهران"}, allow_duplicate=True)
    assert Company.objects.count() == 2


def test_updating_a_record_updates_its_lookup_keys(rep_a):
    from peyvand.contacts.services import update_contact

    contact = create_contact(actor=rep_a, values={"last_name": "Old", "phones": ["09121111111"]})
    update_contact(actor=rep_a, contact=contact, version=contact.version, values={"phones": ["09122222222"]})
    assert (
        find_duplicates("contact", actor=rep_a, values={"last_name": "X", "phones": ["+989121111111"]}) == []
    )
    found = find_duplicates("contact", actor=rep_a, values={"last_name": "X", "phones": ["+989122222222"]})
    assert [c.record for c in found] == [contact]


def test_a_duplicate_the_actor_cannot_see_is_not_revealed_and_does_not_block(rep_a, rep_b):
    create_contact(
        actor=rep_b, values={"first_name": "Secret", "last_name": "Person", "phones": ["09121234567"]}
    )
    assert (
        find_duplicates("contact", actor=rep_a, values={"last_name": "Mine", "phones": ["+989121234567"]})
        == []
    )
    mine = create_contact(actor=rep_a, values={"last_name": "Mine", "phones": ["09121234567"]})
    assert mine.phones == ["+989121234567"]


def test_deleted_records_are_not_candidates(rep_a):
    from peyvand.core.records import delete_record

    old = create_contact(actor=rep_a, values={"last_name": "Gone", "phones": ["09121234567"]})
    delete_record(old, actor=rep_a)
    assert (
        find_duplicates("contact", actor=rep_a, values={"last_name": "Gone", "phones": ["+989121234567"]})
        == []
    )


def test_lead_duplicates_include_matching_contacts_the_actor_can_see(rep_a):
    contact = create_contact(actor=rep_a, values={"last_name": "کریمی", "emails": ["ali@parsnovin.ir"]})
    candidates = check_duplicates(
        "lead", actor=rep_a, values={"last_name": "كريمي", "email": "ALI@parsnovin.ir"}
    )
    assert [c.record for c in candidates] == [contact]


def test_api_answers_409_with_the_candidates(rep_a, rep_b, api_for):
    existing = create_contact(
        actor=rep_a, values={"first_name": "Sara", "last_name": "Nouri", "phones": ["09121234567"]}
    )
    create_contact(
        actor=rep_b, values={"first_name": "Hidden", "last_name": "Stranger", "phones": ["09127654321"]}
    )
    api = api_for(rep_a)
    answer = api.post("/contacts", {"last_name": "Nouri", "phones": ["+98 912 123 4567"]})
    assert answer.status_code == 409
    body = answer.json()
    assert body["code"] == "duplicate"
    assert body["errors"] == []
    assert body["candidates"] == [
        {
            "id": existing.pk,
            "entity": "contact",
            "name": "Sara Nouri",
            "score": 100,
            "reasons": ["same phone +989121234567"],
        }
    ]
    # The stranger's number is someone rep_a cannot see: no 409, nothing about them in the answer.
    answer = api.post("/contacts", {"last_name": "Mine", "phones": ["09127654321"]})
    assert answer.status_code == 201
    assert "Stranger" not in answer.content.decode()


def test_api_creates_the_duplicate_when_allowed(rep_a, api_for):
    create_company(actor=rep_a, values={"name": "Acme", "emails": ["info@acme.example"]})
    api = api_for(rep_a)
    assert api.post("/companies", {"name": "ACME Ltd", "emails": ["INFO@acme.example"]}).status_code == 409
    client = api.client
    answer = client.post(
        "/api/v1/companies?allow_duplicate=true",
        data={"name": "ACME Ltd", "emails": ["INFO@acme.example"]},
        content_type="application/json",
        headers=api.headers,
    )
    assert answer.status_code == 201
    assert Company.objects.filter(emails__icontains="info@acme.example").count() == 2


def test_409_is_documented_in_the_openapi_document(rep_a):
    client = Client()
    client.force_login(rep_a)
    document = client.get("/api/v1/openapi.json").json()
    answers = document["paths"]["/api/v1/contacts"]["post"]["responses"]
    assert "409" in answers
    schema = answers["409"]["content"]["application/json"]["schema"]
    assert schema["$ref"].endswith("/DuplicateRefusalOut")


def _browser(user):
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def test_create_form_warns_with_links_and_saves_anyway_when_ticked(rep_a):
    existing = create_contact(
        actor=rep_a, values={"first_name": "Sara", "last_name": "Nouri", "phones": ["09121234567"]}
    )
    client = _browser(rep_a)
    answer = client.post(
        "/contacts/new/", {"first_name": "Sara", "last_name": "Nouri", "phones": "0912 123 4567"}
    )
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "already exists" in page
    assert f'href="/contacts/{existing.pk}/"' in page
    assert "same phone +989121234567" in page
    assert 'name="allow_duplicate"' in page
    assert Contact.objects.count() == 1
    answer = client.post(
        "/contacts/new/",
        {"first_name": "Sara", "last_name": "Nouri", "phones": "0912 123 4567", "allow_duplicate": "on"},
    )
    assert answer.status_code == 302
    assert Contact.objects.count() == 2


def test_create_form_shows_no_warning_for_a_record_of_another_team(rep_a, rep_b):
    create_contact(
        actor=rep_b, values={"first_name": "Hidden", "last_name": "Stranger", "phones": ["09121234567"]}
    )
    answer = _browser(rep_a).post("/contacts/new/", {"last_name": "Mine", "phones": "09121234567"})
    assert answer.status_code == 302
    assert Contact.objects.filter(last_name="Mine").exists()


def test_names_that_differ_in_a_number_are_different_records(rep_a):
    company = create_company(actor=rep_a, values={"name": "Budget Co"})
    create_contact(actor=rep_a, values={"last_name": "Person 1", "company": company.pk})
    assert (
        find_duplicates("contact", actor=rep_a, values={"last_name": "Person 12", "company": company.pk})
        == []
    )
    create_company(actor=rep_a, values={"name": "Budget Co 2"})
