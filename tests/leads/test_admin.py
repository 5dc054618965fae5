"""Configuring intake, scoring and assignment in the Django admin (peyvand/leads/admin.py)."""

import pytest
from django.test import Client

from peyvand.core.models import Job
from peyvand.leads.models import Lead, ScoringModel, WebForm
from peyvand.leads.services import create_lead

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(admin):
    client = Client()
    client.force_login(admin)
    return client


def test_saving_a_scoring_model_with_its_rules_rescores_its_leads_in_the_background(
    admin, admin_client, django_capture_on_commit_callbacks
):
    lead = create_lead(actor=admin, values={"last_name": "نادری", "purchase_timeline": "now"})
    assert lead.score == 0

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/leads/scoringmodel/add/",
            {
                "name": "Default",
                "threshold": "10",
                "warm_from": "10",
                "hot_from": "30",
                "active": "on",
                "rules-TOTAL_FORMS": "1",
                "rules-INITIAL_FORMS": "0",
                "rules-MIN_NUM_FORMS": "0",
                "rules-MAX_NUM_FORMS": "1000",
                "rules-0-order": "0",
                "rules-0-label": "Buying now",
                "rules-0-field": "purchase_timeline",
                "rules-0-condition": "equals",
                "rules-0-value": "now",
                "rules-0-points": "25",
            },
        )

    assert response.status_code == 302, response.content.decode()[:2000]
    model = ScoringModel.objects.get()
    assert model.rules.get().label == "Buying now"
    assert Job.objects.get(kind="leads.rescore").status == "done"
    lead.refresh_from_db()
    assert (lead.score, lead.score_band, lead.qualified) == (25, "warm", True)


def test_a_rule_that_cannot_be_evaluated_is_refused_on_its_row(admin_client):
    response = admin_client.post(
        "/admin/leads/scoringmodel/add/",
        {
            "name": "Broken",
            "threshold": "10",
            "warm_from": "10",
            "hot_from": "30",
            "rules-TOTAL_FORMS": "1",
            "rules-INITIAL_FORMS": "0",
            "rules-MIN_NUM_FORMS": "0",
            "rules-MAX_NUM_FORMS": "1000",
            "rules-0-label": "Budget between",
            "rules-0-field": "budget",
            "rules-0-condition": "between",
            "rules-0-value": "500, 100",
            "rules-0-points": "5",
        },
    )

    assert response.status_code == 200
    assert ScoringModel.objects.count() == 0
    assert response.context["inline_admin_formsets"][0].formset.errors[0]["value"]


def test_a_second_active_model_for_the_same_pipeline_is_refused(admin_client, pipeline):
    ScoringModel.objects.create(name="First", pipeline=pipeline)

    response = admin_client.post(
        "/admin/leads/scoringmodel/add/",
        {
            "name": "Second",
            "pipeline": str(pipeline.pk),
            "threshold": "10",
            "warm_from": "10",
            "hot_from": "30",
            "active": "on",
            "rules-TOTAL_FORMS": "0",
            "rules-INITIAL_FORMS": "0",
            "rules-MIN_NUM_FORMS": "0",
            "rules-MAX_NUM_FORMS": "1000",
        },
    )

    assert response.status_code == 200 and "active" in response.context["adminform"].form.errors
    assert ScoringModel.objects.count() == 1


def test_a_web_form_gets_an_unguessable_key_and_its_fields_are_checked(admin_client, pipeline):
    bad = admin_client.post(
        "/admin/leads/webform/add/",
        {"name": "Bad", "fields": '["first_name", "password"]', "required_fields": "[]", "source": "website"},
    )
    good = admin_client.post(
        "/admin/leads/webform/add/",
        {
            "name": "Contact us",
            "fields": '["last_name", "phone"]',
            "required_fields": '["phone"]',
            "source": "landing_page",
            "pipeline": str(pipeline.pk),
            "use_assignment_rules": "on",
            "active": "on",
        },
    )

    assert bad.status_code == 200 and "fields" in bad.context["adminform"].form.errors
    assert good.status_code == 302
    form = WebForm.objects.get()
    assert len(form.key) >= 32
    page = admin_client.get(f"/admin/leads/webform/{form.pk}/change/").content.decode()
    assert f"/f/{form.key}/" in page


def test_the_assignment_rule_admin_lists_and_checks_targets(admin_client, team_a):
    refused = admin_client.post(
        "/admin/leads/assignmentrule/add/", {"name": "No team", "order": "0", "strategy": "round_robin"}
    )
    accepted = admin_client.post(
        "/admin/leads/assignmentrule/add/",
        {
            "name": "Team",
            "order": "0",
            "active": "on",
            "strategy": "round_robin",
            "target_team": str(team_a.pk),
        },
    )

    assert refused.status_code == 200 and "target_team" in refused.context["adminform"].form.errors
    assert accepted.status_code == 302
    assert admin_client.get("/admin/leads/assignmentrule/").status_code == 200
    assert Lead.objects.count() == 0
