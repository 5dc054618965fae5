"""The API's error format (peyvand/core/errors.py and its handlers): bad input is a 4xx JSON answer shaped
{"detail", "errors": [{"field", "message"}]}, never a 500."""

import json

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from peyvand.contacts.models import Contact
from peyvand.contacts.services import create_contact
from peyvand.core.models import CustomField
from peyvand.leads.models import Lead
from peyvand.leads.services import create_lead
from peyvand.sales.services import create_deal
from tests.factories import make_pipeline

pytestmark = pytest.mark.django_db


def assert_error_answer(response, status=None, fields=None):
    """A 4xx JSON answer in the documented shape; ``fields`` are the fields its errors must name."""
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:500])
    if status is not None:
        assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["errors"], list)
    for error in body["errors"]:
        assert set(error) >= {"field", "message"}
        assert isinstance(error["message"], str) and error["message"]
    if fields is not None:
        assert [e["field"] for e in body["errors"]] == fields, body
    return body


@pytest.fixture
def records(rep_a, pipeline):
    contact = create_contact(actor=rep_a, values={"last_name": "کریمی"})
    return {
        "contact": contact,
        "deal": create_deal(actor=rep_a, values={"title": "ERP", "contact": contact}),
        "lead": create_lead(actor=rep_a, values={"last_name": "احمدی"}),
    }


def _raw(api, method, path, body: bytes | str, content_type="application/json"):
    return getattr(api.client, method)(
        f"/api/v1{path}", data=body, content_type=content_type, headers=api.headers
    )


# --- bodies that are not JSON objects -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "{bad json",
        "{'last_name': 'x'}",
        '{"last_name": "x",}',
        "",
        "null",
        "[1, 2]",
        '"text"',
        "42",
        b"\xff\xfe\x00",
        '{"last_name": "x"} trailing',
    ],
)
@pytest.mark.parametrize(
    "method, path",
    [
        ("post", "/contacts"),
        ("patch", "/contacts/{contact}"),
        ("post", "/deals/{deal}/move"),
        ("post", "/leads/{lead}/convert"),
    ],
)
def test_a_body_that_is_not_a_json_object_is_refused_with_a_4xx_json_answer(
    api_for, rep_a, records, method, path, body
):
    api = api_for(rep_a)
    path = path.format(**{k: v.pk for k, v in records.items()})
    contacts_before = Contact.all_objects.count()

    assert_error_answer(_raw(api, method, path, body))
    assert Contact.all_objects.count() == contacts_before


def test_a_form_encoded_body_is_refused_with_a_4xx_json_answer(api_for, rep_a):
    api = api_for(rep_a)

    assert_error_answer(_raw(api, "post", "/contacts", "last_name=x", "application/x-www-form-urlencoded"))
    assert not Contact.objects.exists()


# --- wrong types and missing fields ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, body, field",
    [
        ("/contacts", {}, "last_name"),
        ("/contacts", {"first_name": "علی"}, "last_name"),
        ("/companies", {"city": "تهران"}, "name"),
        ("/leads", {"first_name": "علی"}, "last_name"),
        ("/deals", {"amount": "100"}, "title"),
        ("/activities", {"kind": "call"}, "subject"),
        ("/pipelines", {"name": "Renewals"}, "stages"),
    ],
)
def test_a_missing_required_field_is_named(api_for, admin, pipeline, path, body, field):
    assert_error_answer(api_for(admin).post(path, body), 422, [field])


