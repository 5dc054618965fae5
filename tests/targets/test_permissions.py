"""targets/permissions.py: an admin sets any target, a manager their team's and its reps', a rep none."""

import pytest

from peyvand.targets import permissions
from peyvand.targets.models import Target
from peyvand.targets.services import set_target

pytestmark = pytest.mark.django_db


def test_the_refusal_code_keeps_its_value():
    assert permissions.TARGET_FORBIDDEN == "target.forbidden"


def test_who_sets_targets(admin, manager_a, rep_a):
    assert [permissions.can_set_targets(u) for u in (admin, manager_a, rep_a)] == [True, True, False]
    assert [permissions.can_set_every_teams_targets(u) for u in (admin, manager_a, rep_a)] == [
        True,
        False,
        False,
    ]


def test_a_manager_manages_their_reps_targets_but_not_another_teams(admin, manager_a, rep_a, rep_b):
    own = Target(user=rep_a, team=None)
    foreign = Target(user=rep_b, team=None)

    assert permissions.can_manage_target(manager_a, own)
    assert not permissions.can_manage_target(manager_a, foreign)
    assert permissions.can_manage_target(admin, foreign)
    assert not permissions.can_manage_target(rep_a, own)


def test_the_service_refuses_a_rep_setting_their_own_target(rep_a):
    from peyvand.core.errors import PeyvandError

    with pytest.raises(PeyvandError) as refused:
        set_target(actor=rep_a, user=rep_a.pk, kind="month", year=1404, number=1, amount="100")

    assert (refused.value.code, refused.value.status) == ("target.forbidden", 403)
    assert Target.objects.count() == 0
