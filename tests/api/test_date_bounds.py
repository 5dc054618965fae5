"""Dates outside the business range (core.jalali FIRST_DAY..LAST_DAY) are refused where they enter the API: every
body field, query filter and report parameter answers 422 naming the field, and nothing is stored."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from peyvand.activities.models import Activity
from peyvand.activities.services import create_activity
from peyvand.analytics.models import Spend, SurveyResponse
from peyvand.contacts.models import Company, Contact
from peyvand.contacts.services import create_company, create_contact
from peyvand.sales.models import Deal
from peyvand.sales.services import create_deal

pytestmark = pytest.mark.django_db

RANGE_MESSAGE = "Enter a date between 1900-01-01 and 2100-12-31."
TOO_EARLY = ["0001-01-01", "1899-12-31"]
TOO_LATE = ["9999-12-31", "2101-01-01"]
MOMENTS = ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2101-01-01T00:00:00+03:30"]


def _refused(response, field):
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "validation"
    assert {"field": field, "message": RANGE_MESSAGE} in body["errors"], body
    return body


@pytest.fixture
def records(rep_a, pipeline):
    company = create_company(actor=rep_a, values={"name": "Pars Steel"})
    contact = create_contact(actor=rep_a, values={"last_name": "Karimi", "company": company.pk})
    deal = create_deal(actor=rep_a, values={"title": "Fleet", "contact": contact.pk})
    activity = create_activity(actor=rep_a, values={"subject": "Call", "record": deal})
    return {"companies": company, "contacts": contact, "deals": deal, "activities": activity}


CASES = [
    ("deals", "expected_close_date", TOO_EARLY + TOO_LATE, {"title": "New deal"}),
    ("activities", "due_at", MOMENTS, {"subject": "New call"}),
    ("contacts", "birthday", TOO_EARLY + TOO_LATE, {"last_name": "Rahimi"}),
    ("contacts", "lost_on", TOO_EARLY, {"last_name": "Rahimi"}),
    ("companies", "lost_on", TOO_EARLY, {"name": "Kish Co"}),
]


@pytest.mark.parametrize(("resource", "field", "values", "rest"), CASES)
def test_a_record_is_neither_created_nor_changed_with_a_date_out_of_range(
    resource, field, values, rest, records, rep_a, api_for
):
    client = api_for(rep_a)
    record = records[resource]
    model = type(record)
    count = model.objects.count()
    for value in values:
        _refused(client.post(f"/{resource}", {**rest, field: value}), field)
        _refused(client.patch(f"/{resource}/{record.pk}", {"version": record.version, field: value}), field)
    assert model.objects.count() == count
    record.refresh_from_db()
    assert getattr(record, field) is None and record.version == 1


def test_the_first_and_last_day_of_the_range_are_accepted(records, rep_a, api_for):
    client = api_for(rep_a)
    deal = records["deals"]
    assert (
        client.patch(f"/deals/{deal.pk}", {"version": 1, "expected_close_date": "2100-12-31"}).status_code
        == 200
    )
    assert client.post("/contacts", {"last_name": "Old", "birthday": "1900-01-01"}).status_code == 201
    assert Deal.objects.get(pk=deal.pk).expected_close_date.isoformat() == "2100-12-31"


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/deals", "created_after"),
        ("/contacts", "created_before"),
        ("/companies", "created_after"),
        ("/leads", "created_after"),
        ("/activities", "due_after"),
        ("/activities", "done_before"),
    ],
)
@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "0001/01/01"])
def test_a_list_filter_out_of_range_is_refused_naming_it(path, name, value, records, rep_a, api_for):
    _refused(api_for(rep_a).get(path, **{name: value}), name)


@pytest.mark.parametrize("name", ["start", "end"])
@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "1479/10/11"])
def test_a_reports_period_out_of_range_is_refused_naming_it(name, value, admin, api_for):
    _refused(api_for(admin).get("/reports/outcomes", **{name: value}), name)


def test_a_reports_end_within_the_range_but_long_ago_is_a_period_and_not_an_error(admin, api_for):
    answer = api_for(admin).get("/reports/outcomes", end="1900-02-01")
    assert answer.status_code == 200, answer.content


def test_targets_spend_survey_answers_and_the_calendar_refuse_days_out_of_range(
    admin, manager_a, rep_a, team_a, api_for
):
    _refused(api_for(admin).get("/targets", covers="9999-12-31"), "covers")
    _refused(api_for(admin).get("/spend", start="0001-01-01"), "start")
    spend = {"month": "9999-12-01", "channel": "social", "amount": "1000", "team": team_a.pk}
    _refused(api_for(manager_a).post("/spend", spend), "month")
    answer = {"score": 9, "answered_at": "9999-12-31T23:59:59Z"}
    _refused(api_for(rep_a).post("/survey-responses", answer), "answered_at")
    _refused(
        api_for(rep_a).get("/activities/calendar", start="0001-01-01T00:00:00", end="0001-01-02T00:00:00"),
        "start",
    )
    assert not Spend.objects.exists() and not SurveyResponse.objects.exists()


def test_a_survey_file_reports_a_day_out_of_range_by_row_and_column(rep_a, api_for):
    client = api_for(rep_a)
    file = SimpleUploadedFile("answers.csv", b"score,answered_at\n9,2026-11-01\n8,9999-12-31\n")
    answer = client.client.post("/api/v1/survey-responses/import", {"file": file}, headers=client.headers)
    assert answer.status_code == 422
    assert answer.json()["rows"] == [{"row": 3, "column": "answered_at", "message": RANGE_MESSAGE}]
    assert not SurveyResponse.objects.exists()


def test_a_custom_date_field_out_of_range_is_refused_naming_it(records, admin, rep_a, api_for):
    from peyvand.core.models import CustomField, CustomFieldType

    CustomField.objects.create(
        entity="contact", key="renewal", label="Renewal", field_type=CustomFieldType.DATE
    )
    answer = api_for(rep_a).post("/contacts", {"last_name": "Custom", "custom": {"renewal": "9999-01-01"}})
    assert answer.status_code == 422
    assert {"field": "custom.renewal", "message": RANGE_MESSAGE} in answer.json()["errors"]
    assert not Contact.objects.filter(last_name="Custom").exists()
    assert Company.objects.count() == 1 and Activity.objects.count() == 1
