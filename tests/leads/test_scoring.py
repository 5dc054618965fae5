"""Lead scoring (peyvand/leads/scoring.py): conditions, the stored explanation, re-scoring on every change and
as a background job, and what won and lost leads say each rule is worth."""

import math
from decimal import Decimal

import pytest
from django.test import Client

from peyvand.contacts.services import create_company, create_contact
from peyvand.core.models import AuditEntry, CustomField, Job
from peyvand.leads.models import Condition, Lead, ScoringModel, ScoringRule
from peyvand.leads.scoring import (
    MIN_SAMPLE,
    POINTS_PER_LOG_ODDS,
    leads_scored_by,
    matches,
    rescore,
    rule_problems,
)
from peyvand.leads.services import create_lead, update_lead
from peyvand.sales.services import create_deal, move_deal_to_stage
from tests.factories import make_pipeline

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("actual", "condition", "value", "expected"),
    [
        ("تهران", Condition.EQUALS, "تهران", True),
        ("كرج", Condition.EQUALS, "کرج", True),  # Arabic kaf typed, Persian kaf in the rule
        ("website", Condition.EQUALS, "email", False),
        (Decimal("5.00"), Condition.EQUALS, "5", True),
        (True, Condition.EQUALS, "بله", True),
        (False, Condition.EQUALS, "yes", False),
        ("landing_page", Condition.IN_LIST, "website، landing_page", True),
        ("phone", Condition.IN_LIST, "website, landing_page", False),
        ("مدیر عامل", Condition.CONTAINS, "مدير", True),
        ("کارشناس", Condition.CONTAINS, "مدیر", False),
        (Decimal("150000000"), Condition.BETWEEN, "100000000, 200000000", True),
        (Decimal("250000000"), Condition.BETWEEN, "100000000, 200000000", False),
        ("۱۲۰", Condition.GREATER, "100", True),
        (Decimal("100"), Condition.GREATER, "100", False),
        (Decimal("99"), Condition.LESS, "100", True),
        ("not a number", Condition.LESS, "100", False),
        ("anything", Condition.IS_SET, "", True),
        ("", Condition.IS_SET, "", False),
        (None, Condition.EQUALS, "", False),
    ],
)
def test_each_condition_matches_as_people_expect(actual, condition, value, expected):
    assert matches(actual, condition, value) is expected


def test_rules_that_cannot_be_evaluated_are_refused_by_field(db):
    assert set(rule_problems("budget", Condition.BETWEEN, "200, 100")) == {"value"}
    assert set(rule_problems("budget", Condition.BETWEEN, "100")) == {"value"}
    assert set(rule_problems("shoe_size", Condition.GREATER, "many")) == {"field", "value"}
    assert set(rule_problems("custom.missing", Condition.IS_SET, "")) == {"field"}
    assert set(rule_problems("city", Condition.EQUALS, " ")) == {"value"}
    assert rule_problems("company.size", Condition.IN_LIST, "201-1000, 1000+") == {}


def test_a_new_lead_is_scored_with_bands_qualification_and_an_explanation(scoring_model, admin):
    lead = create_lead(
        actor=admin,
        values={
            "last_name": "رضایی",
            "budget": "150000000",
            "purchase_timeline": "3-6m",
            "source": "website",
        },
    )

    assert (lead.score, lead.score_band, lead.qualified, lead.scoring_model) == (
        50,
        "warm",
        True,
        scoring_model,
    )
    rules = {r.label: r.pk for r in scoring_model.rules.all()}
    assert lead.score_explanation == [
        {"rule": rules["Budget over 100M"], "label": "Budget over 100M", "field": "budget", "points": 40},
        {
            "rule": rules["Came from the website"],
            "label": "Came from the website",
            "field": "source",
            "points": 10,
        },
    ]


def test_custom_fields_and_related_contact_and_company_fields_can_be_scored(scoring_model, admin):
    CustomField.objects.create(entity="lead", key="seats", label="Seats", field_type="number")
    ScoringRule.objects.create(
        model=scoring_model, label="Many seats", field="custom.seats", condition="gt", value="50", points=15
    )
    ScoringRule.objects.create(
        model=scoring_model,
        label="A manager",
        field="contact.title",
        condition="contains",
        value="مدیر",
        points=10,
    )
    ScoringRule.objects.create(
        model=scoring_model,
        label="Big company",
        field="company.size",
        condition="in",
        value="201-1000, 1000+",
        points=5,
    )
    ScoringRule.objects.create(
        model=scoring_model,
        label="Cold timeline",
        field="purchase_timeline",
        condition="equals",
        value="later",
        points=-30,
    )
    company = create_company(actor=admin, values={"name": "فولاد نوین", "size": "1000+"})
    contact = create_contact(
        actor=admin, values={"first_name": "نرگس", "last_name": "یزدانی", "title": "مدیر فناوری"}
    )

    lead = create_lead(
        actor=admin,
        values={
            "last_name": "یزدانی",
            "custom": {"seats": "120"},
            "contact": contact.pk,
            "company": company.pk,
            "purchase_timeline": "later",
        },
    )

    assert [e["label"] for e in lead.score_explanation] == [
        "Many seats",
        "A manager",
        "Big company",
        "Cold timeline",
    ]
    assert (lead.score, lead.score_band, lead.qualified) == (0, "cold", False)


