"""Automation rules over the API: the classic follow-up rule end to end, and who may manage rules."""

import datetime as dt

import pytest

from peyvand.activities.models import Activity
from peyvand.automation.models import Rule, RuleRun

pytestmark = pytest.mark.django_db

FOLLOW_UP = {
    "name": "Follow up on proposals",
    "trigger": "activity_completed",
    "conditions": [{"field": "subject", "op": "equals", "value": "Send proposal"}],
    "actions": [
        {"type": "create_activity", "kind": "task", "subject": "Follow up on the proposal", "due": "+3 days"}
    ],
}


def test_completing_send_proposal_adds_a_follow_up_three_days_later_for_the_owner(
    api_for, manager_a, rep_a, pipeline, run_events
):
    created = api_for(manager_a).post("/automation/rules", FOLLOW_UP)
    assert created.status_code == 201, created.json()
    assert created.json()["record_type"] == "activity"
    assert created.json()["actions"][0]["owner"] == "record_owner"

    rep = api_for(rep_a)
    deal = rep.post("/deals", {"title": "ERP licence", "amount": "1000"}).json()
    task = rep.post(
        "/activities", {"subject": "Send proposal", "record_type": "deal", "record_id": deal["id"]}
    ).json()
    other = rep.post("/activities", {"subject": "Call back"}).json()
    with run_events():
        done = rep.patch(f"/activities/{task['id']}", {"version": task["version"], "done": True})
        rep.patch(f"/activities/{other['id']}", {"version": other["version"], "done": True})
    assert done.status_code == 200, done.json()

    follow_up = Activity.objects.get(subject="Follow up on the proposal")
    completed_at = Activity.objects.get(pk=task["id"]).done_at
    assert follow_up.due_at == completed_at + dt.timedelta(days=3)
    assert follow_up.owner == rep_a
    assert (follow_up.record_type, follow_up.record_id) == ("deal", deal["id"])
    assert follow_up.done_at is None
    assert (
        Activity.objects.filter(subject="Follow up on the proposal").count() == 1
    )  # "Call back" did not match

    runs = api_for(manager_a).get(f"/automation/rules/{created.json()['id']}/runs").json()
    assert runs["count"] == 1
    assert runs["items"][0]["status"] == "ok"
    assert runs["items"][0]["record_id"] == task["id"]
    assert runs["items"][0]["results"][0]["status"] == "ok"


def test_reps_may_not_manage_rules_and_managers_see_only_their_teams(
    api_for, admin, manager_a, rep_a, team_b
):
    from tests.factories import UserFactory

    manager_b = UserFactory(username="manager_b", role="sales_manager", team=team_b)
    mine = api_for(manager_a).post("/automation/rules", FOLLOW_UP).json()
    theirs = api_for(manager_b).post("/automation/rules", {**FOLLOW_UP, "name": "Theirs"}).json()

    rep = api_for(rep_a)
    assert rep.get("/automation/rules").status_code == 403
    assert rep.post("/automation/rules", FOLLOW_UP).status_code == 403
    assert rep.get(f"/automation/rules/{mine['id']}").status_code == 403
    assert rep.get(f"/automation/rules/{mine['id']}/runs").status_code == 403
    assert rep.patch(f"/automation/rules/{mine['id']}", {"version": 1, "enabled": False}).status_code == 403
    assert rep.delete(f"/automation/rules/{mine['id']}").status_code == 403

    manager = api_for(manager_a)
    assert [r["id"] for r in manager.get("/automation/rules").json()["items"]] == [mine["id"]]
    assert manager.get(f"/automation/rules/{theirs['id']}").status_code == 404
    assert manager.get(f"/automation/rules/{theirs['id']}/runs").status_code == 404
    assert (
        manager.patch(f"/automation/rules/{theirs['id']}", {"version": 1, "enabled": False}).status_code
        == 404
    )
    assert manager.delete(f"/automation/rules/{theirs['id']}").status_code == 404

    boss = api_for(admin)
    assert boss.get("/automation/rules").json()["count"] == 2
    switched = boss.patch(f"/automation/rules/{theirs['id']}", {"version": 1, "enabled": False})
    assert switched.json()["enabled"] is False
    assert switched.json()["version"] == 2
    assert boss.patch(f"/automation/rules/{theirs['id']}", {"version": 1, "name": "x"}).status_code == 409
    assert boss.delete(f"/automation/rules/{theirs['id']}").status_code == 204
    assert not Rule.objects.filter(pk=theirs["id"]).exists()


