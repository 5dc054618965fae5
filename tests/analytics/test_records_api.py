"""Spend, survey answers and key accounts over the API: who reads and writes which, and the CSV upload."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from peyvand.analytics import services
from peyvand.analytics.models import KeyAccount, Spend, SurveyResponse
from peyvand.contacts.models import Company
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

AZAR_1405 = dt.date(2026, 11, 22)


@pytest.fixture
def manager_b(team_b):
    return UserFactory(username="manager_b", role="sales_manager", team=team_b)


@pytest.fixture
def spend(admin, team_a, team_b):
    def make(team):
        return services.record_spend(actor=admin, month=AZAR_1405, channel="email", amount=1000, team=team)

    return {"a": make(team_a), "b": make(team_b), "company": make(None)}


def _put(api, path, body):
    return api.client.put(f"/api/v1{path}", body, content_type="application/json", headers=api.headers)


def _ids(response):
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


def test_each_role_lists_its_teams_and_the_company_wide_spend(spend, admin, manager_a, rep_a, api_for):
    mine = {spend["a"].pk, spend["company"].pk}

    assert _ids(api_for(rep_a).get("/spend")) == mine
    assert _ids(api_for(manager_a).get("/spend")) == mine
    assert _ids(api_for(admin).get("/spend")) == {s.pk for s in spend.values()}
    assert api_for(rep_a).get(f"/spend/{spend['b'].pk}").status_code == 404
    assert api_for(rep_a).get(f"/spend/{spend['a'].pk}").status_code == 200


def test_a_manager_enters_their_teams_spend_and_is_refused_another_teams(
    manager_a, rep_a, team_a, team_b, api_for
):
    body = {"month": "2026-11-22", "channel": "social", "amount": "2500000", "team": team_a.pk}

    created = api_for(manager_a).post("/spend", body)
    other = api_for(manager_a).post("/spend", {**body, "team": team_b.pk})
    by_rep = api_for(rep_a).post("/spend", body)
    not_a_month_start = api_for(manager_a).post("/spend", {**body, "month": "2026-11-23"})

    assert created.status_code == 201 and created.json()["amount"] == "2500000.00"
    assert (other.status_code, by_rep.status_code) == (403, 403)
    assert not_a_month_start.status_code == 422 and not_a_month_start.json()["errors"][0]["field"] == "month"
    assert Spend.objects.count() == 1


def test_a_manager_gets_404_for_another_teams_spend_and_403_for_the_company_wide(spend, manager_a, api_for):
    client = api_for(manager_a)

    assert client.patch(f"/spend/{spend['b'].pk}", {"version": 1, "amount": "5"}).status_code == 404
    assert client.delete(f"/spend/{spend['b'].pk}").status_code == 404
    assert client.patch(f"/spend/{spend['company'].pk}", {"version": 1, "amount": "5"}).status_code == 403
    assert client.delete(f"/spend/{spend['company'].pk}").status_code == 403
    changed = client.patch(f"/spend/{spend['a'].pk}", {"version": 1, "amount": "5"})
    assert changed.status_code == 200 and (changed.json()["amount"], changed.json()["version"]) == ("5.00", 2)
    assert client.delete(f"/spend/{spend['a'].pk}", version=2).status_code == 204
    assert set(Spend.objects.values_list("pk", flat=True)) == {spend["b"].pk, spend["company"].pk}


def test_a_rep_records_an_answer_and_reads_only_their_own(rep_a, rep_a2, manager_a, api_for):
    body = {"score": 9, "answered_at": "2026-11-20T10:00:00+03:30", "comment": "خوب بود"}

    own = api_for(rep_a).post("/survey-responses", body)
    api_for(rep_a2).post("/survey-responses", {**body, "score": 3})
    out_of_range = api_for(rep_a).post("/survey-responses", {**body, "score": 11})

    assert own.status_code == 201 and own.json()["owner_id"] == rep_a.pk
    assert out_of_range.status_code == 422
    assert _ids(api_for(rep_a).get("/survey-responses")) == {own.json()["id"]}
    assert len(_ids(api_for(manager_a).get("/survey-responses"))) == 2


def test_the_csv_upload_imports_all_rows_or_reports_each_bad_cell(rep_a, api_for):
    client = api_for(rep_a)

    def upload(text):
        file = SimpleUploadedFile("answers.csv", text.encode("utf-8"), content_type="text/csv")
        return client.client.post("/api/v1/survey-responses/import", {"file": file}, headers=client.headers)

    bad = upload("score,answered_at\n9,2026-11-01\nten,2026-11-02\n")
    assert bad.status_code == 422
    assert bad.json()["rows"] == [
        {"row": 3, "column": "score", "message": "Give a whole number from 0 to 10."}
    ]
    assert not SurveyResponse.objects.exists()

    good = upload("score,answered_at\n9,2026-11-01\n0,2026-11-02\n")
    assert good.status_code == 201 and good.json() == {"imported": 2}
    assert sorted(SurveyResponse.objects.values_list("score", flat=True)) == [0, 9]


def test_key_accounts_are_set_by_the_companys_owner_and_hidden_from_another_team(
    rep_a, rep_a2, rep_b, manager_b, api_for
):
    own = Company.objects.create(name="Kaveh Steel", owner=rep_a, team=rep_a.team)
    body = {"potential": "90000000", "note": "two plants"}

    set_by_owner = _put(api_for(rep_a), f"/key-accounts/{own.pk}", body)
    by_other_team = _put(api_for(manager_b), f"/key-accounts/{own.pk}", body)
    by_colleague = _put(api_for(rep_a2), f"/key-accounts/{own.pk}", body)

    assert set_by_owner.status_code == 200 and set_by_owner.json()["potential"] == "90000000.00"
    assert (by_other_team.status_code, by_colleague.status_code) == (404, 404)
    assert api_for(rep_b).get("/key-accounts").json()["count"] == 0
    assert api_for(rep_a2).delete(f"/key-accounts/{own.pk}").status_code == 404
    assert api_for(manager_b).delete(f"/key-accounts/{own.pk}").status_code == 404
    assert [a["company_id"] for a in api_for(rep_a).get("/key-accounts").json()["items"]] == [own.pk]
    assert api_for(rep_a).delete(f"/key-accounts/{own.pk}").status_code == 204
    assert not KeyAccount.objects.exists()
