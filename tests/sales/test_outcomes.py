"""Winning and losing a deal: one service behind the deal page, the board and the API; the lost-reason list."""

import pytest

from peyvand.core.audit import audit_for
from peyvand.sales.models import ChecklistItem, Deal, LostReason, StageHistory
from peyvand.sales.services import create_deal, set_checklist_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def reasons(db):
    LostReason.objects.all().delete()
    return {
        name: LostReason.objects.create(name=name, order=i)
        for i, name in enumerate(["Price", "Competitor", "Timing"])
    }


def _deal(owner, **values):
    return create_deal(actor=owner, values={"title": "Fleet tracking", "amount": "5000", **values})


def _stages(pipeline):
    return {s.name: s for s in pipeline.stages.all()}


def test_the_migration_seeds_five_default_reasons_in_the_site_language(db):
    """Run here on an empty table: a transactional test run earlier in the same process may have emptied the
    tables the migrations filled."""
    import importlib

    from django.apps import apps
    from django.utils import translation

    migration = importlib.import_module("peyvand.sales.migrations.0006_lost_reasons")
    LostReason.objects.all().delete()
    migration.add_default_reasons(apps, None)
    seeded = list(LostReason.objects.values_list("name", "order", "active"))
    with translation.override("fa"):
        price = translation.gettext("Price")
    assert len(seeded) == 5 and seeded[0] == (price, 1, True)
    assert [order for _name, order, _active in seeded] == [1, 2, 3, 4, 5]
    migration.add_default_reasons(apps, None)  # a second run keeps what is there
    assert LostReason.objects.count() == 5


def test_winning_through_the_api_moves_to_the_won_stage_and_writes_history(api_for, rep_a, pipeline):
    deal = _deal(rep_a)
    response = api_for(rep_a).post(f"/deals/{deal.pk}/win", {"version": deal.version})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "won" and body["stage_id"] == _stages(pipeline)["Won"].pk
    assert body["closed_at"]
    assert StageHistory.objects.filter(deal=deal).count() == 2


def test_winning_checks_only_the_current_stage_and_names_what_is_missing_in_one_line(
    api_for, rep_a, pipeline
):
    stages = _stages(pipeline)
    first = ChecklistItem.objects.create(stage=stages["Lead in"], text="Confirm budget", required=True)
    ChecklistItem.objects.create(stage=stages["Qualified"], text="Give a demo", required=True)
    ChecklistItem.objects.create(stage=stages["Proposal"], text="Send the offer", required=True)
    deal = _deal(rep_a)
    api = api_for(rep_a)
    refused = api.post(f"/deals/{deal.pk}/win", {"version": deal.version})
    assert refused.status_code == 422
    assert refused.json()["detail"] == "Tick first: Confirm budget."
    set_checklist_item(actor=rep_a, deal=deal, item=first, done=True)
    won = api.post(f"/deals/{deal.pk}/win", {"version": deal.version})
    assert won.status_code == 200, won.json()
    assert won.json()["status"] == "won"


