"""The service desk's figures (docs/metrics/service.md) on a small desk whose numbers are worked out by hand.

November 2026 in Tehran (UTC+3:30); Friday off, tickets without an SLA policy counted on 08:00–16:00. Team A:

| ticket | agent | priority | opened | first response | resolved | replies | reopened | SLA |
|---|---|---|---|---|---|---|---|---|
| T1 | agent_a | high | Sun 1st 09:00 | 09:30 (30 min) | 11:00 (120 min) | 1 | 0 | met |
| T2 complaint | agent_a | normal | Sun 1st 15:00 | Mon 09:00 (60+60 = 120) | Tue 10:00 (60+480+120 = 660) | 2 | 0 | breached |
| T3 | agent_a2 | normal | Mon 2nd 08:00 | 08:15 (15) | 12:00 (240) | 1 | 1 | met |
| T4 | agent_a | urgent | Tue 3rd 10:00 | 10:50 (50) | open | 1 | 0 | – |

Team B: T5 (agent_b, complaint, resolved as a first-contact resolution). Surveys: T1 answered 5, T3 answered 3.
"""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from peyvand.accounts.models import Role
from peyvand.analytics.selectors import run_report
from peyvand.analytics.service import median, p90
from peyvand.contacts.services import create_company, create_contact
from peyvand.sales.models import Deal
from peyvand.sales.services import create_deal
from peyvand.service.models import Ticket, TicketSurvey
from peyvand.service.services_tickets import create_ticket
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
TEHRAN = ZoneInfo("Asia/Tehran")
NOVEMBER = {"start": "2026-11-01", "end": "2026-11-30"}


def at(day, hour, minute=0):
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=TEHRAN)


@pytest.fixture
def desk(admin, team_a, team_b, rep_a, pipeline):
    agent_a = UserFactory(username="agent_a", role=Role.SUPPORT_AGENT, team=team_a)
    agent_a2 = UserFactory(username="agent_a2", role=Role.SUPPORT_AGENT, team=team_a)
    agent_b = UserFactory(username="agent_b", role=Role.SUPPORT_AGENT, team=team_b)
    manager = UserFactory(username="support_manager_a", role=Role.SUPPORT_MANAGER, team=team_a)
    sara = create_contact(actor=admin, values={"first_name": "Sara", "last_name": "Karimi"})
    kian = create_company(actor=admin, values={"name": "Kian Trading"})

    def ticket(agent, **values):
        fields = {
            k: values.pop(k) for k in list(values) if k not in ("subject", "contact", "company", "type")
        }
        made = create_ticket(actor=agent, values={"subject": "Printer", **values})
        Ticket.all_objects.filter(pk=made.pk).update(sla_policy=None, **fields)
        return made

    common = {"status": "resolved", "sla_state": "met"}
    t1 = ticket(
        agent_a,
        contact=sara,
        priority="high",
        created_at=at(1, 9),
        first_responded_at=at(1, 9, 30),
        resolved_at=at(1, 11),
        agent_replies=1,
        **common,
    )
    ticket(
        agent_a,
        contact=sara,
        type="complaint",
        priority="normal",
        created_at=at(1, 15),
        first_responded_at=at(2, 9),
        resolved_at=at(3, 10),
        agent_replies=2,
        status="closed",
        sla_state="breached",
    )
    t3 = ticket(
        agent_a2,
        company=kian,
        priority="normal",
        created_at=at(2, 8),
        first_responded_at=at(2, 8, 15),
        resolved_at=at(2, 12),
        agent_replies=1,
        reopen_count=1,
        **common,
    )
    ticket(
        agent_a,
        priority="urgent",
        created_at=at(3, 10),
        first_responded_at=at(3, 10, 50),
        agent_replies=1,
        status="open",
        sla_state="ok",
    )
    ticket(
        agent_b,
        type="complaint",
        created_at=at(4, 9),
        first_responded_at=at(4, 9, 10),
        resolved_at=at(4, 10),
        agent_replies=1,
        **common,
    )
    for made, csat in ((t1, 5), (t3, 3)):
        TicketSurvey.objects.create(
            ticket=made,
            token_hash=f"{made.pk:064d}",
            sent_to="sara@example.com",
            expires_at=at(30, 0),
            answered_at=at(5, 12),
            csat=csat,
            nps=9,
        )
    for day in (10, 20):
        deal = create_deal(actor=rep_a, values={"title": "Ten printers", "amount": "1000"})
        Deal.objects.filter(pk=deal.pk).update(status="won", closed_at=at(day, 12))
    return {"agent_a": agent_a, "agent_b": agent_b, "manager": manager, "team_a": team_a}


