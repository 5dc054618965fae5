"""Deal lines and quotes over the API (billing/api_quotes.py): real HTTP with bearer tokens."""

from decimal import Decimal

import pytest

from peyvand.billing.models import Quote, QuoteStatus
from tests.billing.quote_factories import make_deal, make_product, make_quote, sent_quote

pytestmark = pytest.mark.django_db


def test_a_rep_puts_lines_on_a_deal_and_its_amount_follows(api_for, rep_a, pipeline):
    api = api_for(rep_a)
    deal = make_deal(rep_a)
    product = make_product(rep_a, price="2500000", tax=None)
    answer = api._call(
        "put",
        f"/deals/{deal.pk}/lines",
        {"lines": [{"product": product.pk, "quantity": "4", "discount_percent": "10"}]},
    )
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert Decimal(body["amount"]) == Decimal("9000000") and Decimal(body["totals"]["net"]) == Decimal(
        "9000000"
    )
    assert Decimal(api.get(f"/deals/{deal.pk}").json()["amount"]) == Decimal("9000000")
    assert len(api.get(f"/deals/{deal.pk}/lines").json()["lines"]) == 1


def test_a_bad_line_is_a_422_naming_the_row(api_for, rep_a, pipeline):
    deal = make_deal(rep_a)
    answer = api_for(rep_a)._call(
        "put", f"/deals/{deal.pk}/lines", {"lines": [{"product": 999999, "quantity": "1"}]}
    )
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "lines.0.product"


def test_another_teams_rep_gets_404_for_the_lines_and_the_quote(api_for, rep_a, rep_b, pipeline):
    quote = sent_quote(rep_a)
    api = api_for(rep_b)
    assert api.get(f"/deals/{quote.deal_id}/lines").status_code == 404
    assert api._call("put", f"/deals/{quote.deal_id}/lines", {"lines": []}).status_code == 404
    assert api.post(f"/deals/{quote.deal_id}/quote").status_code == 404
    assert api.get(f"/quotes/{quote.pk}").status_code == 404
    assert api.post(f"/quotes/{quote.pk}/accept", {"name": "Intruder"}).status_code == 404
    assert api.post(f"/quotes/{quote.pk}/approve").status_code == 404
    assert api.get(f"/quotes/{quote.pk}/link").status_code == 404
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.SENT and quote.responder_name == ""


def test_a_quote_is_made_from_a_deal_revised_approved_and_sent_over_the_api(
    api_for, rep_a, manager_a, pipeline
):
    deal = make_quote(rep_a).deal
    api = api_for(rep_a)
    made = api.post(f"/deals/{deal.pk}/quote")
    assert made.status_code == 201
    quote = made.json()
    assert quote["status"] == "draft" and len(quote["lines"]) == 1
    patched = api.patch(f"/quotes/{quote['id']}", {"version": quote["version"], "discount_percent": "20"})
    assert patched.status_code == 200 and patched.json()["discount_share"] == "20.00"
    waiting = api.post(f"/quotes/{quote['id']}/send")
    assert waiting.status_code == 200 and waiting.json()["status"] == "pending_approval"
    assert api.post(f"/quotes/{quote['id']}/approve").status_code == 403
    approved = api_for(manager_a).post(f"/quotes/{quote['id']}/approve")
    assert approved.json()["status"] == "approved" and approved.json()["approved_by_id"] == manager_a.pk
    sent = api.post(f"/quotes/{quote['id']}/send")
    assert sent.json()["status"] == "sent"
    revised = api.post(f"/quotes/{quote['id']}/revise")
    assert revised.status_code == 201 and revised.json()["version_number"] == 2
    versions = api.get(f"/quotes/{revised.json()['id']}/versions").json()
    assert [v["version_number"] for v in versions] == [2, 1] and versions[1]["status"] == "superseded"
    listed = api.get("/quotes", status="superseded", deal=deal.pk).json()
    assert [q["id"] for q in listed["items"]] == [quote["id"]]


def test_staff_record_an_acceptance_with_their_address(api_for, rep_a, pipeline):
    quote = sent_quote(rep_a)
    answer = api_for(rep_a).post(f"/quotes/{quote.pk}/accept", {"name": "Kian Shirazi"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "accepted" and body["responder_name"] == "Kian Shirazi"
    assert body["responder_address"] == "127.0.0.1"


def test_a_draft_cannot_be_accepted_over_the_api(api_for, rep_a, pipeline):
    quote = make_quote(rep_a)
    answer = api_for(rep_a).post(f"/quotes/{quote.pk}/accept", {"name": "Kian"})
    assert answer.status_code == 409 and Quote.objects.get(pk=quote.pk).status == QuoteStatus.DRAFT
