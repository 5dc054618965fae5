"""Stages that teach and guard: scripts, checklists and exit criteria, on every path that moves a deal."""

import pytest

from peyvand.core.audit import audit_for
from peyvand.core.errors import PeyvandError
from peyvand.sales.models import ChecklistCheck, ChecklistItem, Deal, StageHistory
from peyvand.sales.services import create_deal, move_deal_to_stage, set_checklist_item
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    """Pages in English, as the user would have chosen with the switch in the header."""
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def rules(pipeline):
    """ "Lead in" needs an amount and the budget confirmed; "Qualified" needs a contact and a demo."""
    stages = {s.name: s for s in pipeline.stages.all()}
    lead_in, qualified = stages["Lead in"], stages["Qualified"]
    lead_in.required_fields = ["amount"]
    lead_in.script = "<p>Ask about <strong>budget</strong></p>"
    lead_in.save()
    qualified.required_fields = ["contact"]
    qualified.save()
    budget = ChecklistItem.objects.create(stage=lead_in, text="Confirm budget", order=0, required=True)
    brochure = ChecklistItem.objects.create(stage=lead_in, text="Send brochure", order=1, required=False)
    demo = ChecklistItem.objects.create(stage=qualified, text="Give a demo", order=0, required=True)
    return {**stages, "budget": budget, "brochure": brochure, "demo": demo}


def _deal(owner, **values):
    return create_deal(actor=owner, values={"title": "Fleet tracking", **values})


def test_an_api_move_without_exit_criteria_is_refused_naming_each_missing_field_and_item(
    api_for, rep_a, rules
):
    deal = _deal(rep_a)
    response = api_for(rep_a).post(
        f"/deals/{deal.pk}/move", {"stage": rules["Qualified"].pk, "version": deal.version}
    )
    assert response.status_code == 422, response.json()
    body = response.json()
    assert body["code"] == "deal.exit_criteria"
    assert "Amount" in body["detail"] and "Confirm budget" in body["detail"]
    assert "Send brochure" not in body["detail"]  # not required
    assert [e["field"] for e in body["errors"]] == ["amount", f"checklist.{rules['budget'].pk}"]
    assert "Confirm budget" in body["errors"][1]["message"]
    deal.refresh_from_db()
    assert deal.stage == rules["Lead in"] and deal.version == 1
    assert StageHistory.objects.filter(deal=deal).count() == 1