def test_median_and_90th_percentile_by_hand():
    assert median([]) is None and p90([]) is None
    assert median([120, 15, 50, 30]) == 40 and median([3, 1, 2]) == 2
    assert p90([15, 30, 50, 120]) == 120  # rank ceil(3.6) = 4
    assert p90(list(range(1, 11))) == 9  # rank ceil(9) = 9


def test_performance_of_a_queue(admin, desk):
    data = run_report(admin, "service-performance", {**NOVEMBER, "team": desk["team_a"].pk})["data"]
    total = data["total"]
    assert (total["resolved"], total["fcr"], total["fcr_rate"]) == (3, 1, Decimal("33.3"))
    assert (total["reopened"], total["reopen_rate"]) == (1, Decimal("33.3"))
    assert (total["sla_met"], total["sla_met_rate"]) == (2, Decimal("66.7"))
    # first responses 15, 30, 50, 120 minutes: median 40 min, 90th percentile 120 min
    assert (total["first_response_median"], total["first_response_p90"]) == (Decimal("0.67"), Decimal("2.00"))
    # resolutions 120, 240, 660 minutes
    assert (total["resolution_median"], total["resolution_p90"]) == (Decimal("4.00"), Decimal("11.00"))
    assert (total["csat_answers"], total["csat_average"]) == (2, Decimal("4.00"))


def test_performance_by_agent_priority_and_month(admin, desk):
    by_rep = run_report(admin, "service-performance", {**NOVEMBER, "team": desk["team_a"].pk, "by": "rep"})
    rows = {r["label"]: r for r in by_rep["data"]["rows"]}
    assert (rows["agent_a"]["resolved"], rows["agent_a"]["fcr"], rows["agent_a"]["csat_average"]) == (
        2,
        1,
        Decimal("5.00"),
    )
    assert rows["agent_a"]["first_response_median"] == Decimal("0.83")  # 30, 50, 120 → 50 min
    assert (rows["agent_a2"]["resolved"], rows["agent_a2"]["reopen_rate"]) == (1, Decimal("100.0"))
    by_priority = run_report(
        admin, "service-performance", {**NOVEMBER, "by": "priority", "team": desk["team_a"].pk}
    )
    assert [(r["group"], r["resolved"], r["fcr"]) for r in by_priority["data"]["rows"]] == [
        ("urgent", 0, 0),
        ("high", 1, 1),
        ("normal", 2, 0),
    ]
    by_team = run_report(admin, "service-performance", {**NOVEMBER, "by": "team"})["data"]["rows"]
    assert sorted((r["label"], r["resolved"], r["fcr"]) for r in by_team) == [
        ("Shiraz", 1, 1),
        ("Tehran", 3, 1),
    ]
    by_month = run_report(admin, "service-performance", {**NOVEMBER, "by": "month"})["data"]["rows"]
    # November 1–30 touches two Jalali months (Aban ends on the 21st): everything falls in the first
    assert [r["resolved"] for r in by_month] == [4, 0]


def test_each_user_counts_only_the_tickets_they_see(desk):
    for who, resolved in ((desk["manager"], 3), (desk["agent_b"], 1), (desk["agent_a"], 3)):
        assert run_report(who, "service-performance", NOVEMBER)["data"]["total"]["resolved"] == resolved
    # another team's filter narrows what one sees; it never widens it
    assert (
        run_report(desk["agent_b"], "service-performance", {**NOVEMBER, "team": desk["team_a"].pk})["data"][
            "total"
        ]["resolved"]
        == 0
    )


