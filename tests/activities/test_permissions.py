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
