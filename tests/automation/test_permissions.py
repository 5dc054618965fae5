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


def _rule_of(manager):
    from peyvand.automation.models import Rule

    return Rule.objects.create(
        name="Welcome",
        trigger="record_created",
        record_type="contact",
        actions=[{"type": "notify", "recipients": ["owner"], "title": "Hello"}],
        created_by=manager,
        team=manager.team,
    )


def test_a_manager_manages_their_teams_rules_only_and_an_admin_all(admin, manager_a, team_b):
    from tests.factories import UserFactory

    manager_b = UserFactory(username="manager_b", role="sales_manager", team=team_b)
    ours, theirs = _rule_of(manager_a), _rule_of(manager_b)

    assert permissions.can_manage_rule(manager_a, ours)
    assert not permissions.can_manage_rule(manager_a, theirs)
    assert permissions.can_manage_rule(admin, theirs)


def test_the_services_do_not_change_or_delete_another_teams_rule_whoever_fetched_it(manager_a, team_b):
    from peyvand.automation.models import Rule
    from peyvand.automation.services import delete_rule, update_rule
    from peyvand.core.errors import NotFound
    from tests.factories import UserFactory

    theirs = _rule_of(UserFactory(username="manager_b", role="sales_manager", team=team_b))

    with pytest.raises(NotFound):
        update_rule(actor=manager_a, rule=theirs, version=theirs.version, values={"enabled": False})
    with pytest.raises(NotFound):
        delete_rule(actor=manager_a, rule=theirs)

    assert Rule.objects.get(pk=theirs.pk).enabled is True
