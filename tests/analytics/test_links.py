"""Every linked number on a report page opens a list holding exactly the records behind it: the link is
followed as a user would, and what the list shows is counted (and its amounts summed) against the figure."""

import datetime as dt
import re
from decimal import Decimal
from html import unescape
from urllib.parse import parse_qsl, urlsplit

import pytest
import time_machine
from django.db.models import Sum
from django.test import Client

from peyvand.analytics.links import LINKS
from peyvand.analytics.models import KeyAccount
from peyvand.analytics.selectors import run_report
from peyvand.contacts.models import Company
from peyvand.core.listing import apply_list_params
from tests.analytics import dataset_activity
from tests.analytics.dataset import NOW
from tests.analytics.seeded import module_history

pytestmark = pytest.mark.django_db

PERIOD = {"start": "2026-01-01", "end": "2026-11-25"}
VIEWERS = ["admin", "manager_south", "rep_north1"]

# What each linked column counts: the figure a link's list must hold as many records as, and, for amounts,
# the figure its deals' amounts must add up to.
COUNTED_BY = {
    "revenue": "won",
    "actual": "deals_won",
    "amount": "deals",
    "weighted": "deals",
    "month": "deals",
}
SUMMED = {"revenue", "actual", "amount"}


def _build():
    history = dataset_activity.build(seed=3)
    for company in Company.objects.order_by("id")[:3]:
        KeyAccount.objects.create(company=company, potential=Decimal(900_000_000))
    return history


history = module_history(_build)

CASES = [
    ("outcomes", {}),
    *[
        ("outcomes", {"by": by})
        for by in ("rep", "team", "region", "pipeline", "channel", "audience", "customer")
    ],
    ("outcomes", {"by": "rep", "channel": "website"}),
    ("outcomes", {"by": "region", "customer": "current"}),
    *[("sales-cycle", {"by": by}) for by in ("rep", "team", "pipeline", "channel", "month")],
    ("sales-cycle", {"by": "month", "audience": "business"}),
    ("monthly-trend", {}),
    ("monthly-trend", {"region": "Tehran"}),
    ("plan-vs-actual", {}),
    ("plan-completion", {}),
    ("pipeline", {}),
    ("pipeline", {"customer": "new"}),
    ("forecast", {"start": "2026-11-01", "end": "2027-03-20"}),
    ("funnel", {}),
    ("funnel", {"channel": "phone"}),
    *[("activity", {"by": by}) for by in ("rep", "team")],
    ("activity", {"by": "day", "start": "2026-10-23", "end": "2026-11-21"}),
    ("activity", {"by": "rep-day", "start": "2026-11-01", "end": "2026-11-21"}),
    ("activity", {"by": "rep", "team": "TEAM_NORTH"}),
    ("lead-quality", {"by": "channel"}),
    ("lead-quality", {"by": "month", "audience": "business"}),
    ("key-accounts", {}),
]


def _client(user):
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def _listed(client, link, cache):
    """Follow a link from the page: how many records its list shows, and the sum of their amounts."""
    if link not in cache:
        response = client.get(f"{link}&page_size=1")
        assert response.status_code == 200 and not response.context["errors"], (
            link,
            response.context["errors"],
        )
        resource = response.context["screen"].resource
        listed = apply_list_params(
            resource.visible(response.wsgi_request.user),
            resource.list_spec,
            dict(parse_qsl(urlsplit(link).query)),
        )
        total = listed.aggregate(total=Sum("amount"))["total"] if resource.name == "deals" else None
        cache[link] = (response.context["page"].count, total or Decimal(0))
    return cache[link]


# Every case for the administrator; the ones where visibility narrows the rows, for a manager and a rep too.
NARROWED = [
    ("outcomes", {"by": "rep"}),
    ("activity", {"by": "day", "start": "2026-10-23", "end": "2026-11-21"}),
    ("funnel", {}),
    ("lead-quality", {"by": "channel"}),
    ("pipeline", {}),
]


@pytest.mark.parametrize(
    "viewer,metric,options",
    [("admin", *case) for case in CASES] + [(viewer, *case) for viewer in VIEWERS[1:] for case in NARROWED],
    ids=lambda v: v if isinstance(v, str) else "-".join(map(str, v.values())),
)
def test_each_linked_figure_lists_exactly_the_records_behind_it(history, viewer, metric, options):
    user = history.users[viewer]
    options = {k: (history.teams["north"].pk if v == "TEAM_NORTH" else v) for k, v in options.items()}
    params = {**PERIOD, **options}
    client = _client(user)
    with time_machine.travel(NOW, tick=False):
        result = run_report(user, metric, params)
        page = client.get(f"/reports/{metric}/", params).content.decode()
        rows = result["data"]["rows"]
        links = LINKS[metric](result["filters"], result["data"])
        followed, cache = 0, {}
        for row, row_links in zip(rows, links, strict=True):
            for key, link in row_links.items():
                if link.startswith("/companies/"):
                    assert client.get(link).status_code == 200
                    continue
                count, total = _listed(client, link, cache)
                counted = COUNTED_BY.get(key, key)
                if counted in row and counted != "name":
                    assert count == row[counted], (key, link)
                    followed += 1
                if key in SUMMED:
                    assert total == row[key], (key, link)
                if key == "name":
                    assert (
                        link in [v for k, v in row_links.items() if k != "name"] or metric == "key-accounts"
                    )
    # each link is on the page, on the cell of its figure, unless the figure is zero
    shown = {unescape(href) for href in re.findall(r'<td><a href="([^"]+)">', page)}
    assert shown == {
        link
        for row, row_links in zip(rows, links, strict=True)
        for key, link in row_links.items()
        if row.get(key) != 0
    }
    if metric not in ("key-accounts", "plan-vs-actual", "plan-completion"):
        assert followed > 0 or not rows, "no figure of this case was linked"


def test_every_report_with_rows_of_records_has_links(history):
    """A reminder for new reports: these are the ones whose rows are records the lists can select."""
    assert set(LINKS) == {
        "outcomes",
        "sales-cycle",
        "monthly-trend",
        "plan-vs-actual",
        "plan-completion",
        "pipeline",
        "forecast",
        "funnel",
        "activity",
        "lead-quality",
        "key-accounts",
    }


def test_a_figure_the_lists_cannot_select_has_no_link(history):
    admin = history.users["admin"]
    with time_machine.travel(NOW, tick=False):
        by_region = run_report(admin, "outcomes", {**PERIOD, "by": "region"})
        links = LINKS["outcomes"](by_region["filters"], by_region["data"])
        without_region = [
            row_links
            for row, row_links in zip(by_region["data"]["rows"], links, strict=True)
            if row["group"] is None
        ]
        assert without_region == [{}]
        by_pipeline = run_report(admin, "activity", {**PERIOD, "pipeline": history.pipelines[0].pk})
        assert LINKS["activity"](by_pipeline["filters"], by_pipeline["data"]) == []
    assert dt.date.fromisoformat(PERIOD["end"]) <= NOW.date()