def test_the_score_is_recomputed_when_the_lead_changes(scoring_model, admin):
    lead = create_lead(actor=admin, values={"last_name": "صالحی", "source": "phone"})
    assert lead.score == 0 and lead.score_explanation == []

    lead = update_lead(
        actor=admin,
        lead=lead,
        version=lead.version,
        values={"purchase_timeline": "now", "budget": "900000000"},
    )

    assert (lead.score, lead.score_band, lead.qualified) == (60, "hot", True)
    lead.refresh_from_db()
    assert [e["label"] for e in lead.score_explanation] == ["Budget over 100M", "Buying now"]
    audit = AuditEntry.objects.filter(content_type__model="lead", object_id=lead.pk, action="update").get()
    assert audit.changes["score"] == [0, 60]


def test_a_pipeline_s_own_active_model_wins_over_the_default(scoring_model, admin, pipeline):
    own = ScoringModel.objects.create(name="Enterprise", pipeline=pipeline, threshold=10)
    ScoringRule.objects.create(model=own, label="Any phone", field="phone", condition="set", points=25)

    lead = create_lead(
        actor=admin,
        values={"last_name": "نوری", "phone": "09121111111", "pipeline": pipeline.pk, "source": "website"},
    )

    assert (lead.scoring_model, lead.score, lead.qualified) == (own, 25, True)


def test_the_score_api_shows_the_score_band_and_fired_rules(scoring_model, admin, rep_b, api_for):
    lead = create_lead(
        actor=admin, values={"last_name": "کاظمی", "budget": "200000000", "purchase_timeline": "now"}
    )

    response = api_for(admin).get(f"/leads/{lead.pk}/score")

    body = response.json()
    assert response.status_code == 200
    assert (body["score"], body["band"], body["qualified"], body["threshold"]) == (60, "hot", True, 50)
    assert [(e["label"], e["points"]) for e in body["explanation"]] == [
        ("Budget over 100M", 40),
        ("Buying now", 20),
    ]
    assert api_for(rep_b).get(f"/leads/{lead.pk}/score").status_code == 404