@pytest.mark.parametrize(
    "path, body, field",
    [
        ("/contacts", {"last_name": 5}, "last_name"),
        ("/contacts", {"last_name": ["x"]}, "last_name"),
        ("/contacts", {"last_name": "x", "phones": "not a list"}, "phones"),
        ("/contacts", {"last_name": "x", "tags": "vip"}, "tags"),
        ("/contacts", {"last_name": "x", "custom": "gold"}, "custom"),
        ("/contacts", {"last_name": "x", "birthday": "yesterday"}, "birthday"),
        ("/contacts", {"last_name": "x", "birthday": "2025-02-30"}, "birthday"),
        ("/contacts", {"last_name": "x", "company": "Pars"}, "company"),
        ("/contacts", {"last_name": "x", "owner": "me"}, "owner"),
        ("/contacts", {"last_name": ""}, "last_name"),
        ("/contacts", {"last_name": "x" * 101}, "last_name"),
        ("/deals", {"title": "x", "amount": "abc"}, "amount"),
        ("/deals", {"title": "x", "amount": "-1"}, "amount"),
        ("/deals", {"title": "x", "amount": "1e30"}, "amount"),
        ("/deals", {"title": "x", "amount": "NaN"}, "amount"),
        ("/deals", {"title": "x", "amount": "0.001"}, "amount"),
        ("/deals", {"title": "x", "currency": "RIAL"}, "currency"),
        ("/deals", {"title": "x", "expected_close_date": "1404/13/01"}, "expected_close_date"),
        ("/deals", {"title": "x", "stage": "first"}, "stage"),
        ("/activities", {"subject": "x", "due_at": "tomorrow"}, "due_at"),
        ("/activities", {"subject": "x", "duration_minutes": -5}, "duration_minutes"),
        ("/activities", {"subject": "x", "done": "perhaps"}, "done"),
        ("/pipelines", {"name": "P", "stages": [{"name": "S", "probability": 101}]}, "stages.0.probability"),
    ],
)
def test_a_value_of_the_wrong_type_or_range_is_refused_on_its_field(
    api_for, admin, pipeline, path, body, field
):
    assert_error_answer(api_for(admin).post(path, body), 422, [field])


@pytest.mark.parametrize(
    "path, body, field",
    [
        ("/contacts", {"last_name": "x", "city": "ت" * 81}, "city"),
        ("/contacts", {"last_name": "x", "title": "t" * 101}, "title"),
        ("/companies", {"name": "x", "industry": "i" * 101}, "industry"),
        ("/companies", {"name": "x", "website": "not a url"}, "website"),
        ("/leads", {"last_name": "x", "company_name": "c" * 201}, "company_name"),
        ("/leads", {"last_name": "x", "email": "not-an-email"}, "email"),
        ("/leads", {"last_name": "x", "phone": "12"}, "phone"),
        ("/activities", {"subject": "x", "outcome": "o" * 201}, "outcome"),
    ],
)
def test_a_value_the_database_column_cannot_hold_is_refused_on_its_field(api_for, admin, path, body, field):
    assert_error_answer(api_for(admin).post(path, body), 422, [field])


@pytest.mark.parametrize(
    "path, body",
    [
        ("/contacts", {"last_name": "کریمی\x00"}),
        ("/companies", {"name": "پارس\x00نوین"}),
        ("/deals", {"title": "\x00"}),
    ],
)
def test_a_nul_character_in_text_is_refused_or_dropped_but_never_a_server_error(
    api_for, rep_a, pipeline, path, body
):
    response = api_for(rep_a).post(path, body)

    if response.status_code != 201:
        assert_error_answer(response, 422)


def test_patch_missing_its_version_or_with_a_wrong_type_is_named(api_for, rep_a, records):
    api = api_for(rep_a)
    contact = records["contact"]

    assert_error_answer(api.patch(f"/contacts/{contact.pk}", {"city": "x"}), 422, ["version"])
    assert_error_answer(api.patch(f"/contacts/{contact.pk}", {"version": "one"}), 422, ["version"])
    assert_error_answer(api.delete(f"/contacts/{contact.pk}", version="one"), 422, ["version"])
    assert Contact.objects.get(pk=contact.pk).version == 1


def test_an_unknown_custom_field_or_a_bad_custom_value_is_named_by_its_key(api_for, rep_a):
    CustomField.objects.create(entity="contact", key="vip_level", label="VIP", field_type="number")

    assert_error_answer(
        api_for(rep_a).post("/contacts", {"last_name": "x", "custom": {"shoe": 42}}), 422, ["custom.shoe"]
    )
    assert_error_answer(
        api_for(rep_a).post("/contacts", {"last_name": "x", "custom": {"vip_level": "gold"}}),
        422,
        ["custom.vip_level"],
    )


@pytest.mark.parametrize(
    "path, field",
    [
        ("/contacts", "owner"),
        ("/contacts", "company"),
        ("/deals", "contact"),
        ("/deals", "pipeline"),
        ("/activities", "record_id"),
    ],
)
def test_a_reference_id_too_large_for_the_database_is_refused_on_its_field(
    api_for, rep_a, pipeline, path, field
):
    body = {
        "/contacts": {"last_name": "x"},
        "/deals": {"title": "x"},
        "/activities": {"subject": "x", "record_type": "deal"},
    }[path] | {field: 10**20}

    assert_error_answer(api_for(rep_a).post(path, body), 422, [field])


