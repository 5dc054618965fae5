"""Reports over the API: the filters read back, errors that say what is wrong, and visibility."""

import pytest
from django.db import transaction

from peyvand.activities.models import Activity
from peyvand.analytics.registry import REPORTS
from peyvand.analytics.selectors import jsonable, run_report
from peyvand.leads.models import Lead
from peyvand.sales.models import Deal
from peyvand.targets.models import Target
from tests.analytics.dataset import build

pytestmark = pytest.mark.django_db

PERIOD = {"start": "2026-01-01", "end": "2026-11-25"}


@pytest.fixture
def history(db):
    return build(seed=11, deals=160)


def test_the_index_lists_every_report_with_its_options(history, api_for):
    response = api_for(history.users["rep_north0"]).get("/reports")
    assert response.status_code == 200
    listed = {item["metric"]: item for item in response.json()}
    assert set(listed) == set(REPORTS)
    assert listed["outcomes"]["options"] == ["by"]
    assert listed["plan-completion"]["title"] == "Plan completion at today's date"


def test_a_report_reads_back_the_filters_it_applied(history, api_for):
    team = history.teams["north"].pk
    body = api_for(history.users["admin"]).get("/reports/outcomes", team=team, by="rep", **PERIOD).json()
    assert body["metric"] == "outcomes"
    assert body["filters"] == {**PERIOD, "team": team, "by": "rep"}
    reps = {u.pk for n, u in history.users.items() if n.startswith("rep_north")}
    assert {row["group"] for row in body["data"]["rows"]} <= reps


def test_a_jalali_period_is_read_when_asked_for(history, api_for):
    body = (
        api_for(history.users["admin"])
        .get("/reports/outcomes", start="1405/01/01", end="۱۴۰۵/۰۶/۳۱", date_format="jalali")
        .json()
    )
    assert body["filters"]["start"] == "2026-03-21" and body["filters"]["end"] == "2026-09-22"


@pytest.mark.parametrize(
    "params,field",
    [
        ({"start": "21/03/2026"}, "start"),
        ({"start": "2026-05-01", "end": "2026-04-01"}, "end"),
        ({"start": "2000-01-01", "end": "2026-01-01"}, "end"),
        ({"by": "planet"}, "by"),
        ({"period_kind": "month", "year": 1405, "number": 13}, "number"),
    ],
)
def test_bad_parameters_answer_422_naming_the_parameter(history, api_for, params, field):
    response = api_for(history.users["admin"]).get("/reports/outcomes", **params)
    assert response.status_code == 422, response.content
    assert field in [e["field"] for e in response.json()["errors"]]


def test_an_option_a_report_does_not_take_is_refused_not_ignored(history, api_for):
    response = api_for(history.users["admin"]).get("/reports/funnel", by="rep")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "by"


def test_an_unknown_report_is_refused(history, api_for):
    assert api_for(history.users["admin"]).get("/reports/happiness").status_code in (404, 422)


def _every_report(user):
    results = {}
    for name in REPORTS:
        params = dict(PERIOD)
        if name == "plan-completion":
            params = {"as_of": "2026-11-25"}
        results[name] = jsonable(run_report(user, name, params)["data"])
    return results


@pytest.mark.parametrize("viewer", ["rep_north1", "manager_south"])
def test_no_report_changes_when_records_the_viewer_may_not_see_are_removed(history, viewer):
    user = history.users[viewer]
    assert Target.objects.exclude(pk__in=Target.objects.visible_to(user).values("pk")).exists()
    before = _every_report(user)
    with transaction.atomic():
        for model in (Activity, Deal, Lead):
            hidden = model.all_objects.exclude(pk__in=model.all_objects.visible_to(user).values("pk"))
            hidden.delete()
        Target.objects.exclude(pk__in=Target.objects.visible_to(user).values("pk")).delete()
    assert Deal.objects.count() < len(history.deals)
    assert _every_report(user) == before


def test_a_manager_sees_nothing_of_another_team_when_filtering_by_it(history, api_for):
    body = (
        api_for(history.users["manager_north"])
        .get("/reports/outcomes", team=history.teams["south"].pk, **PERIOD)
        .json()
    )
    assert body["data"]["rows"] == [
        {
            "group": None,
            "won": 0,
            "lost": 0,
            "win_rate": None,
            "revenue": 0,
            "average_deal": None,
            "created": 0,
            "close_rate": None,
        }
    ]


def test_churn_and_customer_value_take_a_number_of_months_and_refuse_zero(history, api_for):
    client = api_for(history.users["admin"])
    listed = {item["metric"]: item["options"] for item in client.get("/reports").json()}

    assert listed["churn"] == ["months"] and listed["customer-value"] == ["by", "months"]
    assert client.get("/reports/churn", months=6, **PERIOD).json()["data"]["months"] == 6
    refused = client.get("/reports/customer-value", months=0, **PERIOD)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "months"
    assert client.get("/reports/nps", months=6, **PERIOD).status_code == 422