def test_backlog_ages_open_tickets_in_calendar_days(admin, desk):
    now = timezone.now()
    for hours in (2, 30, 100, 24 * 40):
        made = create_ticket(actor=desk["agent_a"], values={"subject": "Waiting"})
        Ticket.objects.filter(pk=made.pk).update(created_at=now - dt.timedelta(hours=hours))
    data = run_report(admin, "service-backlog", {"team": desk["team_a"].pk})["data"]
    # T4 (opened Nov 3rd, over 30 days ago on Dec 7th or later) and the four above
    assert data["total"] == {"open": 5, "age_0_1": 1, "age_1_3": 1, "age_3_7": 1, "age_7_30": 0, "age_30": 2}
    by_priority = run_report(admin, "service-backlog", {"by": "priority"})["data"]["rows"]
    assert [(r["group"], r["open"]) for r in by_priority] == [("urgent", 1), ("normal", 4)]


def test_complaints_per_customer_and_per_hundred_won_deals(admin, desk):
    data = run_report(admin, "service-complaints", {**NOVEMBER, "team": desk["team_a"].pk})["data"]
    # one complaint (T2); customers served: Sara (T1, T2) and Kian Trading (T3); two won deals of team A
    assert data["total"] == {
        "complaints": 1,
        "customers": 2,
        "per_customer": Decimal("0.50"),
        "won_deals": 2,
        "per_100_won": Decimal("50.0"),
    }
    everyone = run_report(admin, "service-complaints", NOVEMBER)["data"]["total"]
    assert (everyone["complaints"], everyone["per_100_won"]) == (2, Decimal("100.0"))


def test_the_reports_are_read_over_the_api(api_for, desk, admin):
    answer = api_for(admin).get("/reports/service-performance", **NOVEMBER, by="priority")
    assert answer.status_code == 200, answer.content
    assert answer.json()["data"]["total"]["resolved"] == 4
    refused = api_for(admin).get("/reports/service-backlog", by="month")
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "by"


def test_the_service_dashboard_shows_the_reports_figures_to_those_who_work_the_queue(
    client, admin, desk, rep_a
):
    client.force_login(admin)
    page = client.get("/dashboard/service/", {**NOVEMBER, "team": desk["team_a"].pk})
    assert page.status_code == 200
    html = page.content.decode()
    # FCR 1 of 3 resolved, CSAT 4, both NPS answers (9) are promoters
    assert 'data-figure="fcr">۳۳٫۳٪<' in html or 'data-figure="fcr">33.3%<' in html
    assert 'id="service-teams"' in html and 'id="service-priority"' in html and 'id="service-ageing"' in html
    client.force_login(desk["manager"])
    page = client.get("/dashboard/service/", NOVEMBER)
    assert page.status_code == 200 and 'id="service-teams"' not in page.content.decode()
    client.force_login(rep_a)
    assert client.get("/dashboard/service/").status_code == 403


def test_a_bad_filter_is_named_and_the_page_still_answers(client, admin, desk):
    client.force_login(admin)
    page = client.get("/dashboard/service/", {"start": "tomorrow"})
    assert (
        page.status_code == 200
        and b'role="alert"' in page.content
        and b"<strong>start</strong>" in page.content
    )


def test_the_report_pages_and_exports_show_the_service_figures(client, admin, desk):
    client.force_login(admin)
    query = {**NOVEMBER, "team": desk["team_a"].pk, "by": "priority"}
    page = client.get("/reports/service-performance/", query)
    assert page.status_code == 200 and "۷٫۵ ساعت".encode() in page.content  # normal: (660 + 240) ÷ 2 min
    exported = client.get("/reports/service-performance/export/", {**query, "format": "csv"})
    lines = b"".join(exported.streaming_content).decode().splitlines()
    assert exported.status_code == 200 and len(lines) == 4  # the header and urgent, high, normal
    for metric in ("service-backlog", "service-complaints"):
        assert client.get(f"/reports/{metric}/", NOVEMBER).status_code == 200
        assert client.get(f"/reports/{metric}/export/", {**NOVEMBER, "format": "xlsx"}).status_code == 200