# --- values outside what the record allows --------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, body, field",
    [
        ("/contacts", {"last_name": "x", "source": "carrier pigeon"}, "source"),
        ("/companies", {"name": "x", "size": "huge"}, "size"),
        ("/leads", {"last_name": "x", "status": "bogus"}, "status"),
        ("/leads", {"last_name": "x", "source": "bogus"}, "source"),
        ("/leads", {"last_name": "x", "status": "converted"}, "status"),
        ("/activities", {"subject": "x", "kind": "party"}, "kind"),
        (
            "/pipelines",
            {"name": "P", "stages": [{"name": "S", "kind": "maybe"}, {"name": "T"}]},
            "stages.0.kind",
        ),
        ("/pipelines", {"name": "P", "stages": []}, "stages"),
        ("/deals", {"title": "x", "pipeline": 999999}, "pipeline"),
    ],
)
def test_a_value_outside_the_allowed_choices_is_refused_on_its_field(
    api_for, admin, pipeline, path, body, field
):
    assert_error_answer(api_for(admin).post(path, body), 422, [field])


def test_setting_a_lead_to_converted_directly_is_refused_on_field_status(api_for, rep_a, records):
    lead = records["lead"]

    refused = api_for(rep_a).patch(f"/leads/{lead.pk}", {"version": lead.version, "status": "converted"})

    assert_error_answer(refused, 422, ["status"])
    assert Lead.objects.get(pk=lead.pk).status == "new"


def test_a_deal_cannot_be_put_in_a_stage_of_another_pipeline(api_for, rep_a, records):
    other = make_pipeline(name="Renewals", is_default=False)
    foreign_stage = other.stages.first()
    deal = records["deal"]
    api = api_for(rep_a)

    assert_error_answer(api.post("/deals", {"title": "x", "stage": foreign_stage.pk}), 422, ["stage"])
    assert_error_answer(
        api.patch(f"/deals/{deal.pk}", {"version": deal.version, "stage": foreign_stage.pk}), 422, ["stage"]
    )
    assert_error_answer(
        api.post(f"/deals/{deal.pk}/move", {"version": deal.version, "stage": foreign_stage.pk}),
        422,
        ["stage"],
    )
    deal.refresh_from_db()
    assert (deal.stage.pipeline, deal.version) == (records["deal"].pipeline, 1)


def test_a_move_without_a_stage_or_version_names_them(api_for, rep_a, records):
    deal = records["deal"]

    refused = api_for(rep_a).post(f"/deals/{deal.pk}/move", {})

    body = assert_error_answer(refused, 422)
    assert sorted(e["field"] for e in body["errors"]) == ["stage", "version"]


def test_an_unknown_path_under_the_api_is_a_404_not_a_500(api_for, rep_a):
    response = api_for(rep_a).get("/contacts/not-a-number")

    assert response.status_code == 404


def test_a_non_admin_changing_a_pipeline_gets_a_403_in_the_error_format(api_for, rep_a, pipeline):
    refused = api_for(rep_a).patch(f"/pipelines/{pipeline.pk}", {"name": "Mine"})

    body = assert_error_answer(refused, 403)
    assert body["code"] == "pipeline.forbidden"


# --- anything at all ------------------------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3)
    ),
    max_leaves=8,
)
contact_bodies = st.fixed_dictionaries(
    {},
    optional={
        name: json_values
        for name in (
            "first_name",
            "last_name",
            "company",
            "phones",
            "emails",
            "birthday",
            "source",
            "owner",
            "tags",
            "custom",
            "city",
        )
    },
)


@hypothesis_settings(
    max_examples=60,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=contact_bodies)
def test_any_json_object_posted_as_a_contact_is_created_or_refused_in_the_error_format(api_for, rep_a, body):
    response = api_for(rep_a).post("/contacts", json.loads(json.dumps(body)))

    if response.status_code != 201:
        assert_error_answer(response)


@pytest.mark.django_db
def test_a_query_parameter_given_twice_is_refused_with_the_apis_error(rep_a):
    from tests.fixtures import ApiClient

    response = ApiClient(rep_a).client.get(
        "/api/v1/contacts?search=a&search=b", headers=ApiClient(rep_a).headers
    )
    assert response.status_code == 422
    assert response.json()["code"] == "query.repeated"
    assert response.json()["errors"] == [{"field": "search", "message": "Give this parameter once."}]
