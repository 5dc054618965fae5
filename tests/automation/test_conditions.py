"""Conditions: each comparison on each kind of field, evaluated on real records."""

import pytest

from peyvand.automation.conditions import all_hold, clean_conditions, holds
from peyvand.contacts.services import create_contact
from peyvand.core.errors import ValidationFailed
from peyvand.core.models import CustomField
from peyvand.sales.services import create_deal

pytestmark = pytest.mark.django_db


@pytest.fixture
def deal(rep_a, pipeline):
    CustomField.objects.create(entity="deal", key="region_code", label="Region code", field_type="text")
    return create_deal(
        actor=rep_a,
        values={
            "title": "ERP licence for Pars",
            "amount": "2500000",
            "tags": ["vip", "erp"],
            "custom": {"region_code": "T1"},
        },
    )


def _holds(deal, field, op, value=None):
    (condition,) = clean_conditions("deal", [{"field": field, "op": op, "value": value}])
    return holds(deal, "deal", condition)


@pytest.mark.parametrize(
    ("field", "op", "value", "expected"),
    [
        ("title", "equals", "erp LICENCE for pars", True),
        ("title", "not_equals", "ERP licence for Pars", False),
        ("title", "contains", "licence", True),
        ("title", "not_contains", "licence", False),
        ("title", "in", "Other, ERP licence for Pars", True),
        ("amount", "greater_than", "1000000", True),
        ("amount", "less_than", "1000000", False),
        ("amount", "equals", "2500000.00", True),
        ("expected_close_date", "is_empty", None, True),
        ("expected_close_date", "is_not_empty", None, False),
        ("lost_reason", "is_empty", None, True),
        ("tags", "contains", "VIP", True),
        ("tags", "not_contains", "vip", False),
        ("tags", "in", ["gold", "erp"], True),
        ("custom.region_code", "equals", "T1", True),
        ("custom.region_code", "in", "T2,T3", False),
        ("status", "equals", "open", True),
    ],
)
def test_each_comparison(deal, field, op, value, expected):
    assert _holds(deal, field, op, value) is expected


def test_owner_team_pipeline_and_stage_compare_by_id(deal, rep_a, rep_a2, team_a, pipeline):
    assert _holds(deal, "owner", "equals", rep_a.pk)
    assert not _holds(deal, "owner", "equals", rep_a2.pk)
    assert _holds(deal, "team", "equals", team_a.pk)
    assert _holds(deal, "pipeline", "equals", pipeline.pk)
    assert _holds(deal, "stage", "in", [deal.stage_id, pipeline.stages.last().pk])
    assert not _holds(deal, "stage", "not_equals", deal.stage_id)


def test_all_conditions_must_hold(deal):
    conditions = clean_conditions(
        "deal",
        [
            {"field": "amount", "op": "greater_than", "value": "1"},
            {"field": "title", "op": "contains", "value": "CRM"},
        ],
    )
    assert not all_hold(deal, "deal", conditions)
    assert all_hold(deal, "deal", conditions[:1])


def test_a_contacts_birthday_compares_as_a_date_given_in_jalali(rep_a):
    contact = create_contact(actor=rep_a, values={"last_name": "Karimi", "birthday": "1990-03-21"})
    (condition,) = clean_conditions("contact", [{"field": "birthday", "op": "equals", "value": "1369/01/01"}])
    assert condition["value"] == "1990-03-21"
    assert holds(contact, "contact", condition)


@pytest.mark.parametrize(
    "condition",
    [
        {"field": "search_text", "op": "equals", "value": "x"},
        {"field": "custom.nope", "op": "equals", "value": "x"},
        {"field": "amount", "op": "contains", "value": "1"},
        {"field": "amount", "op": "equals", "value": "NaN"},
        {"field": "owner", "op": "equals", "value": 10**12},
        {"field": "status", "op": "equals", "value": "maybe"},
        {"field": "title", "op": "equals", "value": {"$ne": 1}},
        {"field": "title", "op": "in", "value": []},
    ],
)
def test_conditions_outside_the_allow_list_are_refused(deal, condition):
    with pytest.raises(ValidationFailed):
        clean_conditions("deal", [condition])
