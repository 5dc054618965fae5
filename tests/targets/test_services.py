"""Setting sales targets: who may set whose, the checks on amounts and periods, replacing and the audit."""

import datetime as dt
from decimal import Decimal

import pytest

from peyvand.core.audit import audit_for
from peyvand.core.errors import PeyvandError, StaleVersion, ValidationFailed
from peyvand.targets.models import Target
from peyvand.targets.services import delete_target, set_target, update_target

pytestmark = pytest.mark.django_db


def azar(actor, **subject):
    values = {"kind": "month", "year": 1405, "number": 9, "amount": "5000000000", "deals_won": 4}
    return set_target(actor=actor, calendar="jalali", **subject, **values)


def test_a_manager_sets_a_target_for_a_rep_of_their_team_with_the_period_dates(manager_a, rep_a):
    target, created = azar(manager_a, user=rep_a.pk)

    assert created
    assert (target.user, target.team, target.amount, target.deals_won) == (
        rep_a,
        None,
        Decimal("5000000000"),
        4,
    )
    assert (target.start_date, target.end_date) == (dt.date(2026, 11, 22), dt.date(2026, 12, 21))
    assert [e.action for e in audit_for(target)] == ["create"]


def test_a_manager_sets_their_own_teams_target(manager_a, team_a):
    target, _created = azar(manager_a, team=team_a.pk)

    assert target.team == team_a and target.user is None


def test_a_manager_may_not_set_a_target_for_another_teams_rep_or_team(manager_a, rep_b, team_b):
    for subject in ({"user": rep_b.pk}, {"team": team_b.pk}, {"user": 999_999}):
        with pytest.raises(PeyvandError) as refused:
            azar(manager_a, **subject)
        assert refused.value.status == 403
    assert not Target.objects.exists()


def test_a_rep_may_not_set_targets_even_their_own(rep_a):
    with pytest.raises(PeyvandError) as refused:
        azar(rep_a, user=rep_a.pk)

    assert refused.value.status == 403


def test_an_admin_sets_targets_for_any_team(admin, rep_b, team_b):
    assert azar(admin, user=rep_b.pk)[1]
    assert azar(admin, team=team_b.pk)[1]


def test_setting_the_same_period_again_replaces_the_target(manager_a, rep_a):
    first, _ = azar(manager_a, user=rep_a.pk)

    second, created = set_target(
        actor=manager_a,
        user=rep_a.pk,
        kind="month",
        year=1405,
        number=9,
        amount="6000000000",
        calendar="jalali",
    )

    assert not created and second.pk == first.pk
    assert (second.amount, second.deals_won, second.version) == (Decimal("6000000000"), 0, 2)
    assert audit_for(second).first().changes["amount"] == ["5000000000.00", "6000000000.00"]
    assert Target.objects.count() == 1


@pytest.mark.parametrize("amount", ["0", "-10", "abc", "", None])
def test_an_amount_must_be_greater_than_zero(manager_a, rep_a, amount):
    with pytest.raises(ValidationFailed) as refused:
        set_target(actor=manager_a, user=rep_a.pk, kind="month", year=1405, number=9, amount=amount)

    assert refused.value.errors[0]["field"] == "amount"


def test_a_period_that_does_not_exist_is_refused_on_its_field(manager_a, rep_a):
    with pytest.raises(ValidationFailed) as refused:
        set_target(actor=manager_a, user=rep_a.pk, kind="quarter", year=1405, number=5, amount="1")

    assert refused.value.errors[0]["field"] == "number"


def test_a_target_overlapping_another_of_the_same_kind_for_the_same_rep_is_refused(manager_a, rep_a, rep_a2):
    azar(manager_a, user=rep_a.pk)  # 22 Nov – 21 Dec 2026

    with pytest.raises(PeyvandError) as refused:
        set_target(
            actor=manager_a,
            user=rep_a.pk,
            kind="month",
            year=2026,
            number=12,
            amount="1",
            calendar="gregorian",
        )
    # Another rep, or a quarter over the same days, is a target of its own.
    set_target(
        actor=manager_a, user=rep_a2.pk, kind="month", year=2026, number=12, amount="1", calendar="gregorian"
    )
    set_target(
        actor=manager_a, user=rep_a.pk, kind="quarter", year=1405, number=3, amount="1", calendar="jalali"
    )

    assert refused.value.status == 409 and refused.value.code == "target.overlap"
    assert Target.objects.count() == 3


def test_update_checks_the_version_and_delete_leaves_an_audit_entry(manager_a, rep_a):
    target, _ = azar(manager_a, user=rep_a.pk)

    changed = update_target(actor=manager_a, target=target, version=1, values={"deals_won": 7})
    with pytest.raises(StaleVersion):
        update_target(actor=manager_a, target=target, version=1, values={"deals_won": 8})
    pk = changed.pk
    delete_target(actor=manager_a, target=changed)

    assert changed.deals_won == 7 and changed.version == 2
    assert not Target.objects.filter(pk=pk).exists()
    assert [e.action for e in audit_for(Target(pk=pk))] == ["delete", "update", "create"]


def test_reps_read_only_their_own_targets_and_managers_their_teams(
    admin, manager_a, rep_a, rep_a2, rep_b, team_a
):
    own = azar(admin, user=rep_a.pk)[0]
    colleague = azar(admin, user=rep_a2.pk)[0]
    team = azar(admin, team=team_a.pk)[0]
    foreign = azar(admin, user=rep_b.pk)[0]

    assert set(Target.objects.visible_to(rep_a)) == {own}
    assert set(Target.objects.visible_to(manager_a)) == {own, colleague, team}
    assert set(Target.objects.visible_to(admin)) == {own, colleague, team, foreign}


def test_a_rep_who_may_read_a_target_still_may_not_change_it(admin, rep_a):
    target = azar(admin, user=rep_a.pk)[0]

    with pytest.raises(PeyvandError) as refused:
        update_target(actor=rep_a, target=target, version=1, values={"deals_won": 9})

    assert refused.value.status == 403
