"""Dashboard, sales-floor board and report pages through real requests: who sees what, links to the records
behind each figure, exports, and a query budget."""

import csv
import io
from urllib.parse import parse_qsl, urlsplit

import openpyxl
import pytest
import time_machine
from django.test import Client

from peyvand.analytics.registry import REPORTS
from tests.analytics.dataset import NOW, build

pytestmark = pytest.mark.django_db

PERIOD = {"start": "2026-01-01", "end": "2026-11-25"}


@pytest.fixture
def history(db):
    return build(seed=5, deals=140)


def browser(user, language="en"):
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def test_a_rep_sees_their_own_dashboard_without_colleagues(history):
    rep = history.users["rep_north0"]
    page = browser(rep).get("/dashboard/", PERIOD).content.decode()
    assert "My dashboard" in page
    assert "rep_north0" in page or str(rep) in page
    for name in ("rep_north1", "rep_south0", "Team south"):
        assert name not in page


def test_a_manager_sees_their_team_and_not_the_other(history):
    page = browser(history.users["manager_north"]).get("/dashboard/", PERIOD).content.decode()
    assert "Team dashboard" in page
    assert "rep_north1" in page
    assert "rep_south0" not in page


def test_an_htmx_request_gets_only_the_dashboard_body(history):
    response = browser(history.users["admin"]).get("/dashboard/", PERIOD, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body and 'data-figure="revenue"' in body


def test_a_bad_filter_says_what_is_wrong_and_still_shows_the_dashboard(history):
    response = browser(history.users["admin"]).get("/dashboard/", {"start": "2026-13-45"})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in body and "start" in body
    assert 'data-figure="revenue"' in body


def _count_behind(api, link):
    """How many deals the list behind a link holds (the API's deals list reads the same filters)."""
    query = dict(parse_qsl(urlsplit(link).query))
    assert urlsplit(link).path == "/deals/"
    response = api.get("/deals", **query, page_size=1)
    assert response.status_code == 200, response.content
    return response.json()["count"]


SEGMENT_FILTERS = [
    {},
    {"channel": "website"},
    {"region": "Tehran"},
    {"audience": "business"},
    {"customer": "current"},
    {"customer": "new", "channel": "phone"},
]


@pytest.mark.parametrize("viewer", ["admin", "manager_south", "rep_north1"])
@pytest.mark.parametrize("segments", SEGMENT_FILTERS, ids=lambda f: "-".join(f.values()) or "all")
def test_each_figure_links_to_exactly_the_deals_behind_it(history, api_for, viewer, segments):
    from peyvand.analytics.dashboard import dashboard
    from peyvand.sales.models import Stage

    Stage.objects.filter(kind="open", order__gt=1).update(max_days=20)
    user = history.users[viewer]
    api = api_for(user)
    with time_machine.travel(NOW, tick=False):
        data = dashboard(user, {**PERIOD, **segments})
        assert _count_behind(api, data["outcome_link"]) == data["outcome"]["won"]
        for row in data["by_rep"]:
            assert _count_behind(api, row["link"]) == row["won"]
        for row in data["pipeline"]["rows"]:
            assert _count_behind(api, row["link"]) == row["deals"]
        for row in data["pacing"]["rows"]:
            assert _count_behind(api, row["link"]) == row["deals_won"]
        for row in data["trend"]["rows"]:
            assert _count_behind(api, row["link"]) == row["won"]
        for row in data["forecast"]["rows"]:
            assert _count_behind(api, row["link"]) == row["deals"]
        assert _count_behind(api, data["stuck_link"]) == data["stuck_count"]
    if not segments:
        assert data["outcome"]["won"] > 0 and data["stuck_count"] > 0


def test_every_report_page_renders_for_every_role(history):
    for viewer in ("admin", "manager_south", "rep_north1"):
        client = browser(history.users[viewer])
        for name in REPORTS:
            response = client.get(f"/reports/{name}/", PERIOD if name != "plan-completion" else {})
            assert response.status_code == 200, (viewer, name)
    assert browser(history.users["admin"]).get("/reports/no-such-report/").status_code == 404


def test_report_exports_escape_formulas_and_keep_to_what_the_user_may_see(history):
    rep = history.users["rep_north0"]
    rep.first_name, rep.last_name = '=HYPERLINK("http://x")', "Evil"
    rep.save()
    admin = browser(history.users["admin"])
    response = admin.get("/reports/outcomes/export/", {**PERIOD, "by": "rep", "format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][0] == "Segment"
    names = [row[0] for row in rows[1:]]
    assert '\'=HYPERLINK("http://x") Evil' in names
    xlsx = admin.get("/reports/outcomes/export/", {**PERIOD, "by": "rep", "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == len(rows)
    mine = browser(history.users["rep_north1"]).get(
        "/reports/outcomes/export/", {**PERIOD, "by": "rep", "format": "csv"}
    )
    mine_rows = list(csv.reader(io.StringIO(b"".join(mine.streaming_content).decode("utf-8-sig"))))
    assert [row[0] for row in mine_rows[1:]] == ["rep_north1"]


def test_the_sales_board_refreshes_itself_and_shows_each_rep(history):
    response = browser(history.users["manager_north"]).get("/dashboard/board/")
    body = response.content.decode()
    assert 'hx-trigger="every 60s"' in body
    assert "rep_north2" in body and "rep_south1" not in body


def test_the_dashboard_keeps_to_a_query_budget_whatever_the_data(history, django_assert_max_num_queries):
    client = browser(history.users["admin"])
    client.get("/dashboard/", PERIOD)  # warm caches (content types, sessions)
    with django_assert_max_num_queries(40):
        assert client.get("/dashboard/", PERIOD).status_code == 200


@pytest.mark.parametrize("language,title", [("en", "Win rate, revenue and deal size"), ("fa", "نرخ موفقیت")])
def test_a_report_prints_to_pdf_in_either_language_with_only_what_the_user_may_see(history, language, title):
    import pypdf

    response = browser(history.users["rep_north1"], language).get(
        "/reports/outcomes/export/", {**PERIOD, "by": "rep", "format": "pdf"}
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].endswith('.pdf"')
    document = pypdf.PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in document.pages)
    fonts = {
        str(font["/BaseFont"])
        for page in document.pages
        for font in page["/Resources"]["/Font"].values()
        if "/BaseFont" in font.get_object()
    }
    if language == "en":
        assert title in text and "rep_north1" in text and "rep_north0" not in text
    else:
        assert any("\u0600" <= ch <= "\u06ff" for ch in text)
    assert any("Vazirmatn" in name for name in fonts) or not _vazirmatn_installed()


def _vazirmatn_installed() -> bool:
    from django.conf import settings

    return (settings.PEYVAND_PDF_FONT_DIR / "Vazirmatn-Regular.ttf").is_file()


def test_every_report_says_what_it_tells_in_the_readers_language(history):
    from html import unescape

    from django.utils import translation

    for language in ("en", "fa"):
        client = browser(history.users["admin"], language)
        index = unescape(client.get("/reports/").content.decode())
        with translation.override(language):
            for report in REPORTS.values():
                summary = str(report.summary)
                assert summary and summary in index, (language, report.name)
        assert ("از معامله‌هایی که در این دوره ساخته شدند" in index) == (language == "fa")
    page = browser(history.users["admin"], "fa").get("/reports/funnel/", PERIOD).content.decode()
    assert "چندتا به هر مرحله رسیدند" in page
