"""Writes behind the customer metrics: who may enter spend and potentials, what an answer must hold, and the
CSV import of survey answers, which names each bad cell and writes all rows or none."""

import datetime as dt
from decimal import Decimal

import pytest

from peyvand.analytics import services
from peyvand.analytics.models import KeyAccount, Spend, SurveyResponse
from peyvand.contacts.models import Company, Contact
from peyvand.core.errors import PeyvandError, ValidationFailed
from peyvand.core.models import AuditEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

AZAR_1405 = dt.date(2026, 11, 22)


@pytest.fixture
def contact_a(rep_a):
    return Contact.objects.create(last_name="Rahimi", owner=rep_a, team=rep_a.team)


@pytest.fixture
def contact_b(rep_b):
    return Contact.objects.create(last_name="Karimi", owner=rep_b, team=rep_b.team)


def _codes(error: PeyvandError):
    return [(e["field"], str(e["message"])) for e in error.errors]


# --- spend ------------------------------------------------------------------------------------------------------


def test_a_manager_enters_their_teams_spend_and_it_is_audited(manager_a, team_a):
    spend = services.record_spend(
        actor=manager_a, month=AZAR_1405, channel="social", amount="12,000,000", team=team_a.pk
    )

    assert (spend.amount, spend.team_id, spend.created_by) == (Decimal("12000000.00"), team_a.pk, manager_a)
    assert AuditEntry.objects.filter(object_id=spend.pk, action="create").count() == 1


@pytest.mark.parametrize("who", ["rep_a", "manager_for_company", "manager_for_b"])
def test_only_admins_enter_company_wide_spend_and_managers_only_their_own_teams(
    who, manager_a, rep_a, team_b
):
    actor, team = {
        "rep_a": (rep_a, rep_a.team_id),
        "manager_for_company": (manager_a, None),
        "manager_for_b": (manager_a, team_b.pk),
    }[who]

    with pytest.raises(PeyvandError) as refused:
        services.record_spend(actor=actor, month=AZAR_1405, channel="email", amount=5, team=team)

    assert refused.value.status == 403
    assert not Spend.objects.exists()


def test_spend_month_is_the_first_day_of_a_month_of_the_business_calendar(admin):
    with pytest.raises(ValidationFailed) as refused:
        services.record_spend(actor=admin, month=dt.date(2026, 12, 1), channel="nowhere", amount=0)

    assert [field for field, _message in _codes(refused.value)] == ["month", "channel", "amount"]
    assert (
        services.record_spend(actor=admin, month="1405/09/01", channel="email", amount=1).month == AZAR_1405
    )


def test_a_stale_version_changes_nothing(admin):
    spend = services.record_spend(actor=admin, month=AZAR_1405, channel="email", amount=1)
    services.update_spend(actor=admin, spend=spend, version=1, values={"amount": 2})

    with pytest.raises(PeyvandError) as stale:
        services.update_spend(actor=admin, spend=spend, version=1, values={"amount": 3})

    assert stale.value.status == 409
    spend.refresh_from_db()
    assert (spend.amount, spend.version) == (Decimal(2), 2)


# --- survey answers ---------------------------------------------------------------------------------------------


def test_an_answer_is_the_actors_own_and_only_for_a_contact_they_may_see(rep_a, contact_a, contact_b):
    answer = services.record_survey_response(
        actor=rep_a, values={"score": 9, "answered_at": "2026-11-20 10:30", "contact": contact_a.pk}
    )
    assert (answer.owner, answer.team_id, answer.contact) == (rep_a, rep_a.team_id, contact_a)

    with pytest.raises(ValidationFailed) as refused:
        services.record_survey_response(
            actor=rep_a, values={"score": 9, "answered_at": "2026-11-20", "contact": contact_b.pk}
        )
    assert _codes(refused.value) == [("contact", "No contact you may see has this id.")]


CSV_GOOD = "score,answered_at,comment,channel,contact\n10,2026-11-01,great,email,{a}\n۶,1405/08/12 09:15,,,\n"


def test_the_csv_import_records_every_row_with_persian_digits_and_jalali_dates(rep_a, contact_a):
    answers = services.import_survey_responses(actor=rep_a, text=CSV_GOOD.format(a=contact_a.pk))

    assert [(a.score, a.contact_id, a.channel) for a in answers] == [
        (10, contact_a.pk, "email"),
        (6, None, ""),
    ]
    assert answers[1].answered_at.date() == dt.date(2026, 11, 3)
    assert SurveyResponse.objects.filter(owner=rep_a).count() == 2


