"""leads/permissions.py: scoring models and e-mail intake are administrators', enforced by the services."""

import pytest

from peyvand.core.errors import PeyvandError
from peyvand.leads import intake, permissions, scoring, selectors
from peyvand.leads.models import Lead, ScoringModel, ScoringRule
from tests.leads.test_email_intake import raw_message

pytestmark = pytest.mark.django_db


@pytest.fixture
def model(db):
    model = ScoringModel.objects.create(name="Website", pipeline=None, active=False)
    ScoringRule.objects.create(
        model=model, label="From the website", field="source", condition="equals", value="website", points=10
    )
    return model


def test_the_refusal_codes_keep_their_values():
    assert permissions.SCORING_FORBIDDEN == "scoring.forbidden"
    assert permissions.INTAKE_FORBIDDEN == "intake.forbidden"


def test_only_an_administrator_manages_scoring_and_posts_mail(admin, manager_a, rep_a):
    users = (admin, manager_a, rep_a)
    assert [permissions.can_manage_scoring(u) for u in users] == [True, False, False]
    assert [permissions.can_post_email(u) for u in users] == [True, False, False]
    assert [permissions.can_assign_by_rules(u) for u in users] == [True, False, False]


def test_scoring_models_do_not_exist_for_anyone_but_an_administrator(model, admin, manager_a, rep_a):
    assert list(selectors.scoring_models_visible_to(admin)) == [model]
    assert not selectors.scoring_models_visible_to(manager_a).exists()
    assert not selectors.scoring_models_visible_to(rep_a).exists()


def test_the_insights_service_refuses_a_manager_and_answers_an_administrator(model, admin, manager_a):
    with pytest.raises(PeyvandError) as refused:
        scoring.model_insights(actor=manager_a, model=model)

    assert (refused.value.code, refused.value.status) == ("scoring.forbidden", 403)
    assert scoring.model_insights(actor=admin, model=model)["model"] == "Website"


def test_accepting_a_suggestion_and_rescoring_are_refused_to_a_manager(model, manager_a):
    for call in (
        lambda: scoring.accept_suggestion(actor=manager_a, model=model, rule_id=model.rules.get().pk),
        lambda: scoring.start_rescore_by(actor=manager_a, model=model),
    ):
        with pytest.raises(PeyvandError) as refused:
            call()
        assert refused.value.code == "scoring.forbidden"
    assert model.rules.get().points == 10


def test_the_email_intake_service_refuses_a_rep_itself_and_makes_no_lead(rep_a):
    with pytest.raises(PeyvandError) as refused:
        intake.intake_email(actor=rep_a, raw=raw_message())

    assert (refused.value.code, refused.value.status) == ("intake.forbidden", 403)
    assert Lead.all_objects.count() == 0


def test_the_email_intake_service_takes_the_intake_users_mail(db):
    lead, created = intake.intake_email(actor=intake.intake_actor(), raw=raw_message())

    assert created and Lead.objects.filter(pk=lead.pk).exists()
