"""The htmx pages through real requests: the same visibility, rules and errors as the API."""

import pytest
from django.test import Client
from django.utils import timezone

from peyvand.activities.services import create_activity
from peyvand.contacts.models import Contact
from peyvand.contacts.services import create_company, create_contact
from peyvand.leads.services import create_lead
from peyvand.sales.services import create_deal

pytestmark = pytest.mark.django_db


def browser_for(user, language="en"):
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


@pytest.fixture
def foreign_records(rep_b, pipeline):
    company = create_company(actor=rep_b, values={"name": "Shiraz Steel"})
    contact = create_contact(actor=rep_b, values={"last_name": "Foreign", "company": company.pk})
    deal = create_deal(actor=rep_b, values={"title": "Foreign deal", "contact": contact.pk})
    lead = create_lead(actor=rep_b, values={"last_name": "Foreign lead"})
    activity = create_activity(actor=rep_b, values={"subject": "Foreign call", "record": deal})
    return {"companies": company, "contacts": contact, "deals": deal, "leads": lead, "activities": activity}


@pytest.mark.parametrize("name", ["companies", "contacts", "deals", "leads", "activities"])
def test_another_teams_record_is_not_found_on_every_page(name, foreign_records, rep_a):
    record = foreign_records[name]
    client = browser_for(rep_a)
    assert client.get(f"/{name}/{record.pk}/").status_code == 404
    assert client.get(f"/{name}/{record.pk}/edit/").status_code == 404
    assert client.post(f"/{name}/{record.pk}/edit/", {"version": record.version}).status_code == 404
    assert client.post(f"/{name}/{record.pk}/delete/", {"version": record.version}).status_code == 404
    listing = client.get(f"/{name}/", {"search": str(record)})
    assert listing.status_code == 200
    assert listing.context["page"].count == 0 and record not in listing.context["page"].items
    record.refresh_from_db()
    assert record.deleted_at is None and record.version == 1


def test_board_move_convert_and_done_refuse_another_teams_records(foreign_records, rep_a, pipeline):
    client = browser_for(rep_a)
    deal, lead, activity = foreign_records["deals"], foreign_records["leads"], foreign_records["activities"]
    stage = pipeline.stages.all()[1]
    assert client.post(f"/deals/{deal.pk}/move/", {"stage": stage.pk, "version": 1}).status_code == 404
    assert client.post(f"/leads/{lead.pk}/convert/", {"version": 1}).status_code == 404
    assert client.post(f"/activities/{activity.pk}/done/", {"version": 1}).status_code == 404
    board = client.get("/board/", {"pipeline": pipeline.pk})
    assert b"Foreign deal" not in board.content
    deal.refresh_from_db()
    assert deal.stage_id != stage.pk


def test_contact_form_shows_the_invalid_phone_on_its_field_and_stores_nothing(rep_a):
    client = browser_for(rep_a)
    response = client.post("/contacts/new/", {"last_name": "Ahmadi", "phones": "0912 123 4567, 12ab"})
    assert response.status_code == 200
    form = response.context["form"]
    assert "phones" in form.errors and "12ab" in form.errors["phones"][0]
    assert not Contact.objects.filter(last_name="Ahmadi").exists()


def test_contact_form_offers_only_visible_companies(rep_a, foreign_records):
    mine = create_company(actor=rep_a, values={"name": "Tehran Textiles"})
    response = browser_for(rep_a).get("/contacts/new/")
    choices = [c for c, _ in response.context["form"].fields["company"].choices if c]
    assert [c.value for c in choices] == [mine.pk]
    forged = browser_for(rep_a).post(
        "/contacts/new/", {"last_name": "Forged", "company": foreign_records["companies"].pk}
    )
    assert "company" in forged.context["form"].errors
    assert not Contact.objects.filter(last_name="Forged").exists()


def test_list_search_answers_the_table_alone_to_htmx_and_matches_persian_variants(rep_a):
    create_contact(actor=rep_a, values={"first_name": "علي", "last_name": "كاظمي", "phones": ["09121234567"]})
    create_contact(actor=rep_a, values={"first_name": "Sara", "last_name": "Nouri"})
    client = browser_for(rep_a, "fa")
    partial = client.get(
        "/contacts/", {"search": "کاظمی"}, headers={"HX-Request": "true", "HX-Target": "results"}
    )
    assert partial.status_code == 200
    html = partial.content.decode()
    assert html.lstrip().startswith('<div id="results">') and "<html" not in html
    # stored with Persian letters, found whichever keyboard typed it
    assert "کاظمی" in html and "Nouri" not in html
    by_phone = client.get("/contacts/", {"search": "۰۹۱۲۱۲۳۴۵۶۷"})
    assert [c.last_name for c in by_phone.context["page"].items] == ["کاظمی"]


def test_a_bad_sort_field_is_reported_on_the_page_not_a_server_error(rep_a):
    response = browser_for(rep_a).get("/deals/", {"ordering": "owner__password"})
    assert response.status_code == 200
    assert response.context["errors"][0]["field"] == "ordering"


def test_my_day_lists_overdue_todays_and_coming_tasks_with_what_they_are_about(rep_a, rep_a2, pipeline):
    now = timezone.now()
    deal = create_deal(actor=rep_a, values={"title": "Fleet renewal"})
    create_activity(
        actor=rep_a,
        values={"subject": "Call back Parsa", "due_at": now - timezone.timedelta(days=2), "record": deal},
    )
    create_activity(
        actor=rep_a, values={"subject": "Visit Tabriz", "due_at": now + timezone.timedelta(days=3)}
    )
    create_activity(
        actor=rep_a, values={"subject": "Next month", "due_at": now + timezone.timedelta(days=30)}
    )
    create_activity(actor=rep_a2, values={"subject": "Not mine", "due_at": now - timezone.timedelta(days=2)})
    response = browser_for(rep_a).get("/")
    page = response.content.decode()
    assert [t.subject for t in response.context["overdue"]] == ["Call back Parsa"]
    assert [t.subject for t in response.context["upcoming"]] == ["Visit Tabriz"]
    assert f'<a href="/deals/{deal.pk}/">Fleet renewal</a>' in page
    assert "Not mine" not in page and "Next month" not in page