def test_a_managers_rule_does_not_act_on_another_teams_records(api_for, manager_a, rep_b, run_events):
    rule = api_for(manager_a).post("/automation/rules", FOLLOW_UP).json()
    rep = api_for(rep_b)
    task = rep.post("/activities", {"subject": "Send proposal"}).json()
    with run_events():
        rep.patch(f"/activities/{task['id']}", {"version": task["version"], "done": True})
    assert not Activity.objects.filter(subject="Follow up on the proposal").exists()
    assert not RuleRun.objects.filter(rule_id=rule["id"]).exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"trigger": "no_such"}, "trigger"),
        ({"trigger": "created", "record_type": "spaceship"}, "record_type"),
        ({"conditions": [{"field": "password", "op": "equals", "value": "x"}]}, "conditions.0.field"),
        ({"conditions": [{"field": "subject", "op": "greater_than", "value": "x"}]}, "conditions.0.op"),
        (
            {"conditions": [{"field": "duration_minutes", "op": "equals", "value": "many"}]},
            "conditions.0.value",
        ),
        ({"conditions": ["subject"]}, "conditions.0"),
        ({"actions": [{"type": "rm -rf"}]}, "actions.0.type"),
        ({"actions": [{"type": "create_activity", "subject": "x", "due": "tomorrow-ish"}]}, "actions.0.due"),
        ({"actions": [{"type": "create_activity", "subject": "{% if %}"}]}, "actions.0.subject"),
        (
            {"actions": [{"type": "update_field", "field": "done_at", "value": "2026-01-01"}]},
            "actions.0.field",
        ),
        ({"actions": [{"type": "webhook", "url": "http://10.0.0.5/hook"}]}, "actions.0.url"),
        ({"actions": [{"type": "webhook", "url": "file:///etc/passwd"}]}, "actions.0.url"),
        ({"actions": [{"type": "assign_owner", "user": 999999}]}, "actions.0.user"),
        (
            {"actions": [{"type": "notify", "recipients": ["owner"], "title": "{% include 'base.html' %}"}]},
            "actions.0.title",
        ),
        ({"actions": [{"type": "send_sms", "to": "contact", "body": "{% load static %}"}]}, "actions.0.body"),
    ],
)
def test_a_rule_is_checked_against_the_allow_lists_when_saved(api_for, admin, change, field):
    answer = api_for(admin).post("/automation/rules", {**FOLLOW_UP, **change})
    assert answer.status_code == 422, answer.json()
    assert field in [e["field"] for e in answer.json()["errors"]]
    assert not Rule.objects.exists()


def test_the_demo_rules_load_once_and_the_follow_up_works_in_persian(admin, rep_a, run_events):
    from peyvand.activities.services import complete_activity, create_activity
    from peyvand.demo import rules as demo

    assert demo.load([rep_a, admin]) == 3  # the follow-up, the welcome and the birthday SMS
    assert demo.load({"admin": admin}) == 0
    task = create_activity(actor=rep_a, values={"subject": "ارسال پیشنهاد"})
    with run_events():
        complete_activity(actor=rep_a, activity=task, version=task.version)
    follow_up = Activity.objects.get(subject="پیگیری پیشنهاد")
    assert follow_up.owner == rep_a


def test_the_catalog_lists_what_rules_may_use_for_rule_managers_only(api_for, manager_a, rep_a):
    assert api_for(rep_a).get("/automation/catalog").status_code == 403
    answer = api_for(manager_a).get("/automation/catalog").json()
    assert {"created", "activity_completed", "no_activity", "date_reached"} <= {
        t["name"] for t in answer["triggers"]
    }
    subject = next(f for f in answer["fields"]["activity"] if f["name"] == "subject")
    assert subject["writable"] is True
    assert "equals" in subject["operators"]
    assert "search_text" not in {f["name"] for f in answer["fields"]["deal"]}
    assert set(answer["actions"]) == {
        "create_activity",
        "assign_owner",
        "update_field",
        "add_tag",
        "notify",
        "send_email",
        "send_sms",
        "webhook",
    }
