"""The tickets API (/api/v1/tickets...): the generic routes and the conversation, status, merge, split and queue
routes beside them, through real HTTP with bearer tokens."""

import pytest
from django.core import mail

from peyvand.messaging.models import Outbox
from peyvand.service.models import Ticket

pytestmark = pytest.mark.django_db


def _open(api, **values):
    response = api.post("/tickets", {"subject": "No sound", "customer_email": "c@example.com", **values})
    assert response.status_code == 201, response.content
    return response.json()


def test_an_agent_opens_replies_notes_and_resolves_a_ticket(api_for, agent_a):
    api = api_for(agent_a)
    ticket = _open(api, priority="high", channel="phone")
    assert ticket["status"] == "new" and ticket["reference"] == f"#{ticket['id']}"
    assert ticket["channel"] == "phone" and ticket["team_id"] == agent_a.team_id

    reply = api.post(f"/tickets/{ticket['id']}/reply", {"body": "Please restart it."})
    assert reply.status_code == 201 and reply.json()["kind"] == "reply"
    assert reply.json()["message_id"] == mail.outbox[0].extra_headers["Message-ID"]
    assert mail.outbox[0].subject == f"[#{ticket['id']}] No sound"
    note = api.post(f"/tickets/{ticket['id']}/note", {"body": "Known issue with model X"})
    assert note.status_code == 201 and note.json()["kind"] == "note"
    assert len(mail.outbox) == 1 and Outbox.objects.count() == 1

    current = api.get(f"/tickets/{ticket['id']}").json()
    assert current["status"] == "open" and current["agent_replies"] == 1
    resolved = api.post(
        f"/tickets/{ticket['id']}/status", {"status": "resolved", "version": current["version"]}
    )
    assert resolved.status_code == 200 and resolved.json()["resolved_at"]
    kinds = [m["kind"] for m in api.get(f"/tickets/{ticket['id']}/messages").json()]
    assert kinds == ["reply", "note"]


def test_a_move_not_allowed_is_a_409_naming_the_status(api_for, agent_a):
    api = api_for(agent_a)
    ticket = _open(api)
    closed = api.post(
        f"/tickets/{ticket['id']}/status", {"status": "closed", "version": ticket["version"]}
    ).json()
    refused = api.post(
        f"/tickets/{ticket['id']}/status", {"status": "resolved", "version": closed["version"]}
    )
    assert refused.status_code == 409 and refused.json()["code"] == "ticket.bad_transition"
    assert refused.json()["errors"][0]["field"] == "status"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"subject": ""}, "subject"),
        ({"subject": "x", "priority": "panic"}, "priority"),
        ({"subject": "x", "customer_email": "not an address"}, "customer_email"),
        ({"subject": "x", "category": 999999}, "category"),
        ({"subject": "x", "team": 999999}, "team"),
        ({"subject": "x", "contact": 999999}, "contact"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(api_for, agent_a, body, field):
    response = api_for(agent_a).post("/tickets", body)
    assert response.status_code == 422, response.content
    assert field in [e["field"] for e in response.json()["errors"]]


def test_another_teams_agent_gets_404_everywhere(api_for, agent_a, agent_b):
    ticket = _open(api_for(agent_a))
    other = api_for(agent_b)
    for method, path, body in [
        ("get", f"/tickets/{ticket['id']}", None),
        ("get", f"/tickets/{ticket['id']}/messages", None),
        ("post", f"/tickets/{ticket['id']}/reply", {"body": "x"}),
        ("post", f"/tickets/{ticket['id']}/note", {"body": "x"}),
        ("post", f"/tickets/{ticket['id']}/status", {"status": "open", "version": 1}),
    ]:
        response = getattr(other, method)(path, body) if body else getattr(other, method)(path)
        assert response.status_code == 404, (path, response.content)
    assert not mail.outbox


def test_a_rep_is_refused_the_queues_work_with_403(api_for, rep_a):
    api = api_for(rep_a)
    ticket = _open(api)
    assert api.post(f"/tickets/{ticket['id']}/reply", {"body": "x"}).status_code == 403
    assert api.post(f"/tickets/{ticket['id']}/note", {"body": "x"}).status_code == 403
    assert api.get(f"/tickets/{ticket['id']}/messages").status_code == 200


def test_merge_and_split_through_the_api(api_for, agent_a):
    api = api_for(agent_a)
    first, second = _open(api), _open(api, subject="Still no sound")
    merged = api.post(f"/tickets/{second['id']}/merge", {"target": first["id"]})
    assert merged.status_code == 200 and merged.json()["id"] == first["id"]
    assert api.get(f"/tickets/{second['id']}").json()["merged_into_id"] == first["id"]
    again = api.post(f"/tickets/{second['id']}/reply", {"body": "x"})
    assert again.status_code == 409 and again.json()["code"] == "ticket.merged"

    from peyvand.service.services_tickets import add_customer_message

    message = add_customer_message(
        ticket=Ticket.objects.get(pk=first["id"]), body="Also the screen", from_address="c@example.com"
    )
    split = api.post(f"/tickets/{first['id']}/split", {"message": message.pk, "subject": "Screen"})
    assert split.status_code == 201 and split.json()["split_from_id"] == first["id"]
    assert api.post(f"/tickets/{first['id']}/split", {"message": 10**12, "subject": "x"}).status_code == 404


def test_the_queue_counts_only_the_tickets_the_caller_sees(api_for, agent_a, agent_b, rep_a, admin):
    _open(api_for(agent_a))
    _open(api_for(agent_a), subject="Second")
    _open(api_for(agent_b))
    (row,) = api_for(agent_a).get("/tickets/queue").json()
    assert row["team_id"] == agent_a.team_id and row["open"] == 2 and row["by_status"] == {"new": 2}
    assert api_for(rep_a).get("/tickets/queue").json() == []  # a rep sees only the tickets they opened
    everyone = api_for(admin).get("/tickets/queue").json()
    assert sorted(r["open"] for r in everyone) == [1, 2]
    (only_b,) = api_for(admin).get("/tickets/queue", team=agent_b.team_id).json()
    assert only_b["team_id"] == agent_b.team_id


def test_the_list_filters_and_searches(api_for, agent_a):
    api = api_for(agent_a)
    _open(api, subject="چاپگر خراب است", priority="urgent")
    _open(api, subject="Login fails")
    found = api.get("/tickets", search="چاپگر").json()
    assert [t["subject"] for t in found["items"]] == ["چاپگر خراب است"]
    assert [t["priority"] for t in api.get("/tickets", priority="urgent").json()["items"]] == ["urgent"]
    assert api.get("/tickets", sla_state="none").json()["count"] == 2
    assert api.get("/tickets", status="nope").json()["count"] == 0
