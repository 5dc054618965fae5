"""The deals list narrows to a deal's region, channel, audience and new/current customer, as the reports do,
so a report's figure can open exactly the deals behind it; filters without a control stay on the page."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from peyvand.contacts.services import create_company, create_contact
from peyvand.leads.services import create_lead
from peyvand.sales.models import Deal
from peyvand.sales.services import create_deal

pytestmark = pytest.mark.django_db


@pytest.fixture
def deals(rep_a, pipeline):
    tehran = create_company(actor=rep_a, values={"name": "Tehran Co", "region": "Tehran"})
    web_contact = create_contact(
        actor=rep_a,
        values={"last_name": "Web", "source": "website", "audience": "consumer", "region": "Fars"},
    )
    lead = create_lead(actor=rep_a, values={"last_name": "Lead", "source": "phone", "audience": "business"})
    made = {
        # the company's region wins over the contact's
        "company_region": create_deal(
            actor=rep_a, values={"title": "A", "company": tehran.pk, "contact": web_contact.pk}
        ),
        # the contact's region, source and audience
        "contact_only": create_deal(actor=rep_a, values={"title": "B", "contact": web_contact.pk}),
        # the lead's source and audience win over the contact's
        "from_lead": create_deal(
            actor=rep_a, values={"title": "C", "contact": web_contact.pk, "lead": lead.pk}
        ),
        "bare": create_deal(actor=rep_a, values={"title": "D"}),
    }
    return made


def _titles(api, **filters):
    response = api.get("/deals", **filters)
    assert response.status_code == 200, response.content
    return sorted(item["title"] for item in response.json()["items"])


def test_the_deals_list_filters_by_each_segment_as_the_reports_define_it(api_for, rep_a, deals):
    api = api_for(rep_a)
    assert _titles(api, region="Tehran") == ["A"]
    assert _titles(api, region="Fars") == ["B", "C"]
    assert _titles(api, channel="website") == ["A", "B"]
    assert _titles(api, channel="phone") == ["C"]
    assert _titles(api, audience="business") == ["C"]
    assert _titles(api, audience="consumer") == ["A", "B"]
    assert _titles(api, channel="website", region="Tehran") == ["A"]


def test_the_customer_filter_tells_repeat_customers_from_new_ones(api_for, rep_a, deals):
    first = deals["contact_only"]
    Deal.objects.filter(pk=first.pk).update(
        status="won",
        closed_at=timezone.now() - dt.timedelta(days=30),
        created_at=timezone.now() - dt.timedelta(days=60),
    )
    Deal.objects.filter(pk=deals["from_lead"].pk).update(created_at=timezone.now() - dt.timedelta(days=60))
    api = api_for(rep_a)
    # A is its company's, which has bought nothing; C began before B was won; D has no customer
    assert _titles(api, customer="current") == []
    repeat = create_deal(actor=rep_a, values={"title": "E", "contact": first.contact_id})
    assert _titles(api, customer="current") == [repeat.title]
    assert _titles(api, customer="new") == ["A", "B", "C", "D"]


def test_a_segment_filter_value_that_is_not_known_is_refused_by_name(api_for, rep_a, deals):
    response = api_for(rep_a).get("/deals", customer="loyal")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "customer"


def test_a_segment_filter_never_shows_another_teams_deals(api_for, rep_a, rep_b, deals):
    create_deal(
        actor=rep_b,
        values={
            "title": "Theirs",
            "company": create_company(actor=rep_b, values={"name": "X", "region": "Tehran"}).pk,
        },
    )
    assert _titles(api_for(rep_a), region="Tehran") == ["A"]


def test_filters_a_link_applied_stay_on_the_list_page_and_each_can_be_dropped(rep_a, deals):
    client = Client()
    client.force_login(rep_a)
    client.cookies["django_language"] = "en"
    page = client.get(
        "/deals/", {"region": "Tehran", "closed_after": "", "created_after": "2020-01-01", "status": "open"}
    )
    body = page.content.decode()
    filters = body[body.index('<form class="filters"') :]
    filters = filters[: filters.index("</form>")]
    assert page.context["page"].count == 1
    assert '<input type="hidden" name="region" value="Tehran">' in filters
    assert '<input type="hidden" name="created_after" value="2020-01-01">' in filters
    # the status has its own control in the filters, so it is not repeated there as a hidden field
    assert '<input type="hidden" name="status"' not in filters
    chips = {chip["param"]: chip for chip in page.context["other_filters"]}
    assert set(chips) == {"region", "created_after"}
    assert str(chips["region"]["label"]) == "Region"
    assert chips["created_after"]["shown"] == "2020-01-01"
    dropped = client.get("/deals/?" + chips["region"]["without"])
    assert dropped.context["page"].count == 4
    assert "region" not in dropped.context["params"] and dropped.context["params"]["status"] == "open"


def test_chips_read_as_people_do_in_persian_a_jalali_day_a_team_name_a_stage_name(rep_a, deals, pipeline):
    client = Client()
    client.force_login(rep_a)
    client.cookies["django_language"] = "fa"
    stage = pipeline.stages.filter(kind="open").order_by("order")[1]
    page = client.get("/deals/", {"created_after": "2026-03-21", "team": rep_a.team_id, "reached": stage.pk})
    chips = {chip["param"]: chip["shown"] for chip in page.context["other_filters"]}
    assert chips == {"created_after": "۱۴۰۵/۰۱/۰۱", "team": rep_a.team.name, "reached": stage.name}


def test_a_chip_never_names_a_customer_record_by_its_id(rep_a, rep_b, deals):
    theirs = create_company(actor=rep_b, values={"name": "Secret Co"})
    client = Client()
    client.force_login(rep_a)
    page = client.get("/deals/", {"company": theirs.pk})
    assert "Secret Co" not in page.content.decode()
    assert {c["param"]: c["shown"] for c in page.context["other_filters"]} == {"company": str(theirs.pk)}
