"""Stuck deals: alerted once per stay, listed and marked for the people who may see them."""

import datetime as dt

import pytest
import time_machine
from django.core import mail

from peyvand.core import periodic
from peyvand.notifications.models import Notification
from peyvand.sales.services import create_deal, move_deal_to_stage

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC)
TICK = dt.timedelta(minutes=15)


@pytest.fixture
def client(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def limited(pipeline):
    """ "Lead in" allows 7 days, "Qualified" 3."""
    stages = {s.name: s for s in pipeline.stages.all()}
    stages["Lead in"].max_days = 7
    stages["Lead in"].save()
    stages["Qualified"].max_days = 3
    stages["Qualified"].save()
    return stages


@pytest.fixture
def people(rep_a, rep_a2, manager_a, rep_b):
    for user in (rep_a, rep_a2, manager_a, rep_b):
        user.email = f"{user.username}@example.com"
        user.save()
    return rep_a, rep_a2, manager_a, rep_b


def _run(now, capture):
    with time_machine.travel(now, tick=False), capture(execute=True):
        return periodic.run_due(now, only="stuck_deals")


def _stuck_notes(deal):
    return Notification.objects.filter(kind="deal_stuck", url=f"/deals/{deal.pk}/")


def test_a_stuck_deal_alerts_its_owner_and_their_manager_once_per_stay_and_again_after_it_moves(
    people, limited, django_capture_on_commit_callbacks
):
    rep_a, rep_a2, manager_a, rep_b = people
    with time_machine.travel(START, tick=False):
        deal = create_deal(actor=rep_a, values={"title": "Fleet tracking"})

    assert _run(START + dt.timedelta(days=6), django_capture_on_commit_callbacks) == {"stuck_deals": "ok"}
    assert not _stuck_notes(deal).exists()  # within its 7 days

    _run(START + dt.timedelta(days=7, hours=1), django_capture_on_commit_callbacks)
    assert sorted(_stuck_notes(deal).values_list("recipient__username", flat=True)) == ["manager_a", "rep_a"]
    assert sorted(m.to[0] for m in mail.outbox) == ["manager_a@example.com", "rep_a@example.com"]
    assert "Fleet tracking" in mail.outbox[0].subject and f"/deals/{deal.pk}/" in mail.outbox[0].body

    for tick in range(1, 5):  # the job runs on and on; the stay was already told about
        _run(START + dt.timedelta(days=7, hours=1) + tick * TICK, django_capture_on_commit_callbacks)
    assert _stuck_notes(deal).count() == 2 and len(mail.outbox) == 2

    moved_at = START + dt.timedelta(days=8)
    with time_machine.travel(moved_at, tick=False):
        deal = move_deal_to_stage(actor=rep_a, deal=deal, stage=limited["Qualified"], version=deal.version)
    _run(moved_at + dt.timedelta(days=2), django_capture_on_commit_callbacks)
    assert _stuck_notes(deal).count() == 2  # not stuck in its new stage yet

    _run(moved_at + dt.timedelta(days=3, minutes=30), django_capture_on_commit_callbacks)
    assert _stuck_notes(deal).count() == 4 and len(mail.outbox) == 4
    keys = set(_stuck_notes(deal).values_list("key", flat=True))
    assert keys == {f"stuck:{deal.pk}:{START.isoformat()}", f"stuck:{deal.pk}:{moved_at.isoformat()}"}
    assert not Notification.objects.filter(recipient__in=[rep_a2, rep_b]).exists()


def test_a_won_deal_or_a_stage_without_a_limit_is_never_stuck(
    people, limited, django_capture_on_commit_callbacks
):
    rep_a = people[0]
    with time_machine.travel(START, tick=False):
        deal = create_deal(actor=rep_a, values={"title": "Closed fast", "amount": 10})
        move_deal_to_stage(actor=rep_a, deal=deal, stage=limited["Won"], version=deal.version)
        free = create_deal(actor=rep_a, values={"title": "No limit", "stage": limited["Proposal"].pk})
    _run(START + dt.timedelta(days=90), django_capture_on_commit_callbacks)
    assert not Notification.objects.filter(kind="deal_stuck").exists()
    assert free.days_over_limit(START + dt.timedelta(days=90)) is None


def test_the_stuck_api_lists_only_visible_deals_with_days_over_the_limit(api_for, people, limited):
    rep_a, rep_a2, manager_a, rep_b = people
    with time_machine.travel(START, tick=False):
        mine = create_deal(actor=rep_a, values={"title": "Mine"})
        teammates = create_deal(
            actor=rep_a2, values={"title": "Teammate's", "stage": limited["Qualified"].pk}
        )
        theirs = create_deal(actor=rep_b, values={"title": "Other team's"})
    with time_machine.travel(START + dt.timedelta(days=9, hours=2), tick=False):
        mine_answer = api_for(rep_a).get("/deals/stuck").json()
        assert [(d["id"], d["days_over"], d["max_days"]) for d in mine_answer["items"]] == [(mine.pk, 3, 7)]
        team = api_for(manager_a).get("/deals/stuck").json()
        # the teammate's deal ran over its 3 days first, so it comes first
        assert [(d["id"], d["days_over"]) for d in team["items"]] == [(teammates.pk, 7), (mine.pk, 3)]
        assert team["count"] == 2
        assert [d["id"] for d in api_for(rep_b).get("/deals/stuck").json()["items"]] == [theirs.pk]


def test_the_stuck_page_and_the_board_show_days_over_for_visible_deals_only(
    client, people, limited, pipeline
):
    rep_a, _rep_a2, _manager_a, rep_b = people
    with time_machine.travel(START, tick=False):
        mine = create_deal(actor=rep_a, values={"title": "Slow mover"})
        create_deal(actor=rep_b, values={"title": "Secret slow mover"})
    with time_machine.travel(START + dt.timedelta(days=10), tick=False):
        client.force_login(rep_a)
        page = client.get("/deals/stuck/").content.decode()
        assert "Slow mover" in page and "Secret slow mover" not in page
        assert "3 days over" in page
        board = client.get(f"/board/?pipeline={pipeline.pk}").content.decode()
        assert 'class="deal-card stuck"' in board and "Stuck: 3 days over" in board
        assert f'data-deal="{mine.pk}"' in board
        assert 'href="/deals/stuck/"' in board


def test_the_stuck_api_makes_the_same_number_of_queries_for_few_or_many_deals(api_for, rep_a, limited):
    import json

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for_stuck_list():
        with CaptureQueriesContext(connection) as captured:
            answer = api.get("/deals/stuck", page_size=100)
        assert answer.status_code == 200
        return len(captured), json.loads(answer.content)["count"]

    api = api_for(rep_a)
    with time_machine.travel(START, tick=False):
        for i in range(3):
            create_deal(actor=rep_a, values={"title": f"Slow {i}", "tags": ["VIP"]})
    with time_machine.travel(START + dt.timedelta(days=30), tick=False):
        few, count = queries_for_stuck_list()
    assert count == 3
    with time_machine.travel(START, tick=False):
        for i in range(12):
            create_deal(actor=rep_a, values={"title": f"Slower {i}", "tags": ["VIP"]})
    with time_machine.travel(
        START + dt.timedelta(days=31), tick=False
    ):  # a day on: the token's use is noted again
        many, count = queries_for_stuck_list()
    assert count == 15
    assert many == few
