"""The targets API: who reads, sets, changes and deletes which targets; filters by period and subject."""

import pytest

from peyvand.targets.models import Target
from peyvand.targets.services import set_target

pytestmark = pytest.mark.django_db


def target(actor, number=9, kind="month", **subject):
    return set_target(
        actor=actor, calendar="jalali", kind=kind, year=1405, number=number, amount="1000000", **subject
    )[0]


@pytest.fixture
def targets(admin, rep_a, rep_a2, rep_b, team_a, team_b):
    return {
        "own": target(admin, user=rep_a.pk),
        "colleague": target(admin, user=rep_a2.pk),
        "team_a": target(admin, team=team_a.pk),
        "foreign": target(admin, user=rep_b.pk),
        "team_b": target(admin, team=team_b.pk),
        "own_autumn": target(admin, kind="quarter", number=3, user=rep_a.pk),
    }


def _ids(response):
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


def test_each_role_lists_only_the_targets_it_may_read(targets, admin, manager_a, rep_a, api_for):
    t = targets

    assert _ids(api_for(rep_a).get("/targets")) == {t["own"].pk, t["own_autumn"].pk}
    assert _ids(api_for(manager_a).get("/targets")) == {
        t["own"].pk,
        t["own_autumn"].pk,
        t["colleague"].pk,
        t["team_a"].pk,
    }
    assert _ids(api_for(admin).get("/targets", page_size=200)) == {x.pk for x in t.values()}


def test_the_list_filters_by_period_subject_and_date(targets, admin, rep_a, team_a, api_for):
    client = api_for(admin)
    t = targets

    assert _ids(client.get("/targets", period_kind="quarter")) == {t["own_autumn"].pk}
    assert _ids(client.get("/targets", user=rep_a.pk)) == {t["own"].pk, t["own_autumn"].pk}
    assert _ids(client.get("/targets", team=team_a.pk)) == {t["team_a"].pk}
    assert _ids(client.get("/targets", year=1405, number=9, period_kind="month", user=rep_a.pk)) == {
        t["own"].pk
    }
    assert _ids(client.get("/targets", covers="2026-12-01", user=rep_a.pk)) == {
        t["own"].pk,
        t["own_autumn"].pk,
    }
    assert _ids(client.get("/targets", end="2026-11-21", user=rep_a.pk)) == {t["own_autumn"].pk}


def test_a_rep_reads_their_own_target_and_gets_404_for_a_colleagues(targets, rep_a, api_for):
    client = api_for(rep_a)

    own = client.get(f"/targets/{targets['own'].pk}")
    colleague = client.get(f"/targets/{targets['colleague'].pk}")

    assert own.status_code == 200
    assert (own.json()["start_date"], own.json()["end_date"]) == ("2026-11-22", "2026-12-21")
    assert colleague.status_code == 404 and colleague.json()["code"] == "not_found"


def test_a_rep_may_not_set_change_or_delete_even_their_own_target(targets, rep_a, api_for):
    client = api_for(rep_a)
    own = targets["own"]
    body = {"user": rep_a.pk, "period_kind": "month", "year": 1405, "number": 10, "amount": "5"}

    assert client.post("/targets", body).status_code == 403
    assert client.patch(f"/targets/{own.pk}", {"version": own.version, "amount": "7"}).status_code == 403
    assert client.delete(f"/targets/{own.pk}").status_code == 403
    assert Target.objects.get(pk=own.pk).amount == own.amount
    assert not Target.objects.filter(number=10).exists()


def test_a_manager_sets_their_reps_target_and_is_refused_another_teams(manager_a, rep_a, rep_b, api_for):
    client = api_for(manager_a)
    body = {"period_kind": "month", "year": 1405, "number": 10, "amount": "5000000", "deals_won": 2}

    created = client.post("/targets", {**body, "user": rep_a.pk})
    replaced = client.post("/targets", {**body, "user": rep_a.pk, "amount": "6000000"})
    refused = client.post("/targets", {**body, "user": rep_b.pk})

    assert created.status_code == 201, created.content
    assert replaced.status_code == 200 and replaced.json()["id"] == created.json()["id"]
    assert replaced.json()["amount"] == "6000000.00" and replaced.json()["version"] == 2
    assert refused.status_code == 403 and refused.json()["errors"][0]["field"] == "user"
    assert not Target.objects.filter(user=rep_b).exists()


def test_a_manager_gets_404_for_another_teams_target_and_changes_nothing(targets, manager_a, api_for):
    client = api_for(manager_a)
    foreign = targets["foreign"]

    assert client.get(f"/targets/{foreign.pk}").status_code == 404
    assert client.patch(f"/targets/{foreign.pk}", {"version": 1, "amount": "9"}).status_code == 404
    assert client.delete(f"/targets/{foreign.pk}").status_code == 404
    assert Target.objects.get(pk=foreign.pk).version == 1


def test_a_manager_changes_and_deletes_their_teams_target_with_the_version(targets, manager_a, api_for):
    client = api_for(manager_a)
    own = targets["own"]

    stale = client.patch(f"/targets/{own.pk}", {"version": 5, "deals_won": 3})
    changed = client.patch(f"/targets/{own.pk}", {"version": 1, "deals_won": 3})
    deleted = client.delete(f"/targets/{own.pk}", version=2)

    assert stale.status_code == 409
    assert changed.status_code == 200 and changed.json()["deals_won"] == 3
    assert deleted.status_code == 204
    assert not Target.objects.filter(pk=own.pk).exists()


def test_an_admin_may_use_every_target_operation_on_any_team(targets, admin, rep_b, api_for):
    client = api_for(admin)
    foreign = targets["foreign"]
    body = {"user": rep_b.pk, "period_kind": "month", "year": 1405, "number": 11, "amount": "5"}

    assert client.post("/targets", body).status_code == 201
    assert client.get(f"/targets/{foreign.pk}").status_code == 200
    assert client.patch(f"/targets/{foreign.pk}", {"version": 1, "amount": "8"}).status_code == 200
    assert client.delete(f"/targets/{foreign.pk}").status_code == 204


def test_bad_values_answer_422_on_their_fields(manager_a, rep_a, team_a, api_for):
    client = api_for(manager_a)
    base = {"user": rep_a.pk, "period_kind": "quarter", "year": 1405, "number": 2, "amount": "5"}

    both = client.post("/targets", {**base, "team": team_a.pk})
    quarter = client.post("/targets", {**base, "number": 5})
    year = client.post("/targets", {**base, "year": 2026})
    negative = client.post("/targets", {**base, "amount": "-1"})

    assert both.status_code == 422
    assert quarter.status_code == 422 and quarter.json()["errors"][0]["field"] == "number"
    assert year.status_code == 422 and year.json()["errors"][0]["field"] == "year"
    assert negative.status_code == 422 and negative.json()["errors"][0]["field"] == "amount"
    assert not Target.objects.exists()


def test_nobody_signed_out_reads_targets(targets, client):
    assert client.get("/api/v1/targets").status_code == 401