def test_an_api_move_goes_through_once_the_field_is_filled_and_the_item_done(api_for, rep_a, rules):
    deal = _deal(rep_a, amount="5000")
    set_checklist_item(actor=rep_a, deal=deal, item=rules["budget"], done=True)
    response = api_for(rep_a).post(
        f"/deals/{deal.pk}/move", {"stage": rules["Qualified"].pk, "version": deal.version}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["stage_id"] == rules["Qualified"].pk


def test_patching_the_stage_is_refused_too_and_an_amount_sent_in_the_same_patch_counts(api_for, rep_a, rules):
    deal = _deal(rep_a)
    api = api_for(rep_a)
    refused = api.patch(f"/deals/{deal.pk}", {"version": 1, "stage": rules["Qualified"].pk})
    assert refused.status_code == 422
    assert refused.json()["code"] == "deal.exit_criteria"
    assert {e["field"] for e in refused.json()["errors"]} == {"amount", f"checklist.{rules['budget'].pk}"}
    set_checklist_item(actor=rep_a, deal=deal, item=rules["budget"], done=True)
    moved = api.patch(f"/deals/{deal.pk}", {"version": 1, "stage": rules["Qualified"].pk, "amount": "700"})
    assert moved.status_code == 200, moved.json()
    assert moved.json()["stage_id"] == rules["Qualified"].pk and moved.json()["amount"] == "700.00"


def test_skipping_a_stage_checks_only_the_stage_being_left(api_for, rep_a, rules):
    # "Qualified" needs a contact and a demo, but a deal that skips it was never worked there.
    deal = _deal(rep_a, amount="5000")
    set_checklist_item(actor=rep_a, deal=deal, item=rules["budget"], done=True)
    response = api_for(rep_a).post(
        f"/deals/{deal.pk}/move", {"stage": rules["Proposal"].pk, "version": deal.version}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["stage_id"] == rules["Proposal"].pk


def test_a_move_straight_to_won_names_only_what_the_current_stage_lacks_in_one_line(api_for, rep_a, rules):
    deal = _deal(rep_a)
    response = api_for(rep_a).post(
        f"/deals/{deal.pk}/move", {"stage": rules["Won"].pk, "version": deal.version}
    )
    assert response.status_code == 422
    body = response.json()
    assert [e["field"] for e in body["errors"]] == ["amount", f"checklist.{rules['budget'].pk}"]
    assert body["detail"] == "Fill in first: Amount. Tick first: Confirm budget."
    assert "Give a demo" not in body["detail"] and "\n" not in body["detail"]


def test_moving_back_or_to_a_lost_stage_is_never_blocked(rep_a, manager_a, rules):
    deal = _deal(rep_a)
    deal = move_deal_to_stage(
        actor=manager_a, deal=deal, stage=rules["Qualified"], version=deal.version, override_reason="Pilot"
    )
    back = move_deal_to_stage(actor=rep_a, deal=deal, stage=rules["Lead in"], version=deal.version)
    assert back.stage == rules["Lead in"]
    lost = move_deal_to_stage(
        actor=rep_a, deal=back, stage=rules["Lost"], version=back.version, lost_reason="No budget"
    )
    assert (lost.stage, lost.status) == (rules["Lost"], "lost")


def test_the_deal_form_refuses_a_new_stage_and_says_what_is_missing(client, rep_a, rules):
    deal = _deal(rep_a)
    client.force_login(rep_a)
    response = client.post(
        f"/deals/{deal.pk}/edit/",
        {
            "version": deal.version,
            "title": deal.title,
            "amount": "0",
            "currency": "IRR",
            "stage": rules["Qualified"].pk,
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Amount is required to leave “Lead in”." in page
    assert "Checklist item “Confirm budget” must be done to leave “Lead in”." in page
    deal.refresh_from_db()
    assert deal.stage == rules["Lead in"]


def test_the_board_drop_is_refused_with_a_message_naming_the_missing_item(client, rep_a, rules):
    deal = _deal(rep_a, amount="100")
    client.force_login(rep_a)
    response = client.post(
        f"/deals/{deal.pk}/move/",
        {"stage": rules["Qualified"].pk, "version": deal.version},
        headers={"X-Requested-With": "fetch"},
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "deal.exit_criteria"
    assert body["detail"] == "Tick first: Confirm budget."
    assert [m["field"] for m in body["missing"]] == [f"checklist.{rules['budget'].pk}"]
    assert body["errors"] == []  # named once, in the message the board shows
    deal.refresh_from_db()
    assert deal.stage == rules["Lead in"]


def test_a_manager_of_the_team_overrides_with_a_reason_and_the_audit_keeps_it(
    api_for, rep_a, manager_a, rules
):
    deal = _deal(rep_a)
    response = api_for(manager_a).post(
        f"/deals/{deal.pk}/move",
        {
            "stage": rules["Qualified"].pk,
            "version": deal.version,
            "override_reason": "Signed letter of intent",
        },
    )
    assert response.status_code == 200, response.json()
    entry = audit_for(deal).first()
    assert entry.action == "move" and entry.actor == manager_a
    assert entry.note.startswith("override: Signed letter of intent")
    assert "Amount" in entry.note and "Confirm budget" in entry.note
    move = StageHistory.objects.filter(deal=deal).last()
    assert move.override_reason == "Signed letter of intent"
    assert [m["field"] for m in move.override_missing] == ["amount", f"checklist.{rules['budget'].pk}"]


def test_an_admin_overrides_from_the_deal_page_move_form(client, admin, rep_a, rules):
    deal = _deal(rep_a)
    client.force_login(admin)
    page = client.get(f"/deals/{deal.pk}/").content.decode()
    assert 'name="override_reason"' in page
    client.post(
        f"/deals/{deal.pk}/move/",
        {"stage": rules["Qualified"].pk, "version": deal.version, "override_reason": "Board decision"},
    )
    deal.refresh_from_db()
    assert deal.stage == rules["Qualified"]
    assert audit_for(deal).first().note.startswith("override: Board decision")


def test_a_rep_cannot_override_exit_criteria(api_for, client, rep_a, rules):
    deal = _deal(rep_a)
    response = api_for(rep_a).post(
        f"/deals/{deal.pk}/move",
        {"stage": rules["Qualified"].pk, "version": deal.version, "override_reason": "Trust me"},
    )
    assert response.status_code == 403
    assert response.json()["code"] == "deal.override_forbidden"
    assert "sales manager" in response.json()["detail"] and "Amount" in response.json()["detail"]
    client.force_login(rep_a)
    assert 'name="override_reason"' not in client.get(f"/deals/{deal.pk}/").content.decode()
    deal.refresh_from_db()
    assert deal.stage == rules["Lead in"]


def test_a_manager_of_another_team_cannot_override(rep_a, team_b, rules):
    from peyvand.accounts.models import Role

    manager_b = UserFactory(username="manager_b", role=Role.SALES_MANAGER, team=team_b)
    deal = _deal(rep_a)
    with pytest.raises(PeyvandError) as refused:
        move_deal_to_stage(
            actor=manager_b, deal=deal, stage=rules["Qualified"], version=deal.version, override_reason="x"
        )
    assert refused.value.code == "deal.override_forbidden"


def test_ticking_a_checklist_item_is_audited_with_who_and_when(api_for, rep_a, rules):
    deal = _deal(rep_a)
    api = api_for(rep_a)
    response = api.post(f"/deals/{deal.pk}/checklist", {"item": rules["budget"].pk, "done": True})
    assert response.status_code == 200, response.json()
    budget = next(i for i in response.json() if i["id"] == rules["budget"].pk)
    assert budget["done"] and budget["done_by_id"] == rep_a.pk and budget["done_at"]
    check = ChecklistCheck.objects.get(deal=deal)
    assert (check.item, check.checked_by) == (rules["budget"], rep_a)
    entry = audit_for(deal).first()
    assert entry.actor == rep_a and entry.changes == {f"checklist.{rules['budget'].pk}": [False, True]}
    assert "Confirm budget" in entry.note

    undone = api.post(f"/deals/{deal.pk}/checklist", {"item": rules["budget"].pk, "done": False})
    assert not next(i for i in undone.json() if i["id"] == rules["budget"].pk)["done"]
    assert not ChecklistCheck.objects.filter(deal=deal).exists()
    assert audit_for(deal).first().changes == {f"checklist.{rules['budget'].pk}": [True, False]}
    assert Deal.objects.get(pk=deal.pk).version == 1  # ticking is not an edit of the deal


def test_the_checklist_lists_the_current_stage_first(api_for, rep_a, rules):
    deal = _deal(rep_a)
    items = api_for(rep_a).get(f"/deals/{deal.pk}/checklist").json()
    assert [i["text"] for i in items] == ["Confirm budget", "Send brochure", "Give a demo"]
    assert [i["required"] for i in items] == [True, False, True]


def test_another_teams_deal_checklist_is_not_found(api_for, client, rep_a, rep_b, rules):
    deal = _deal(rep_a)
    other = api_for(rep_b)
    assert other.get(f"/deals/{deal.pk}/checklist").status_code == 404
    assert other.post(f"/deals/{deal.pk}/checklist", {"item": rules["budget"].pk}).status_code == 404
    client.force_login(rep_b)
    assert client.post(f"/deals/{deal.pk}/checklist/{rules['budget'].pk}/", {"done": "1"}).status_code == 404
    assert not ChecklistCheck.objects.exists()


def test_an_item_of_another_pipeline_cannot_be_ticked(api_for, rep_a, rules):
    from tests.factories import make_pipeline

    other = make_pipeline(name="Service", is_default=False)
    foreign = ChecklistItem.objects.create(stage=other.stages.first(), text="Elsewhere")
    deal = _deal(rep_a)
    response = api_for(rep_a).post(f"/deals/{deal.pk}/checklist", {"item": foreign.pk})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "item"


def test_the_deal_page_shows_the_script_and_ticks_items_with_htmx(client, rep_a, rules):
    deal = _deal(rep_a)
    client.force_login(rep_a)
    page = client.get(f"/deals/{deal.pk}/").content.decode()
    assert "<p>Ask about <strong>budget</strong></p>" in page
    assert 'id="deal-checklist"' in page and "Confirm budget" in page
    response = client.post(
        f"/deals/{deal.pk}/checklist/{rules['budget'].pk}/", {"done": "1"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    fragment = response.content.decode()
    assert fragment.lstrip().startswith('<section class="deal-checklist"')
    assert f'data-item="{rules["budget"].pk}"' in fragment and "checked" in fragment
    assert ChecklistCheck.objects.filter(deal=deal, item=rules["budget"]).exists()
    assert "<html" not in fragment


def test_a_script_tag_is_stripped_from_a_stage_script(api_for, admin, pipeline):
    stage = pipeline.stages.first()
    response = api_for(admin).patch(
        f"/pipelines/{pipeline.pk}",
        {
            "stages": [
                {
                    "id": s.pk,
                    "name": s.name,
                    "kind": s.kind,
                    "probability": s.probability,
                    **(
                        {
                            "script": '<p onclick="steal()">Hi</p><script>alert(1)</script><a href="javascript:x()">x</a>'
                        }
                        if s.pk == stage.pk
                        else {}
                    ),
                }
                for s in pipeline.stages.all()
            ]
        },
    )
    assert response.status_code == 200, response.json()
    stage.refresh_from_db()
    assert "<script" not in stage.script and "alert" not in stage.script
    assert "onclick" not in stage.script and "javascript:" not in stage.script
    assert stage.script.startswith("<p>Hi</p>")


def test_the_pipeline_api_accepts_and_returns_stage_rules_and_a_patch_without_them_keeps_them(api_for, admin):
    api = api_for(admin)
    created = api.post(
        "/pipelines",
        {
            "name": "Enterprise",
            "stages": [
                {
                    "name": "Discovery",
                    "max_days": 14,
                    "script": "<h3>Ask</h3><ul><li>Who signs?</li></ul>",
                    "required_fields": ["amount", "expected_close_date"],
                    "checklist": [{"text": "Meet the buyer", "required": True}, {"text": "Send deck"}],
                },
                {"name": "Won", "kind": "won", "probability": 100},
            ],
        },
    )
    assert created.status_code == 201, created.json()
    stage = created.json()["stages"][0]
    assert stage["max_days"] == 14 and stage["required_fields"] == ["amount", "expected_close_date"]
    assert stage["script"] == "<h3>Ask</h3><ul><li>Who signs?</li></ul>"
    assert [(i["text"], i["required"]) for i in stage["checklist"]] == [
        ("Meet the buyer", True),
        ("Send deck", False),
    ]

    renamed = api.patch(
        f"/pipelines/{created.json()['id']}",
        {
            "stages": [
                {"id": stage["id"], "name": "Discovery call"},
                {"id": created.json()["stages"][1]["id"], "name": "Won", "kind": "won"},
            ]
        },
    )
    kept = renamed.json()["stages"][0]
    assert kept["name"] == "Discovery call" and kept["max_days"] == 14
    assert [i["id"] for i in kept["checklist"]] == [i["id"] for i in stage["checklist"]]


def test_a_stage_cannot_require_a_field_outside_the_allow_list(api_for, admin):
    from peyvand.core.models import CustomField

    CustomField.objects.create(entity="deal", key="po_number", label="PO number", field_type="text")
    response = api_for(admin).post(
        "/pipelines",
        {
            "name": "Strict",
            "stages": [{"name": "Open", "required_fields": ["owner", "custom.po_number"]}],
        },
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "stages.0.required_fields", "message": "“owner” is not a deal field a stage can require."}
    ]


def test_a_required_custom_field_of_deals_blocks_until_filled(api_for, rep_a, rules):
    from peyvand.core.models import CustomField

    CustomField.objects.create(entity="deal", key="po_number", label="PO number", field_type="text")
    rules["Lead in"].required_fields = ["custom.po_number"]
    rules["Lead in"].save()
    ChecklistItem.objects.filter(stage=rules["Lead in"]).update(required=False)
    deal = _deal(rep_a)
    api = api_for(rep_a)
    refused = api.post(f"/deals/{deal.pk}/move", {"stage": rules["Qualified"].pk, "version": 1})
    assert refused.json()["errors"][0]["field"] == "custom.po_number"
    assert "PO number" in refused.json()["detail"]
    moved = api.patch(
        f"/deals/{deal.pk}", {"version": 1, "stage": rules["Qualified"].pk, "custom": {"po_number": "PO-7"}}
    )
    assert moved.status_code == 200, moved.json()


def test_a_checklist_item_dropped_after_deals_did_it_is_archived_not_deleted(admin, rep_a, rules, pipeline):
    from peyvand.sales.services import save_pipeline

    deal = _deal(rep_a)
    set_checklist_item(actor=rep_a, deal=deal, item=rules["brochure"], done=True)
    stages = [
        {"id": s.pk, "name": s.name, "kind": s.kind, "probability": s.probability}
        for s in pipeline.stages.all()
    ]
    stages[0]["checklist"] = [{"id": rules["budget"].pk, "text": "Confirm budget", "required": True}]
    save_pipeline(actor=admin, pipeline=pipeline, values={"stages": stages})
    rules["brochure"].refresh_from_db()
    assert rules["brochure"].archived
    assert ChecklistCheck.objects.filter(item=rules["brochure"], deal=deal).exists()


def test_the_move_form_on_the_deal_page_refuses_and_names_what_is_missing(client, rep_a, rules):
    deal = _deal(rep_a)
    client.force_login(rep_a)
    response = client.post(
        f"/deals/{deal.pk}/move/", {"stage": rules["Qualified"].pk, "version": deal.version}, follow=True
    )
    page = response.content.decode()
    assert "Fill in first: Amount. Tick first: Confirm budget." in page
    deal.refresh_from_db()
    assert deal.stage == rules["Lead in"]


def test_a_manager_overrides_from_the_deal_form_with_a_reason(client, rep_a, manager_a, rules):
    deal = _deal(rep_a)
    client.force_login(manager_a)
    form = {"version": deal.version, "title": deal.title, "amount": "0", "currency": "IRR"}
    response = client.post(
        f"/deals/{deal.pk}/edit/",
        {**form, "stage": rules["Qualified"].pk, "override_reason": "Agreed with the CFO"},
    )
    assert response.status_code == 302
    deal.refresh_from_db()
    assert deal.stage == rules["Qualified"]
    assert audit_for(deal).first().note.startswith("override: Agreed with the CFO — missing: Amount")


def test_the_board_tells_a_manager_where_to_override(client, rep_a, manager_a, rules):
    deal = _deal(rep_a, amount="100")
    client.force_login(manager_a)
    response = client.post(
        f"/deals/{deal.pk}/move/",
        {"stage": rules["Qualified"].pk, "version": deal.version},
        headers={"X-Requested-With": "fetch"},
    )
    assert response.status_code == 422
    assert response.json()["detail"].endswith(
        "You may move it on anyway from the deal page, giving a reason."
    )


def test_a_change_of_exit_criteria_is_kept_in_the_pipelines_audit_trail(api_for, admin, pipeline):
    stages = [{"id": s.pk, "name": s.name, "kind": s.kind} for s in pipeline.stages.all()]
    stages[0]["required_fields"] = ["amount"]
    assert api_for(admin).patch(f"/pipelines/{pipeline.pk}", {"stages": stages}).status_code == 200
    entry = audit_for(pipeline).first()
    assert entry.actor == admin
    old, new = entry.changes["stages"]
    assert (old[0]["required_fields"], new[0]["required_fields"]) == ([], ["amount"])