def test_a_bad_cell_names_its_row_and_column_and_nothing_is_imported(rep_a, contact_a, contact_b):
    text = (
        "score,answered_at,comment,channel,contact\n"
        f"8,2026-11-01,fine,email,{contact_a.pk}\n"
        "11,2026-11-02,,,\n"
        f"7,yesterday,,fax,{contact_b.pk}\n"
    )

    with pytest.raises(PeyvandError) as refused:
        services.import_survey_responses(actor=rep_a, text=text)

    assert refused.value.status == 422
    assert [(p["row"], p["column"]) for p in refused.value.extra["rows"]] == [
        (3, "score"),
        (4, "answered_at"),
        (4, "channel"),
        (4, "contact"),
    ]
    assert _codes(refused.value)[0] == ("score", "Row 3: Give a whole number from 0 to 10.")
    assert not SurveyResponse.objects.exists()
    assert not AuditEntry.objects.exists()


def test_a_file_without_the_score_or_date_column_is_refused(rep_a):
    with pytest.raises(ValidationFailed) as refused:
        services.import_survey_responses(actor=rep_a, text="comment\nhello\n")

    assert [field for field, _message in _codes(refused.value)] == ["score", "answered_at"]


def test_a_failure_while_writing_rolls_the_whole_import_back(rep_a, monkeypatch):
    real = services._new_answer
    calls = []

    def fail_on_second(actor, cleaned):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(actor, cleaned)

    monkeypatch.setattr(services, "_new_answer", fail_on_second)
    with pytest.raises(RuntimeError):
        services.import_survey_responses(actor=rep_a, text="score,answered_at\n9,2026-11-01\n3,2026-11-02\n")

    assert not SurveyResponse.objects.exists()


# --- key accounts -----------------------------------------------------------------------------------------------


def test_the_owner_sets_a_potential_and_a_colleague_may_not(rep_a, rep_a2, manager_a):
    company = Company.objects.create(name="Kaveh Steel", owner=rep_a, team=rep_a.team)

    account = services.set_key_account(actor=rep_a, company=company, potential="5000000", note="two plants")
    services.set_key_account(actor=manager_a, company=company, potential=6000000)
    with pytest.raises(PeyvandError) as refused:
        services.set_key_account(actor=rep_a2, company=company, potential=1)

    assert refused.value.status == 404  # a rep does not see a colleague's company
    account.refresh_from_db()
    assert (account.potential, account.note) == (Decimal(6000000), "")
    assert AuditEntry.objects.filter(object_id=account.pk).count() == 2


def test_a_negative_potential_is_refused(rep_a):
    company = Company.objects.create(name="Kaveh Steel", owner=rep_a, team=rep_a.team)

    for bad in (-1, "abc", True, "1e30"):
        with pytest.raises(ValidationFailed):
            services.set_key_account(actor=rep_a, company=company, potential=bad)
    assert services.set_key_account(actor=rep_a, company=company, potential="0.00").potential == 0
    assert services.set_key_account(actor=rep_a, company=company, potential="۱٬۵۰۰").potential == 1500
    assert not KeyAccount.objects.filter(potential__lt=0).exists()


def test_a_manager_may_not_set_another_teams_potential(rep_b, team_a):
    company = Company.objects.create(name="Fars Cement", owner=rep_b, team=rep_b.team)
    other_manager = UserFactory(username="manager_a_two", role="sales_manager", team=team_a)

    with pytest.raises(PeyvandError) as refused:
        services.set_key_account(actor=other_manager, company=company, potential=1)
    assert refused.value.status == 404


def test_a_teammate_who_sees_the_company_may_still_not_set_its_potential(rep_a, rep_a2, settings):
    settings.PEYVAND_REP_SEES_TEAM = True
    company = Company.objects.create(name="Kaveh Steel", owner=rep_a, team=rep_a.team)

    with pytest.raises(PeyvandError) as refused:
        services.set_key_account(actor=rep_a2, company=company, potential=1)

    assert (refused.value.status, refused.value.code) == (403, "key_account.forbidden")
    assert not KeyAccount.objects.exists()


def test_spend_for_a_team_that_does_not_exist_is_refused(admin):
    with pytest.raises(ValidationFailed) as refused:
        services.record_spend(actor=admin, month=AZAR_1405, channel="email", amount=1, team=999_999)

    assert _codes(refused.value) == [("team", "No such team.")]