def test_the_lead_page_shows_score_band_and_the_rules_that_fired(scoring_model, admin):
    lead = create_lead(actor=admin, values={"last_name": "کاظمی", "budget": "200000000"})
    client = Client()
    client.force_login(admin)

    html = client.get(f"/leads/{lead.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert 'class="score-total">۴۰<' in html  # the page is Persian (the default): Persian digits
    assert "Budget over 100M" in html and "band-warm" in html
    # the rule's field as people read it, in the page's language, not its stored name
    for language, label in (("en", "<td>Budget</td>"), ("fa", "<td>بودجه</td>")):
        client.cookies["django_language"] = language
        assert label in client.get(f"/leads/{lead.pk}/").content.decode()


# --- learned from history ----------------------------------------------------------------------------------


def _closed_lead(actor, pipeline, *, budget, won: bool, n: int):
    lead = create_lead(actor=actor, values={"last_name": f"مشتری{n}", "budget": budget, "source": "phone"})
    deal = create_deal(actor=actor, values={"title": f"d{n}", "lead": lead, "pipeline": pipeline})
    stage = pipeline.stages.get(kind="won" if won else "lost")
    move_deal_to_stage(actor=actor, deal=deal, stage=stage, version=deal.version)
    return lead


@pytest.fixture
def history(scoring_model, admin, pipeline):
    """Six big-budget leads (4 won, 2 lost), six small ones (1 won, 5 lost), one still open."""
    outcomes = (
        [("500000000", True)] * 4 + [("500000000", False)] * 2 + [("1000", True)] + [("1000", False)] * 5
    )
    for n, (budget, won) in enumerate(outcomes):
        _closed_lead(admin, pipeline, budget=budget, won=won, n=n)
    open_lead = create_lead(actor=admin, values={"last_name": "باز", "budget": "500000000"})
    create_deal(actor=admin, values={"title": "open", "lead": open_lead})
    return scoring_model


def test_insights_give_each_rule_s_win_rates_counts_and_a_suggestion_worked_out_by_hand(
    history, api_for, admin
):
    response = api_for(admin).get(f"/scoring-models/{history.pk}/insights")

    body = response.json()
    assert response.status_code == 200 and body["leads_with_outcome"] == 12
    budget = next(r for r in body["rules"] if r["label"] == "Budget over 100M")
    assert budget["matched"] == {"leads": 6, "won": 4, "win_rate": 0.6667}
    assert budget["not_matched"] == {"leads": 6, "won": 1, "win_rate": 0.1667}
    lift = math.log(4.5 / 2.5) - math.log(1.5 / 5.5)  # won/lost odds, half a lead added to each cell
    assert budget["suggested_points"] == math.floor(lift * POINTS_PER_LOG_ODDS + 0.5) == 38
    website = next(r for r in body["rules"] if r["label"] == "Came from the website")
    assert website["matched"]["leads"] == 0 and website["suggested_points"] is None
    # threshold 50: the big budgets score 40 (below), so everything is below it
    assert body["lift"]["above_threshold"] == {"leads": 0, "won": 0, "win_rate": None}
    assert body["lift"]["below_threshold"] == {"leads": 12, "won": 5, "win_rate": 0.4167}
    assert body["lift"]["ratio"] is None


def test_the_lift_compares_conversion_above_and_below_the_threshold(history, admin, api_for):
    history.threshold = 40
    history.save()

    lift = api_for(admin).get(f"/scoring-models/{history.pk}/insights").json()["lift"]

    assert lift["above_threshold"] == {"leads": 6, "won": 4, "win_rate": 0.6667}
    assert lift["below_threshold"] == {"leads": 6, "won": 1, "win_rate": 0.1667}
    assert lift["ratio"] == 4.0


def test_an_admin_accepts_a_suggestion_with_one_click_audited_and_leads_are_rescored(
    history, admin, django_capture_on_commit_callbacks
):
    rule = history.rules.get(label="Budget over 100M")
    client = Client()
    client.force_login(admin)
    client.cookies["django_language"] = "en"
    page = client.get(f"/leads/scoring/{history.pk}/").content.decode()
    assert f'action="/leads/scoring/{history.pk}/rules/{rule.pk}/accept/"' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/leads/scoring/{history.pk}/rules/{rule.pk}/accept/")

    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.points == 38
    entry = AuditEntry.objects.get(content_type__model="scoringrule", object_id=rule.pk)
    assert entry.changes == {"points": [40, 38]} and entry.actor == admin
    assert "12 won or lost leads" in entry.note
    assert set(Lead.objects.filter(budget=500000000).values_list("score", flat=True)) == {38}
    assert Job.objects.get(kind="leads.rescore").status == "done"


def test_no_suggestion_below_the_minimum_sample_and_accepting_it_is_refused(history, admin, api_for):
    rule = history.rules.get(label="Came from the website")

    response = api_for(admin).post(f"/scoring-models/{history.pk}/rules/{rule.pk}/accept")

    assert MIN_SAMPLE > 0 and response.status_code == 409
    assert response.json()["code"] == "scoring.no_suggestion"
    rule.refresh_from_db()
    assert rule.points == 10


def test_scoring_insights_are_for_administrators_only(history, manager_a, api_for):
    client = Client()
    client.force_login(manager_a)

    assert client.get(f"/leads/scoring/{history.pk}/").status_code == 404
    assert api_for(manager_a).get(f"/scoring-models/{history.pk}/insights").status_code == 404
    assert api_for(manager_a).post(f"/scoring-models/{history.pk}/rescore").status_code == 404
    assert Job.objects.count() == 0


def test_rescoring_after_a_model_change_runs_as_a_job_with_progress(
    scoring_model, admin, api_for, django_capture_on_commit_callbacks
):
    for n in range(7):
        create_lead(actor=admin, values={"last_name": f"نفر{n}", "purchase_timeline": "now"})
    other = create_lead(
        actor=admin, values={"last_name": "دیگر", "pipeline": make_pipeline(name="P2", is_default=False).pk}
    )
    ScoringModel.objects.create(name="P2 model", pipeline=other.pipeline)
    ScoringRule.objects.filter(label="Buying now").update(points=35)

    with django_capture_on_commit_callbacks(execute=True):
        response = api_for(admin).post(f"/scoring-models/{scoring_model.pk}/rescore")

    assert response.status_code == 202
    job = api_for(admin).get(f"/jobs/{response.json()['job_id']}").json()
    assert (job["status"], job["done"], job["total"], job["percent"]) == ("done", 8, 8, 100)
    assert set(Lead.objects.filter(last_name__startswith="نفر").values_list("score", "score_band")) == {
        (35, "warm")
    }
    assert Lead.objects.get(pk=other.pk).score == 0, (
        "a lead of a pipeline with its own model keeps that model's score"
    )


def test_the_insights_page_starts_a_rescoring_job_and_shows_its_progress(
    scoring_model, admin, django_capture_on_commit_callbacks
):
    client = Client()
    client.force_login(admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/leads/scoring/{scoring_model.pk}/rescore/")

    job = Job.objects.get(kind="leads.rescore")
    assert response.status_code == 302 and response.url == f"/jobs/{job.pk}/"
    assert job.status == "done"


def test_rescoring_reports_progress_batch_by_batch(scoring_model, admin):
    for n in range(8):
        create_lead(actor=admin, values={"last_name": f"نفر{n}"})
    seen = []

    done = rescore(leads_scored_by(scoring_model), lambda d, t: seen.append((d, t)), batch=3)

    assert done == 8 and seen == [(3, 8), (6, 8), (8, 8)]
