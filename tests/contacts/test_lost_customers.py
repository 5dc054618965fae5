"""Marking a company or contact lost by hand: through the API and the form (Jalali in Persian), checked,
audited, filterable, and counted by churn and retention from that day until the customer buys again."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from peyvand.analytics.selectors import run_report
from peyvand.contacts.models import Company
from peyvand.contacts.services import create_company
from peyvand.sales.models import Deal, DealStatus
from peyvand.sales.services import create_deal

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def company(rep_a):
    return create_company(actor=rep_a, values={"name": "Kavir Tiles"})


def test_marking_a_company_lost_is_kept_audited_and_filterable(api_for, rep_a, company):
    api = api_for(rep_a)
    changed = api.patch(
        f"/companies/{company.pk}",
        {"version": company.version, "lost_on": "2026-11-11", "lost_reason": "Went to a competitor"},
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["lost_on"] == "2026-11-11"
    assert changed.json()["lost_reason"] == "Went to a competitor"
    trail = api.get(f"/companies/{company.pk}/audit").json()
    assert trail[0]["changes"]["lost_on"][1] == "2026-11-11"
    create_company(actor=rep_a, values={"name": "Still buying"})
    assert [c["name"] for c in api.get("/companies", lost="true").json()["items"]] == ["Kavir Tiles"]
    assert [c["name"] for c in api.get("/companies", lost="false").json()["items"]] == ["Still buying"]

    cleared = api.patch(f"/companies/{company.pk}", {"version": changed.json()["version"], "lost_on": None})
    assert cleared.json()["lost_on"] is None and cleared.json()["lost_reason"] == ""


@pytest.mark.parametrize(
    "values,field",
    [
        ({"lost_on": "2999-01-01"}, "lost_on"),
        ({"lost_reason": "Moved abroad"}, "lost_on"),
        ({"lost_on": "not a day"}, "lost_on"),
    ],
    ids=["future", "reason-without-day", "not-a-date"],
)
def test_a_lost_mark_that_makes_no_sense_is_refused_by_field(api_for, rep_a, company, values, field):
    response = api_for(rep_a).patch(f"/companies/{company.pk}", {"version": company.version, **values})
    assert response.status_code == 422
    assert field in [e["field"].split(".")[-1] for e in response.json()["errors"]]
    company.refresh_from_db()
    assert company.lost_on is None and company.lost_reason == "" and company.version == 1


def test_another_teams_company_cannot_be_marked_lost(api_for, rep_b, company):
    response = api_for(rep_b).patch(f"/companies/{company.pk}", {"version": 1, "lost_on": "2026-11-01"})
    assert response.status_code == 404
    company.refresh_from_db()
    assert company.lost_on is None


def test_the_form_takes_a_jalali_day_in_persian_and_the_page_shows_it(rep_a, company):
    client = Client()
    client.force_login(rep_a)
    client.cookies["django_language"] = "fa"
    response = client.post(
        f"/companies/{company.pk}/edit/",
        {"name": company.name, "version": company.version, "lost_on": "۱۴۰۵/۰۸/۲۰", "lost_reason": "قیمت"},
    )
    assert response.status_code == 302, response.context["form"].errors
    company.refresh_from_db()
    assert company.lost_on == dt.date(2026, 11, 11) and company.lost_reason == "قیمت"
    page = client.get(f"/companies/{company.pk}/").content.decode()
    assert "۱۴۰۵/۰۸/۲۰" in page and "قیمت" in page
    assert 'class="badge danger" title="قیمت"' in page


def _won(rep, company, closed_at):
    deal = create_deal(actor=rep, values={"title": f"Order {closed_at:%Y-%m-%d}", "company": company.pk})
    Deal.objects.filter(pk=deal.pk).update(
        status=DealStatus.WON, closed_at=closed_at, created_at=closed_at - dt.timedelta(days=5)
    )


def _churn(user, start, end):
    return run_report(user, "churn", {"start": start, "end": end})["data"]["rows"][0]


def test_a_customer_marked_lost_churns_that_day_and_comes_back_by_buying(rep_a, company, pipeline):
    with time_machine.travel(TODAY, tick=False):
        _won(rep_a, company, timezone.now() - dt.timedelta(days=60))
        before = _churn(rep_a, "2026-11-01", "2026-11-20")
        assert (before["start"], before["end"], before["lost"]) == (1, 1, 0)

        Company.objects.filter(pk=company.pk).update(lost_on=dt.date(2026, 11, 11))
        marked = _churn(rep_a, "2026-11-01", "2026-11-20")
        assert (marked["start"], marked["end"], marked["lost"]) == (1, 0, 1)
        assert marked["churn_rate"] == 100
        # the month before the mark is untouched
        assert _churn(rep_a, "2026-10-01", "2026-10-31")["lost"] == 0

        _won(rep_a, company, dt.datetime(2026, 11, 15, 9, 0, tzinfo=dt.UTC))
        back = _churn(rep_a, "2026-11-01", "2026-11-20")
        assert (back["start"], back["end"], back["lost"]) == (1, 1, 0)


def test_an_import_marks_customers_lost_and_says_which_cell_is_wrong(rep_a):
    from tests.imports.test_import import run_import

    content = (
        "نام شرکت,از دست رفته از,علت ریزش\n"
        "Alborz Steel,1405/08/01,Price\n"
        "Caspian Foods,1405/13/01,Price\n"
        "Zagros Oil,,Moved\n"
        "Sahand Co,2999-01-01,\n"
    ).encode()
    run = run_import(rep_a, content, kind="companies")
    assert run.created == 1
    alborz = Company.objects.get(name="Alborz Steel")
    assert (alborz.lost_on, alborz.lost_reason) == (dt.date(2026, 10, 23), "Price")
    errors = {(e["row"], e["column"]) for e in run.errors}
    assert errors == {(3, "از دست رفته از"), (4, "از دست رفته از"), (5, "از دست رفته از")}
