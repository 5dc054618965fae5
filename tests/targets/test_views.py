"""The targets grid: rows of the team and its reps, columns of months, cells saved one by one with htmx."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.test import Client

from peyvand.accounts.models import Role, Team
from peyvand.demo.targets import load
from peyvand.targets.models import Target
from peyvand.targets.services import set_target
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)  # 1405/09/04


def browser_for(user, language="en"):
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def cell(subject, number, amount="", deals="", kind="month", year=1405):
    return {
        "subject": subject,
        "kind": kind,
        "year": year,
        "number": number,
        "amount": amount,
        "deals": deals,
    }


HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_grid_has_a_row_for_the_team_and_each_rep_and_a_column_per_jalali_month(
    manager_a, rep_a, rep_a2, rep_b
):
    with time_machine.travel(NOW, tick=False):
        page = browser_for(manager_a).get("/targets/")

    rows = page.context["rows"]
    assert [r["key"] for r in rows] == [
        f"team:{manager_a.team_id}",
        f"user:{rep_a.pk}",
        f"user:{rep_a2.pk}",
    ]
    assert page.context["year"] == 1405
    assert [p.name() for p in page.context["columns"]][:3] == ["Farvardin", "Ordibehesht", "Khordad"]


def test_the_persian_grid_names_the_jalali_months_in_persian(manager_a, rep_a):
    with time_machine.travel(NOW, tick=False):
        body = browser_for(manager_a, "fa").get("/targets/?year=1405").content.decode()

    assert "فروردین" in body and "اسفند" in body


def test_a_quarter_grid_has_four_columns(manager_a):
    page = browser_for(manager_a).get("/targets/?year=1405&kind=quarter")

    assert [p.number for p in page.context["columns"]] == [1, 2, 3, 4]


def test_a_cell_saved_with_htmx_sets_the_target_and_answers_the_cell(manager_a, rep_a):
    response = browser_for(manager_a).post(
        "/targets/cell/", cell(f"user:{rep_a.pk}", 9, "5,000,000", "2"), **HTMX
    )

    assert response.status_code == 200
    assert 'class="target-cell saved"' in response.content.decode()
    assert 'value="5,000,000"' in response.content.decode()  # typed and shown in Toman
    target = Target.objects.get(user=rep_a)
    assert (target.number, target.amount, target.deals_won) == (9, Decimal("50000000"), 2)  # stored in Rial


def test_a_persian_cell_takes_toman_in_persian_digits_and_answers_them(manager_a, rep_a):
    response = browser_for(manager_a, "fa").post(
        "/targets/cell/", cell(f"user:{rep_a.pk}", 9, "۱۲٬۵۰۰٬۰۰۰", "۳"), **HTMX
    )

    body = response.content.decode()
    assert 'value="۱۲٬۵۰۰٬۰۰۰"' in body
    assert "(تومان)" in body
    assert Target.objects.get(user=rep_a).amount == Decimal("125000000")


def test_the_grid_names_the_unit_in_its_column_headers(manager_a, rep_a):
    with time_machine.travel(NOW, tick=False):
        body = browser_for(manager_a).get("/targets/?year=1405").content.decode()

    assert body.count('<small class="muted target-unit">(Toman)</small>') == 12
    assert "peyvand/money.js" in body


def test_an_emptied_cell_removes_the_target(manager_a, rep_a):
    set_target(
        actor=manager_a, user=rep_a.pk, kind="month", year=1405, number=9, amount="5", calendar="jalali"
    )

    response = browser_for(manager_a).post("/targets/cell/", cell(f"user:{rep_a.pk}", 9), **HTMX)

    assert response.status_code == 200
    assert not Target.objects.exists()


def test_a_bad_cell_answers_its_error_in_place_and_saves_nothing(manager_a, rep_a):
    response = browser_for(manager_a).post("/targets/cell/", cell(f"user:{rep_a.pk}", 9, "-5"), **HTMX)

    assert response.status_code == 200
    assert "Amount cannot be negative." in response.content.decode()
    assert not Target.objects.exists()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0", "Enter an amount greater than zero."),
        ("12.55", "Amount cannot hold a fraction of a Rial."),
        ("twelve", "Amount: write a number, such as 12,500,000."),
    ],
)
def test_a_cell_refuses_what_is_not_an_amount_naming_the_field(manager_a, rep_a, typed, message):
    response = browser_for(manager_a).post("/targets/cell/", cell(f"user:{rep_a.pk}", 9, typed), **HTMX)

    assert message in response.content.decode()
    assert not Target.objects.exists()


def test_a_manager_cannot_set_a_cell_for_another_teams_rep(manager_a, rep_b):
    client = browser_for(manager_a)

    with_htmx = client.post("/targets/cell/", cell(f"user:{rep_b.pk}", 9, "5"), **HTMX)
    without = client.post("/targets/cell/", cell(f"user:{rep_b.pk}", 9, "5"))

    assert with_htmx.status_code == 403
    assert without.status_code == 404
    assert not Target.objects.exists()


def test_a_rep_sees_only_their_own_row_and_cannot_edit_it(admin, rep_a, rep_a2, team_a):
    set_target(
        actor=admin, user=rep_a.pk, kind="month", year=1405, number=9, amount="5000000", calendar="jalali"
    )
    set_target(
        actor=admin, user=rep_a2.pk, kind="month", year=1405, number=9, amount="7000000", calendar="jalali"
    )
    set_target(
        actor=admin, team=team_a.pk, kind="month", year=1405, number=9, amount="9000000", calendar="jalali"
    )
    client = browser_for(rep_a)

    page = client.get("/targets/?year=1405")
    refused = client.post("/targets/cell/", cell(f"user:{rep_a.pk}", 10, "5"), **HTMX)

    assert [r["key"] for r in page.context["rows"]] == [f"user:{rep_a.pk}"]
    assert page.context["rows"][0]["cells"][8].target.amount == Decimal("5000000")
    assert 'name="amount"' not in page.content.decode()
    assert refused.status_code == 403
    assert Target.objects.count() == 3


def test_the_targets_link_shows_for_managers_and_not_for_reps(manager_a, rep_a):
    assert 'href="/targets/"' in browser_for(manager_a).get("/").content.decode()
    assert 'href="/targets/"' not in browser_for(rep_a).get("/").content.decode()


def test_the_demo_sets_twelve_monthly_targets_per_rep_and_team_and_not_twice(admin):
    teams = [Team.objects.create(name="A"), Team.objects.create(name="B")]
    reps = [UserFactory(role=Role.SALES_REP, team=t) for t in teams for _ in range(2)]
    manager = UserFactory(role=Role.SALES_MANAGER, team=teams[0])

    with time_machine.travel(NOW, tick=False):
        created = load([*reps, manager, admin], teams)
        again = load([*reps, manager, admin], teams)

    assert created == 12 * (len(reps) + len(teams)) and again == 0
    assert not Target.objects.filter(user=manager).exists()
    team_azar = Target.objects.get(team=teams[0], number=9)
    reps_azar = sum(t.amount for t in Target.objects.filter(user__team=teams[0], number=9))
    assert team_azar.amount >= reps_azar and team_azar.year == 1405


def test_the_grid_reads_a_fixed_number_of_queries_however_many_reps(
    manager_a, team_a, django_assert_max_num_queries
):
    reps = [UserFactory(role=Role.SALES_REP, team=team_a) for _ in range(8)]
    for rep in reps:
        for number in (1, 2, 3):
            set_target(
                actor=manager_a,
                user=rep.pk,
                kind="month",
                year=1405,
                number=number,
                amount="5",
                calendar="jalali",
            )
    client = browser_for(manager_a)

    with django_assert_max_num_queries(12):
        page = client.get("/targets/?year=1405")

    assert len(page.context["rows"]) == 9
