import pytest

from peyvand.sales.models import Deal, StageHistory

pytestmark = pytest.mark.django_db


def test_rep_creates_company_contact_and_deal_and_other_team_cannot_see_the_deal(
    api_for, rep_a, rep_b, pipeline
):
    api = api_for(rep_a)
    company = api.post("/companies", {"name": "پارس‌نوین", "city": "تهران", "phones": ["021 8888 1234"]})
    assert company.status_code == 201, company.json()
    contact = api.post(
        "/contacts",
        {
            "first_name": "علي",
            "last_name": "كريمی",
            "company": company.json()["id"],
            "phones": ["۰۹۱۲۳۴۵۶۷۸۹"],
        },
    )
    assert contact.status_code == 201, contact.json()
    assert contact.json()["phones"] == ["+989123456789"]
    assert contact.json()["first_name"] == "علی"
    deal = api.post(
        "/deals",
        {
            "title": "ERP licence",
            "amount": "1250000000",
            "contact": contact.json()["id"],
            "company": company.json()["id"],
        },
    )
    assert deal.status_code == 201, deal.json()
    deal_id = deal.json()["id"]
    assert deal.json()["stage_name"] == "Lead in"

    other = api_for(rep_b)
    assert other.get(f"/deals/{deal_id}").status_code == 404
    assert other.get("/deals").json() == {"items": [], "count": 0}
    assert other.patch(f"/deals/{deal_id}", {"version": 1, "title": "x"}).status_code == 404


def test_stale_version_is_refused_with_409_and_nothing_changes(api_for, rep_a, pipeline):
    api = api_for(rep_a)
    deal = api.post("/deals", {"title": "Fleet tracking", "amount": "100"}).json()
    first = api.patch(f"/deals/{deal['id']}", {"version": 1, "amount": "200"})
    assert first.status_code == 200 and first.json()["version"] == 2
    stale = api.patch(f"/deals/{deal['id']}", {"version": 1, "amount": "999", "title": "Overwritten"})
    assert stale.status_code == 409
    body = stale.json()
    assert body["current_version"] == 2
    assert body["changed_since"]["amount"] == ["100.00", "200.00"]
    stored = Deal.objects.get(pk=deal["id"])
    assert (stored.title, stored.amount, stored.version) == ("Fleet tracking", 200, 2)


def test_move_writes_stage_history(api_for, rep_a, pipeline):
    api = api_for(rep_a)
    deal = api.post("/deals", {"title": "CRM seats"}).json()
    target = pipeline.stages.get(name="Qualified")
    moved = api.post(f"/deals/{deal['id']}/move", {"stage": target.pk, "version": deal["version"]})
    assert moved.status_code == 200, moved.json()
    assert moved.json()["stage_id"] == target.pk
    history = api.get(f"/deals/{deal['id']}/stage-history").json()
    assert [(h["from_stage"], h["to_stage"]) for h in history] == [
        (None, "Lead in"),
        ("Lead in", "Qualified"),
    ]
    assert history[1]["seconds_in_previous"] >= 0
    assert StageHistory.objects.filter(deal_id=deal["id"]).count() == 2


def test_api_lists_make_a_fixed_number_of_queries(api_for, rep_a, pipeline, django_assert_max_num_queries):
    api = api_for(rep_a)
    company = api.post("/companies", {"name": "Budget Co", "tags": ["VIP"]}).json()
    for i in range(25):
        contact = api.post(
            "/contacts", {"last_name": f"P{i}", "company": company["id"], "tags": ["VIP"]}
        ).json()
        api.post("/deals", {"title": f"D{i}", "contact": contact["id"], "tags": ["VIP"]})
        api.post(
            "/activities",
            {"subject": f"Call {i}", "kind": "call", "record_type": "contact", "record_id": contact["id"]},
        )
    for path in ("/companies", "/contacts", "/deals", "/activities", "/leads", "/pipelines"):
        with django_assert_max_num_queries(8):
            response = api.get(path, page_size=50)
        assert response.status_code == 200
