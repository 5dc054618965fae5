"""automation/permissions.py: rules are administrators' and managers'; unowned records are admins' rules' only."""

import pytest

from peyvand.automation import permissions
from peyvand.automation.services import require_rule_manager
from peyvand.core.errors import PeyvandError

pytestmark = pytest.mark.django_db


def test_the_refusal_code_keeps_its_value():
    assert permissions.AUTOMATION_FORBIDDEN == "automation.forbidden"


def test_administrators_and_managers_manage_rules_and_reps_do_not(admin, manager_a, rep_a):
    users = (admin, manager_a, rep_a)
    assert [permissions.can_manage_rules(u) for u in users] == [True, True, False]
    assert [permissions.can_manage_every_rule(u) for u in users] == [True, False, False]
    assert [permissions.can_act_on_unowned_records(u) for u in users] == [True, False, False]


def test_a_deactivated_administrators_rules_act_on_nothing_unowned(admin):
    admin.is_active = False
    assert not permissions.can_act_on_unowned_records(admin)
    assert not permissions.can_manage_rules(admin)


def test_the_service_refuses_a_rep(rep_a):
    with pytest.raises(PeyvandError) as refused:
        require_rule_manager(rep_a)

    assert (refused.value.code, refused.value.status) == ("automation.forbidden", 403)
