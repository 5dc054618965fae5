"""The rule builder pages: built row by row without code, saved through the same checks as the API."""

import pytest

from peyvand.automation.models import Rule

pytestmark = pytest.mark.django_db


def _client(client, user):
    client.force_login(user)
    return client


def test_a_rule_is_built_row_by_row_and_saved(client, manager_a, rep_a):
    c = _client(client, manager_a)
    page = c.get("/automation/new/", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert b'name="when"' in page.content

    base = {"name": "Follow up", "enabled": "on", "when": "activity_completed:activity"}
    added = c.post("/automation/new/", {**base, "_op": "add_condition"}, headers={"HX-Request": "true"})
    assert b'name="c-0-field"' in added.content
    assert b"<html" not in added.content  # the form alone, swapped in place

    row = {"c-0-field": "subject", "c-0-op": "equals", "c-0-value": "Send proposal"}
    action = {"a-0-type": "create_activity", "a-0-kind": "task", "a-0-subject": "Follow up on the proposal"}
    action |= {"a-0-due": "+3 days", "a-0-owner": "record_owner"}
    switched = c.post("/automation/new/", {**base, **row, **action, "a-0-type": "webhook", "_op": "refresh"})
    assert b'name="a-0-url"' in switched.content

    refused = c.post("/automation/new/", {**base, **row, **action, "a-0-due": "soon"})
    assert refused.status_code == 200
    assert b"+3 days" in refused.content
    assert not Rule.objects.exists()

    saved = c.post("/automation/new/", {**base, **row, **action})
    rule = Rule.objects.get()
    assert saved.status_code == 302
    assert saved["Location"] == f"/automation/{rule.pk}/"
    assert rule.conditions == [{"field": "subject", "op": "equals", "value": "Send proposal"}]
    assert rule.actions[0] | {"notes": ""} == {
        "type": "create_activity",
        "kind": "task",
        "subject": "Follow up on the proposal",
        "due": "+3 days",
        "owner": "record_owner",
        "notes": "",
    }
    assert c.get(f"/automation/{rule.pk}/").status_code == 200
    edit = c.get(f"/automation/{rule.pk}/edit/")
    assert b"Follow up on the proposal" in edit.content

    c.post(f"/automation/{rule.pk}/switch/")
    rule.refresh_from_db()
    assert rule.enabled is False


def test_only_admins_and_managers_reach_the_automation_pages(client, rep_a, manager_a, admin):
    assert _client(client, rep_a).get("/automation/").status_code == 403
    assert _client(client, manager_a).get("/automation/").status_code == 200
    assert b"/automation/" in _client(client, admin).get("/").content  # the navigation link


def test_a_manager_cannot_open_switch_or_delete_another_teams_rule(client, admin, team_b):
    from tests.automation.helpers import make_rule
    from tests.factories import UserFactory

    rule = make_rule(admin, "created", [{"type": "add_tag", "tag": "x"}], record_type="deal")
    manager_b = UserFactory(username="manager_b", role="sales_manager", team=team_b)
    c = _client(client, manager_b)
    assert c.get(f"/automation/{rule.pk}/").status_code == 404
    assert c.get(f"/automation/{rule.pk}/edit/").status_code == 404
    assert c.post(f"/automation/{rule.pk}/switch/").status_code == 404
    assert c.post(f"/automation/{rule.pk}/delete/").status_code == 404
    rule.refresh_from_db()
    assert rule.enabled is True


def test_an_amount_in_a_rule_is_typed_and_shown_in_toman_and_stored_in_rial(client, manager_a):
    c = _client(client, manager_a)
    c.cookies["django_language"] = "en"
    base = {"name": "Big deals", "enabled": "on", "when": "created:deal"}
    row = {"c-0-field": "amount", "c-0-op": "greater_than", "c-0-value": "۱۲٬۵۰۰٬۰۰۰"}
    action = {"a-0-type": "add_tag", "a-0-tag": "big"}

    shown = c.post("/automation/new/", {**base, **row, **action, "_op": "refresh"})
    assert b'<span class="money-unit">Toman</span>' in shown.content
    refused = c.post("/automation/new/", {**base, **row, **action, "c-0-value": "12.55"})
    assert "Value cannot hold a fraction of a Rial." in refused.content.decode()
    assert not Rule.objects.exists()

    saved = c.post("/automation/new/", {**base, **row, **action})
    assert saved.status_code == 302
    rule = Rule.objects.get()
    assert rule.conditions == [{"field": "amount", "op": "greater_than", "value": "125000000"}]
    assert 'value="12,500,000"' in c.get(f"/automation/{rule.pk}/edit/").content.decode()
    assert "12,500,000 Toman" in c.get(f"/automation/{rule.pk}/").content.decode()
