"""Global search: every registered list searched at once, as each list searches, among what the user may see."""

import pytest

from peyvand.contacts.services import create_company, create_contact
from peyvand.core.search import search_records
from peyvand.sales.services import create_deal

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(rep_a, rep_b, pipeline):
    mine = create_contact(
        actor=rep_a, values={"first_name": "علی", "last_name": "کریمی", "phones": ["09121234567"]}
    )
    create_company(actor=rep_a, values={"name": "شرکت کریمی"})
    create_deal(actor=rep_a, values={"title": "قرارداد کریمی", "pipeline": pipeline.pk, "contact": mine.pk})
    theirs = create_contact(actor=rep_b, values={"first_name": "رضا", "last_name": "کریمی‌نژاد"})
    return mine, theirs


def test_search_finds_each_kind_of_record_grouped_by_its_type(rep_a, records):
    groups = {g.record_type: g for g in search_records(rep_a, "کریمی")}
    assert set(groups) == {"contact", "company", "deal"}
    assert [h.id for h in groups["contact"].hits] == [records[0].pk]
    assert groups["contact"].hits[0].url == f"/contacts/{records[0].pk}/"
    assert groups["deal"].hits[0].label == "قرارداد کریمی"


def test_a_rep_finds_only_their_own_records(rep_a, rep_b, records):
    assert {h.id for g in search_records(rep_b, "کریمی") for h in g.hits} == {records[1].pk}
    assert "contact" not in {g.record_type for g in search_records(rep_a, "رضا")}


def test_arabic_letters_and_persian_digits_find_persian_text_and_phones(rep_a, records):
    # Arabic yeh and kaf (ي ك) for the Persian ones (ی ک); a phone typed in Persian digits.
    assert search_records(rep_a, "كريمي")[0].hits
    by_phone = {g.record_type: g for g in search_records(rep_a, "۰۹۱۲ ۱۲۳ ۴۵۶۷")}
    assert [h.id for h in by_phone["contact"].hits] == [records[0].pk]


@pytest.mark.parametrize(
    "fragment", ["09121234", "۰۹۱۲۱۲۳", "+98912123", "0098 912 1234", "1234567", "2123456", "912-123"]
)
def test_any_part_of_a_phone_number_finds_its_record(rep_a, records, fragment):
    # the number is 0912 123 4567: its start however typed, and digits from its middle, are never read as a
    # whole (landline) number of their own
    found = {g.record_type: [h.id for h in g.hits] for g in search_records(rep_a, fragment)}
    assert found.get("contact") == [records[0].pk], fragment


def test_a_fragment_that_is_in_no_number_finds_nothing(rep_a, records):
    assert "contact" not in {g.record_type for g in search_records(rep_a, "09351234")}


def test_an_empty_query_finds_nothing(rep_a, records):
    assert search_records(rep_a, "  ") == []


def test_the_results_are_limited_per_type(rep_a, pipeline):
    for n in range(4):
        create_deal(actor=rep_a, values={"title": f"تمدید {n}", "pipeline": pipeline.pk})
    (deals,) = search_records(rep_a, "تمدید", limit_per_type=3)
    assert len(deals.hits) == 3


def test_the_search_endpoint_answers_per_type_for_the_caller(api_for, rep_a, rep_b, records):
    response = api_for(rep_a).get("/search", q="كريمي")
    assert response.status_code == 200
    body = response.json()
    kinds = {g["record_type"]: g for g in body["results"]}
    assert set(kinds) == {"contact", "company", "deal"}
    assert kinds["contact"]["hits"][0]["id"] == records[0].pk
    assert kinds["contact"]["label"] == "contacts"
    theirs = api_for(rep_b).get("/search", q="کریمی").json()["results"]
    assert [g["hits"][0]["id"] for g in theirs] == [records[1].pk]


def test_the_search_endpoint_needs_a_query_and_a_sign_in(api_for, rep_a, client):
    assert api_for(rep_a).get("/search").status_code == 422
    assert client.get("/api/v1/search?q=x").status_code == 401
