"""The database itself refuses what the customer metrics could not count: a score outside 0–10, negative spend
or potential, two key-account rows for one company."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from peyvand.analytics.models import KeyAccount, Spend, SurveyResponse
from peyvand.contacts.models import Company

pytestmark = pytest.mark.django_db


def _refused(make) -> bool:
    try:
        with transaction.atomic():
            make()
    except IntegrityError:
        return True
    return False


@pytest.mark.parametrize("score,refused", [(0, False), (10, False), (11, True), (200, True)])
def test_a_survey_score_outside_0_to_10_is_refused_by_the_database(rep_a, score, refused):
    def make():
        SurveyResponse.objects.create(owner=rep_a, team=rep_a.team, score=score, answered_at=timezone.now())

    assert _refused(make) is refused


def test_negative_spend_is_refused_by_the_database(admin):
    assert _refused(lambda: Spend.objects.create(month=dt.date(2026, 10, 23), channel="email", amount=-1))
    assert not _refused(lambda: Spend.objects.create(month=dt.date(2026, 10, 23), channel="email", amount=0))


def test_a_company_is_a_key_account_once_and_never_with_a_negative_potential(rep_a):
    company = Company.objects.create(name="Kaveh Steel", owner=rep_a, team=rep_a.team)

    assert _refused(lambda: KeyAccount.objects.create(company=company, potential=Decimal(-5)))
    KeyAccount.objects.create(company=company, potential=Decimal(5))
    assert _refused(lambda: KeyAccount.objects.create(company=company, potential=Decimal(7)))
