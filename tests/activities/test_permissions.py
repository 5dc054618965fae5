"""activities/permissions.py: administrators and managers open a colleague's calendar."""

import pytest

from peyvand.activities import permissions

pytestmark = pytest.mark.django_db


def test_administrators_and_managers_open_others_calendars_and_reps_do_not(admin, manager_a, rep_a):
    assert [permissions.can_open_others_calendars(u) for u in (admin, manager_a, rep_a)] == [
        True,
        True,
        False,
    ]


def test_a_support_manager_opens_their_technicians_calendars_and_an_agent_does_not(team_a):
    from peyvand.accounts.models import Role
    from peyvand.activities.selectors import calendar_owners
    from tests.factories import UserFactory

    lead = UserFactory(username="support_lead", role=Role.SUPPORT_MANAGER, team=team_a)
    agent = UserFactory(username="agent", role=Role.SUPPORT_AGENT, team=team_a)
    assert permissions.can_open_others_calendars(lead) and not permissions.can_open_others_calendars(agent)
    assert agent in calendar_owners(lead)
