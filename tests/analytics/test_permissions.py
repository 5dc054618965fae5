"""analytics/permissions.py: spend per team, a key account's potential by its owner, manager or an admin."""

import pytest

from peyvand.analytics import permissions
from peyvand.contacts.services import create_company

pytestmark = pytest.mark.django_db


def test_the_refusal_codes_keep_their_values():
    assert permissions.SPEND_FORBIDDEN == "spend.forbidden"
    assert permissions.KEY_ACCOUNT_FORBIDDEN == "key_account.forbidden"


def test_spend_is_written_by_an_admin_for_anyone_and_a_manager_for_their_team(
    admin, manager_a, rep_a, team_a, team_b
):
    assert permissions.can_write_spend(admin, None) and permissions.can_write_spend(admin, team_b.pk)
    assert permissions.can_write_spend(manager_a, team_a.pk)
    assert not permissions.can_write_spend(manager_a, team_b.pk)
    assert not permissions.can_write_spend(manager_a, None)
    assert not permissions.can_write_spend(rep_a, team_a.pk)


def test_a_companys_potential_is_set_by_its_owner_their_manager_or_an_admin(
    admin, manager_a, rep_a, rep_a2, rep_b
):
    company = create_company(actor=rep_a, values={"name": "Kian Trading"})

    allowed = {
        u.username: permissions.can_set_potential(u, company)
        for u in (admin, manager_a, rep_a, rep_a2, rep_b)
    }

    assert allowed == {"admin": True, "manager_a": True, "rep_a": True, "rep_a2": False, "rep_b": False}
