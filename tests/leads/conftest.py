"""Shared set-ups for the intake, scoring and assignment tests: a scoring model and rules built as an admin would."""

import pytest

from peyvand.leads.models import AssignmentRule, ScoringModel, ScoringRule, Strategy


@pytest.fixture
def scoring_model(db):
    """The default model: budget and timeline count, e-mail addresses from free mail count against."""
    model = ScoringModel.objects.create(name="Default", threshold=50, warm_from=30, hot_from=60)
    ScoringRule.objects.create(
        model=model, label="Budget over 100M", field="budget", condition="gt", value="100000000", points=40
    )
    ScoringRule.objects.create(
        model=model, label="Buying now", field="purchase_timeline", condition="equals", value="now", points=20
    )
    ScoringRule.objects.create(
        model=model,
        label="Came from the website",
        field="source",
        condition="in",
        value="website, landing_page",
        points=10,
    )
    return model


@pytest.fixture
def rule_to(db):
    def make(name="To the rep", order=0, **fields):
        fields.setdefault("strategy", Strategy.USER)
        return AssignmentRule.objects.create(name=name, order=order, **fields)

    return make
