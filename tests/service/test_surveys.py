"""The customer's survey after a resolution: sent once per resolution by e-mail, answered once on its public page
(CSAT 1–5, recommend 0–10, a comment), refused kindly a second time or after its link expired; the answer to the
recommend question lands in the net promoter score's answers (analytics) in the same transaction."""

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from peyvand.analytics.models import SurveyResponse
from peyvand.core import events
from peyvand.service import services_surveys, services_tickets
from peyvand.service.models import TicketSurvey

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def resolve(agent, ticket, status="resolved"):
    ticket.refresh_from_db()
    return services_tickets.change_status(actor=agent, ticket=ticket, status=status, version=ticket.version)


def survey_path(message) -> str:
    (link,) = re.findall(r"https?://\S+/survey/\S+", message.body)
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


def test_resolving_sends_one_survey_per_resolution_with_a_token_kept_only_hashed(agent_a, ticket):
    resolve(agent_a, ticket)
    (sent,) = mail.outbox
    assert sent.to == ["sara@example.com"] and f"[#{ticket.pk}]" in sent.subject
    path = survey_path(sent)
    token = path.split("/")[2]
    survey = TicketSurvey.objects.get()
    assert survey.token_hash == services_surveys.hash_token(token) and token not in survey.token_hash
    assert (survey.resolution, survey.sent_to, survey.language) == (0, "sara@example.com", "fa")
    assert survey.sent_at is not None and survey.expires_at > timezone.now() + dt.timedelta(days=29)

    resolve(agent_a, ticket, "closed")  # closing a resolved ticket asks nothing new
    assert len(mail.outbox) == 1
    resolve(agent_a, ticket, "reopened")
    resolve(agent_a, ticket)  # a second resolution asks again
    assert len(mail.outbox) == 2 and list(
        TicketSurvey.objects.order_by("resolution").values_list("resolution", flat=True)
    ) == [0, 1]


def test_no_address_no_survey(agent_a, admin):
    ticket = services_tickets.create_ticket(actor=agent_a, values={"subject": "Phoned in"})
    resolve(agent_a, ticket)
    assert not mail.outbox and not TicketSurvey.objects.exists()


def test_an_english_ticket_is_asked_in_english(agent_a, customer):
    ticket = services_tickets.create_ticket(
        actor=agent_a, values={"subject": "Scanner", "contact": customer, "language": "en"}
    )
    resolve(agent_a, ticket)
    (sent,) = mail.outbox
    assert "How did we do?" in sent.subject and "lang=en" in sent.body


def test_the_customer_answers_once_and_the_answer_reaches_the_nps(agent_a, ticket, customer):
    resolve(agent_a, ticket)
    path = survey_path(mail.outbox[0])
    client = Client()
    page = client.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'dir="rtl"' in html and 'name="csat"' in html and 'name="nps"' in html
    assert "The printer does not print" in html
    assert 'lang="en"' in client.get(path.replace("lang=fa", "lang=en")).content.decode()

    done = client.post(path, {"csat": "۴", "nps": "9", "comment": " Quick and kind. "})
    assert done.status_code == 200 and b'id="survey-thanks"' in done.content
    survey = TicketSurvey.objects.get()
    assert (survey.csat, survey.nps, survey.comment) == (4, 9, "Quick and kind.")
    answer = SurveyResponse.objects.get()
    assert (answer.score, answer.comment, answer.channel) == (9, "Quick and kind.", "email")
    assert (answer.contact, answer.owner, answer.team) == (customer, agent_a, agent_a.team)
    assert answer.answered_at == survey.answered_at

    again = client.post(path, {"csat": "1", "nps": "0"})
    assert again.status_code == 409 and b'id="survey-answered"' in again.content
    assert SurveyResponse.objects.count() == 1 and TicketSurvey.objects.get().csat == 4
    assert b'id="survey-answered"' in client.get(path).content


