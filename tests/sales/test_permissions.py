"""sales/permissions.py: pipelines are administrators'; a manager of the deal's team or an admin overrides."""

import pytest

from peyvand.core.errors import PeyvandError
from peyvand.sales import permissions
from peyvand.sales.models import Pipeline
from peyvand.sales.services import create_deal, save_pipeline
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_refusal_codes_keep_their_values():
    assert permissions.PIPELINE_FORBIDDEN == "pipeline.forbidden"
    assert permissions.OVERRIDE_FORBIDDEN == "deal.override_forbidden"


def test_only_an_administrator_changes_pipelines(admin, manager_a, rep_a):
    assert [permissions.can_change_pipelines(u) for u in (admin, manager_a, rep_a)] == [True, False, False]


def test_the_pipeline_service_refuses_a_manager(manager_a):
    with pytest.raises(PeyvandError) as refused:
        save_pipeline(actor=manager_a, values={"name": "Mine", "stages": [{"name": "New"}]})

    assert (refused.value.code, refused.value.status) == ("pipeline.forbidden", 403)
    assert not Pipeline.objects.filter(name="Mine").exists()


def test_exit_criteria_are_overridden_by_the_deals_teams_manager_or_an_admin(
    admin, manager_a, rep_a, rep_b, team_b, pipeline
):
    manager_b = UserFactory(username="manager_b", role="sales_manager", team=team_b)
    deal = create_deal(actor=rep_a, values={"title": "Ten printers"})

    allowed = {
        u.username: permissions.can_override_exit_criteria(u, deal)
        for u in (admin, manager_a, manager_b, rep_a)
    }

    assert allowed == {"admin": True, "manager_a": True, "manager_b": False, "rep_a": False}