def test_losing_through_the_api_stores_the_reason_and_the_note(api_for, rep_a, pipeline, reasons):
    deal = _deal(rep_a)
    response = api_for(rep_a).post(
        f"/deals/{deal.pk}/lose",
        {"reason": reasons["Price"].pk, "note": "Chose a cheaper supplier", "version": deal.version},
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "lost" and body["lost_because_id"] == reasons["Price"].pk
    assert body["lost_reason"] == "Price — Chose a cheaper supplier"
    assert audit_for(Deal.objects.get(pk=deal.pk)).first().changes["lost_because"] == [
        None,
        reasons["Price"].pk,
    ]


def test_losing_needs_an_active_reason_of_the_list(api_for, rep_a, pipeline, reasons):
    deal = _deal(rep_a)
    api = api_for(rep_a)
    missing = api.post(f"/deals/{deal.pk}/lose", {"version": deal.version})
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "reason"
    reasons["Timing"].active = False
    reasons["Timing"].save()
    inactive = api.post(f"/deals/{deal.pk}/lose", {"reason": reasons["Timing"].pk, "version": deal.version})
    assert inactive.status_code == 422
    assert Deal.objects.get(pk=deal.pk).status == "open"


def test_a_stale_version_is_refused(api_for, rep_a, pipeline, reasons):
    deal = _deal(rep_a)
    response = api_for(rep_a).post(f"/deals/{deal.pk}/win", {"version": deal.version + 5})
    assert response.status_code == 409


def test_another_teams_deal_cannot_be_won_or_lost(api_for, rep_a, rep_b, pipeline, reasons):
    deal = _deal(rep_b)
    api = api_for(rep_a)
    assert api.post(f"/deals/{deal.pk}/win", {"version": deal.version}).status_code == 404
    lose = {"reason": reasons["Price"].pk, "version": deal.version}
    assert api.post(f"/deals/{deal.pk}/lose", lose).status_code == 404
    assert Deal.objects.get(pk=deal.pk).status == "open"


def test_reopening_a_lost_deal_clears_its_reason(api_for, rep_a, pipeline, reasons):
    deal = _deal(rep_a)
    api = api_for(rep_a)
    lost = api.post(f"/deals/{deal.pk}/lose", {"reason": reasons["Price"].pk, "version": deal.version}).json()
    reopened = api.post(
        f"/deals/{deal.pk}/move", {"stage": _stages(pipeline)["Lead in"].pk, "version": lost["version"]}
    )
    assert reopened.status_code == 200, reopened.json()
    assert reopened.json()["lost_because_id"] is None


def test_everyone_reads_the_reasons_and_only_an_admin_changes_them(api_for, admin, manager_a, rep_a, reasons):
    listed = api_for(rep_a).get("/lost-reasons")
    assert listed.status_code == 200
    assert [r["name"] for r in listed.json()["items"]] == ["Price", "Competitor", "Timing"]
    assert api_for(rep_a).post("/lost-reasons", {"name": "Lost contact"}).status_code == 403
    assert (
        api_for(manager_a).patch(f"/lost-reasons/{reasons['Price'].pk}", {"active": False}).status_code == 403
    )
    created = api_for(admin).post("/lost-reasons", {"name": "Lost contact"})
    assert created.status_code == 201, created.json()
    assert created.json()["order"] == 3 and created.json()["active"] is True
    changed = api_for(admin).patch(
        f"/lost-reasons/{reasons['Price'].pk}", {"name": "Price too high", "active": False}
    )
    assert changed.status_code == 200
    assert changed.json() == {
        "id": reasons["Price"].pk,
        "name": "Price too high",
        "order": 0,
        "active": False,
    }
    assert api_for(rep_a).get("/lost-reasons", active=True).json()["count"] == 3
    duplicate = api_for(admin).post("/lost-reasons", {"name": "Competitor"})
    assert duplicate.status_code == 422 and duplicate.json()["errors"][0]["field"] == "name"
    assert audit_for(LostReason.objects.get(pk=reasons["Price"].pk)).exists()


def test_the_deal_page_shows_won_and_lost_and_wins_in_one_post(client, rep_a, pipeline, reasons):
    deal = _deal(rep_a)
    client.force_login(rep_a)
    page = client.get(f"/deals/{deal.pk}/").content.decode()
    assert f'action="/deals/{deal.pk}/win/"' in page and 'id="lose-dialog"' in page
    assert "Competitor" in page
    response = client.post(f"/deals/{deal.pk}/win/", {"version": deal.version})
    assert response.status_code == 302 and response["Location"] == f"/deals/{deal.pk}/"
    assert Deal.objects.get(pk=deal.pk).status == "won"


def test_a_refused_win_says_what_to_tick_in_one_line(client, rep_a, pipeline):
    ChecklistItem.objects.create(stage=_stages(pipeline)["Lead in"], text="Confirm budget", required=True)
    deal = _deal(rep_a)
    client.force_login(rep_a)
    response = client.post(f"/deals/{deal.pk}/win/", {"version": deal.version}, follow=True)
    assert "Tick first: Confirm budget." in response.content.decode()
    assert Deal.objects.get(pk=deal.pk).status == "open"


def test_losing_from_the_board_goes_back_to_the_board(client, rep_a, pipeline, reasons):
    deal = _deal(rep_a)
    client.force_login(rep_a)
    board = client.get("/board/").content.decode()
    assert f'href="/deals/{deal.pk}/lose/?next=' in board
    response = client.post(
        f"/deals/{deal.pk}/lose/",
        {
            "reason": reasons["Competitor"].pk,
            "note": "",
            "version": deal.version,
            "next": f"/board/?pipeline={pipeline.pk}",
        },
    )
    assert response.status_code == 302 and response["Location"] == f"/board/?pipeline={pipeline.pk}"
    deal.refresh_from_db()
    assert (deal.status, deal.lost_because, deal.lost_reason) == ("lost", reasons["Competitor"], "Competitor")


def test_the_lose_page_without_a_reason_answers_a_field_error(client, rep_a, pipeline, reasons):
    deal = _deal(rep_a)
    client.force_login(rep_a)
    assert client.get(f"/deals/{deal.pk}/lose/").status_code == 200
    response = client.post(
        f"/deals/{deal.pk}/lose/", {"version": deal.version, "next": "https://evil.example/"}
    )
    assert response.status_code == 400
    assert "Choose why the deal was lost." in response.content.decode()
    assert "evil.example" not in response.content.decode()


def test_an_admin_adds_edits_and_deactivates_reasons_on_the_settings_page(client, admin, rep_a, reasons):
    client.force_login(admin)
    assert client.get("/settings/lost-reasons/").status_code == 200
    assert client.post("/settings/lost-reasons/", {"name": "  Lost contact "}).status_code == 302
    assert LostReason.objects.filter(name="Lost contact", active=True).exists()
    price = reasons["Price"]
    edited = client.post(
        f"/settings/lost-reasons/{price.pk}/", {"name": "Too dear", "order": "۷", "active": "1"}
    )
    assert edited.status_code == 302
    price.refresh_from_db()
    assert (price.name, price.order, price.active) == ("Too dear", 7, True)
    client.post(f"/settings/lost-reasons/{price.pk}/active/", {"active": "0"})
    price.refresh_from_db()
    assert not price.active
    bad = client.post(f"/settings/lost-reasons/{price.pk}/", {"name": "", "order": "x"})
    assert bad.status_code == 400
    client.force_login(rep_a)
    assert client.get("/settings/lost-reasons/").status_code == 403