def test_bad_answers_name_their_field_and_write_nothing(agent_a, ticket):
    resolve(agent_a, ticket)
    path = survey_path(mail.outbox[0]).replace("lang=fa", "lang=en")
    client = Client()
    missing = client.post(path, {"nps": "7"})
    assert missing.status_code == 422 and b'id="csat-error"' in missing.content
    too_high = client.post(path, {"csat": "3", "nps": "11"})
    assert too_high.status_code == 422 and b"Choose a number from 0 to 10." in too_high.content
    long = client.post(path, {"csat": "3", "comment": "x" * 2001})
    assert long.status_code == 422 and b"at most 2000" in long.content
    assert not SurveyResponse.objects.exists() and TicketSurvey.objects.get().answered_at is None


def test_a_satisfaction_without_a_recommendation_is_kept_but_not_counted_in_the_nps(agent_a, ticket):
    resolve(agent_a, ticket)
    assert Client().post(survey_path(mail.outbox[0]), {"csat": "2"}).status_code == 200
    assert TicketSurvey.objects.get().csat == 2 and not SurveyResponse.objects.exists()


def test_an_expired_link_says_so_and_takes_no_answer(agent_a, ticket):
    resolve(agent_a, ticket)
    TicketSurvey.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    path = survey_path(mail.outbox[0]).replace("lang=fa", "lang=en")
    page = Client().get(path)
    assert page.status_code == 410 and b"This survey link has expired" in page.content
    assert Client().post(path, {"csat": "5", "nps": "10"}).status_code == 410
    assert not SurveyResponse.objects.exists() and TicketSurvey.objects.get().answered_at is None


def test_a_wrong_token_is_not_found(agent_a, ticket):
    resolve(agent_a, ticket)
    assert Client().get("/survey/not-a-token/").status_code == 404
    assert Client().post("/survey/not-a-token/", {"csat": "5"}).status_code == 404


def test_answers_are_rate_limited_per_address(agent_a, ticket):
    resolve(agent_a, ticket)
    path = survey_path(mail.outbox[0])
    client = Client()
    codes = [client.post(path, {"nps": "5"}).status_code for _ in range(6)]
    assert codes == [422] * 5 + [429]


def test_when_the_nps_answer_cannot_be_written_the_survey_stays_unanswered(agent_a, ticket):
    resolve(agent_a, ticket)
    survey = TicketSurvey.objects.get()

    def refuse(sender, **kwargs):
        raise RuntimeError("the analytics store is down")

    events.survey_answered.connect(refuse, dispatch_uid="test.refuse")
    try:
        with pytest.raises(RuntimeError):
            services_surveys.answer_survey(survey=survey, values={"csat": 5, "nps": 10})
    finally:
        events.survey_answered.disconnect(dispatch_uid="test.refuse")
    survey.refresh_from_db()
    assert survey.answered_at is None and not SurveyResponse.objects.exists()


def test_the_ticket_page_shows_the_survey_and_its_answer(agent_a, ticket, client):
    resolve(agent_a, ticket)
    client.force_login(agent_a)
    page = client.get(f"/tickets/{ticket.pk}/")
    assert b'data-survey="sent"' in page.content and "هنوز پاسخی نیامده".encode() in page.content
    services_surveys.answer_survey(
        survey=TicketSurvey.objects.get(), values={"csat": 3, "nps": 6, "comment": "Slow"}
    )
    page = client.get(f"/tickets/{ticket.pk}/")
    html = page.content.decode()
    assert 'data-survey="answered"' in html and "Slow" in html


def test_the_queues_people_see_its_answers_in_the_nps_and_another_queue_does_not(
    agent_a, agent_b, support_manager_a, ticket
):
    from peyvand.analytics.selectors import run_report

    resolve(agent_a, ticket)
    services_surveys.answer_survey(survey=TicketSurvey.objects.get(), values={"csat": 4, "nps": 3})
    seen = {
        who.username: run_report(who, "nps", {})["data"]["total"]["answers"]
        for who in (agent_a, support_manager_a, agent_b)
    }
    assert seen == {"agent_a": 1, "support_manager_a": 1, "agent_b": 0}
