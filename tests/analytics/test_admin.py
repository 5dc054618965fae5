"""Spend and key accounts in the Django admin go through the services: checked on the form, and audited."""

import pytest
from django.test import Client

from peyvand.analytics.models import KeyAccount, Spend
from peyvand.contacts.models import Company
from peyvand.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(admin):
    client = Client()
    client.force_login(admin)
    client.cookies["django_language"] = "en"  # the messages checked below are the English ones
    return client


def test_spend_entered_in_the_admin_is_checked_on_the_form_and_audited(admin_client, team_a):
    form = {"month": "2026-11-22", "channel": "email", "amount": "5000", "team": team_a.pk, "note": ""}

    refused = admin_client.post("/admin/analytics/spend/add/", {**form, "month": "2026-11-23"})
    saved = admin_client.post("/admin/analytics/spend/add/", form)

    assert refused.status_code == 200 and "Give the first day of a month." in refused.content.decode()
    assert saved.status_code == 302
    spend = Spend.objects.get()
    assert (spend.team_id, str(spend.month)) == (team_a.pk, "2026-11-22")
    assert AuditEntry.objects.filter(object_id=spend.pk, action="create").exists()


def test_a_key_account_set_in_the_admin_is_audited(admin_client, rep_a):
    company = Company.objects.create(name="Kaveh Steel", owner=rep_a, team=rep_a.team)

    saved = admin_client.post(
        "/admin/analytics/keyaccount/add/", {"company": company.pk, "potential": "700", "note": "new plant"}
    )

    assert saved.status_code == 302
    account = KeyAccount.objects.get()
    assert (account.company, account.potential, account.note) == (company, 700, "new plant")
    assert AuditEntry.objects.filter(object_id=account.pk, action="create").exists()
