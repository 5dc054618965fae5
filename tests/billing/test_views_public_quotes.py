"""The customer's page of a quote (billing/views_public.py): the signature is the only credential."""

import pytest
from django.test import Client

from peyvand.billing import services_quotes
from peyvand.billing.models import QuoteStatus
from peyvand.sales.models import Stage
from tests.billing.quote_factories import make_quote, sent_quote

pytestmark = pytest.mark.django_db


def _url(quote, token=None):
    from django.urls import reverse

    return reverse("quote-public", args=[token or services_quotes.public_token(quote)])


def test_the_signed_link_shows_the_quote_without_signing_in(rep_a, pipeline):
    quote = sent_quote(rep_a)
    page = Client().get(_url(quote) + "?lang=en")
    assert page.status_code == 200
    html = page.content.decode()
    assert quote.number in html and "Accept this quote" in html and "Laser printer" in html


def test_the_page_is_persian_and_right_to_left_by_default(rep_a, pipeline):
    quote = sent_quote(rep_a)
    html = Client().get(_url(quote)).content.decode()
    assert 'dir="rtl"' in html and 'lang="fa"' in html


def test_a_tampered_token_is_404_and_a_superseded_one_shows_nothing(rep_a, pipeline):
    quote = sent_quote(rep_a)
    token = services_quotes.public_token(quote)
    assert Client().get(_url(quote, token[:-3] + "abc")).status_code == 404
    other_salt = __import__("django.core.signing", fromlist=["dumps"]).dumps({"q": quote.pk, "v": 1})
    assert Client().get(_url(quote, other_salt)).status_code == 404
    services_quotes.revise_quote(actor=rep_a, quote=quote)
    gone = Client().get(_url(quote, token) + "?lang=en")
    assert gone.status_code == 410 and quote.number not in gone.content.decode()
    refused = Client().post(_url(quote, token), {"action": "accept", "name": "Kian"})
    assert refused.status_code == 410
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.SUPERSEDED and quote.responder_name == ""


def test_accepting_records_name_time_and_address_and_moves_the_deal(rep_a, pipeline):
    quote = make_quote(rep_a)
    stage = Stage.objects.get(pipeline=pipeline, name="Proposal")
    quote = services_quotes.update_quote(
        actor=rep_a, quote=quote, version=quote.version, values={"accept_stage": stage.pk}
    )
    quote = services_quotes.send_quote(actor=rep_a, quote=quote)
    client = Client(enforce_csrf_checks=True)
    page = client.get(_url(quote) + "?lang=en")
    token = page.cookies["csrftoken"].value
    answer = client.post(
        _url(quote) + "?lang=en",
        {"action": "accept", "name": "Kian Shirazi", "csrfmiddlewaretoken": token},
        REMOTE_ADDR="5.6.7.8",
    )
    assert answer.status_code == 200 and "Accepted by" in answer.content.decode()
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.ACCEPTED and quote.responder_name == "Kian Shirazi"
    assert quote.responder_address == "5.6.7.8" and quote.responded_at is not None
    quote.deal.refresh_from_db()
    assert quote.deal.stage == stage
    again = client.get(_url(quote) + "?lang=en").content.decode()
    assert 'id="accept-form"' not in again


def test_the_public_form_needs_its_csrf_token(rep_a, pipeline):
    quote = sent_quote(rep_a)
    answer = Client(enforce_csrf_checks=True).post(_url(quote), {"action": "accept", "name": "Kian"})
    assert answer.status_code == 403
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.SENT


def test_accepting_without_a_name_says_so_and_changes_nothing(rep_a, pipeline):
    quote = sent_quote(rep_a)
    answer = Client().post(_url(quote) + "?lang=en", {"action": "accept", "name": "  "})
    assert answer.status_code == 422 and "Type your name" in answer.content.decode()
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.SENT


def test_asking_for_changes_through_the_link(rep_a, pipeline):
    quote = sent_quote(rep_a)
    answer = Client().post(_url(quote) + "?lang=en", {"action": "changes", "text": "Cheaper toner?"})
    assert answer.status_code == 200
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.CHANGES_REQUESTED and quote.change_request == "Cheaper toner?"


def test_answers_past_the_limit_are_refused_and_change_nothing(rep_a, pipeline):
    from peyvand.billing import views_public

    quote = sent_quote(rep_a)
    client = Client()
    for n in range(views_public.ANSWER_LIMIT):
        answer = client.post(_url(quote) + "?lang=en", {"action": "changes", "text": f"Change {n}"})
        assert answer.status_code == 200, answer.content.decode()[:500]
    refused = client.post(_url(quote) + "?lang=en", {"action": "changes", "text": "One more"})
    assert refused.status_code == 429
    assert "Too many answers from your address" in refused.content.decode()
    quote.refresh_from_db()
    assert quote.change_request == f"Change {views_public.ANSWER_LIMIT - 1}"
    # Another address is not held back by this one's answers.
    other = Client(REMOTE_ADDR="10.9.8.7").post(
        _url(quote) + "?lang=en", {"action": "changes", "text": "Mine"}
    )
    assert other.status_code == 200