def test_an_activity_is_completed_from_its_page_and_from_a_records_timeline(rep_a, pipeline):
    deal = create_deal(actor=rep_a, values={"title": "Fleet renewal"})
    call = create_activity(actor=rep_a, values={"subject": "Call Parsa", "kind": "call", "record": deal})
    task = create_activity(actor=rep_a, values={"subject": "Send offer", "record": deal})
    client = browser_for(rep_a)
    assert f'action="/activities/{call.pk}/done/"' in client.get(f"/activities/{call.pk}/").content.decode()
    response = client.post(f"/activities/{call.pk}/done/", {"version": call.version, "outcome": "Interested"})
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.done_at is not None and call.outcome == "Interested"

    timeline = client.get(f"/deals/{deal.pk}/").content.decode()
    assert f'action="/activities/{task.pk}/done/"' in timeline
    assert f'action="/activities/{call.pk}/done/"' not in timeline  # done already
    back = client.post(
        f"/activities/{task.pk}/done/", {"version": task.version, "next": f"/deals/{deal.pk}/"}
    )
    assert back["Location"] == f"/deals/{deal.pk}/"


def test_persian_page_shows_jalali_dates_and_english_page_gregorian(rep_a, pipeline):
    deal = create_deal(actor=rep_a, values={"title": "Jalali", "expected_close_date": "2026-03-21"})
    fa = browser_for(rep_a, "fa").get(f"/deals/{deal.pk}/").content.decode()
    en = browser_for(rep_a, "en").get(f"/deals/{deal.pk}/").content.decode()
    assert 'dir="rtl"' in fa and "۱۴۰۵/۰۱/۰۱" in fa
    assert 'dir="ltr"' in en and "2026-03-21" in en


def test_list_pages_make_a_fixed_number_of_queries(rep_a, pipeline, django_assert_max_num_queries):
    company = create_company(actor=rep_a, values={"name": "Budget Co", "tags": ["VIP"]})
    for i in range(30):
        contact = create_contact(
            actor=rep_a, values={"last_name": f"Person {i}", "company": company.pk, "tags": ["VIP"]}
        )
        create_deal(actor=rep_a, values={"title": f"Deal {i}", "contact": contact.pk, "company": company.pk})
    client = browser_for(rep_a)
    for url in ("/contacts/", "/companies/", "/deals/", "/leads/", "/activities/", "/board/"):
        # 18: the deals list's bulk bar reads the stages to move to and the lost reasons, and its product and
        # product category filters their options: four queries whatever the number of rows
        with django_assert_max_num_queries(18):
            assert client.get(url).status_code == 200


def test_choice_custom_fields_become_list_filters(rep_a):
    from peyvand.core.models import CustomField

    CustomField.objects.create(
        entity="contact", key="tier", label="Tier", field_type="choice", choices=["gold", "silver"]
    )
    create_contact(actor=rep_a, values={"last_name": "Golden", "custom": {"tier": "gold"}})
    create_contact(actor=rep_a, values={"last_name": "Silvery", "custom": {"tier": "silver"}})
    response = browser_for(rep_a).get("/contacts/", {"cf_tier": "gold"})
    assert [f.param for f, _ in response.context["filters"]][-1] == "cf_tier"
    assert [c.last_name for c in response.context["page"].items] == ["Golden"]
    bad = browser_for(rep_a).get("/contacts/", {"cf_tier": "bronze"})
    assert bad.status_code == 200 and bad.context["errors"][0]["field"] == "cf_tier"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/account/security/"),
        ("get", "/account/security/two-factor/"),
        ("get", "/account/password/"),
        ("post", "/account/security/two-factor/backup-codes/"),
        ("post", "/account/security/two-factor/off/"),
        ("post", "/account/sessions/end-others/"),
        ("post", "/account/tokens/"),
    ],
)
def test_security_pages_ask_for_sign_in(method, path):
    response = getattr(Client(), method)(path)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_another_users_sessions_and_tokens_are_not_found_on_the_security_pages(rep_a, rep_b):
    from peyvand.accounts.models import ApiToken, SignedInSession

    browser_for(rep_b).get("/")
    token = ApiToken.issue(rep_b, "b-tool")[0]
    session = SignedInSession.objects.get(user=rep_b)
    client = browser_for(rep_a)
    assert client.post(f"/account/sessions/{session.pk}/end/").status_code == 404
    assert client.post(f"/account/tokens/{token.pk}/revoke/").status_code == 404
    page = client.get("/account/security/").content.decode()
    assert "b-tool" not in page and token.prefix not in page
    assert SignedInSession.objects.filter(pk=session.pk).exists()
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_list_offers_page_sizes_and_keeps_the_one_chosen(rep_a):
    for i in range(30):
        create_contact(actor=rep_a, values={"last_name": f"Person {i}"})
    client = browser_for(rep_a)
    page = client.get("/contacts/", {"page_size": "50"}).content.decode()
    assert '<option value="50" selected>50 per page</option>' in page
    assert page.count('href="/contacts/') >= 30  # every row on one page
    assert '<option value="25">25 per page</option>' in page
