"""Web-form intake (peyvand/leads/intake.py and the public form page): one submission, one scored, assigned
lead (and a deal where the form says so), or a clear refusal that stores nothing."""

import pytest
from django.test import Client

from peyvand.core.models import AuditEntry
from peyvand.leads.models import IntakeAttempt, Lead, WebForm
from peyvand.sales.models import Deal
from tests.factories import make_pipeline

pytestmark = pytest.mark.django_db

PERSIAN_LEAD = {
    "first_name": "مریم",
    "last_name": "صالحی",
    "phone": "۰۹۱۲۱۲۳۴۵۶۷",
    "email": "maryam@example.ir",
    "company_name": "آسا صنعت",
    "budget": "25,000,000",  # Toman, as the form says beside the input: 250,000,000 Rial
    "purchase_timeline": "now",
}


@pytest.fixture
def web_form(pipeline, rep_a):
    return WebForm.objects.create(
        name="درخواست مشاوره",
        fields=["first_name", "last_name", "phone", "email", "company_name", "budget", "purchase_timeline"],
        required_fields=["phone"],
        pipeline=pipeline,
        open_deal=True,
        default_owner=None,
        thank_you="سپاس؛ به زودی تماس می‌گیریم.",
    )


def _post(form, data, address="203.0.113.7", **extra):
    return Client(enforce_csrf_checks=True).post(f"/f/{form.key}/", data, REMOTE_ADDR=address, **extra)


def test_a_web_form_submission_creates_a_scored_assigned_lead_with_an_open_deal(
    web_form, scoring_model, rule_to, rep_a, admin
):
    rule_to("Website leads to rep_a", source="website", target_user=rep_a)

    response = _post(web_form, PERSIAN_LEAD, HTTP_REFERER="https://example.ir/contact")

    assert response.status_code == 200
    assert "سپاس؛ به زودی تماس می‌گیریم." in response.content.decode()
    lead = Lead.objects.get()
    assert (lead.first_name, lead.last_name, lead.phone) == ("مریم", "صالحی", "+989121234567")
    assert (lead.source, lead.web_form, lead.source_detail, lead.source_url) == (
        "website",
        web_form,
        "درخواست مشاوره",
        "https://example.ir/contact",
    )
    assert (lead.score, lead.score_band, lead.qualified) == (70, "hot", True)
    assert [e["label"] for e in lead.score_explanation] == [
        "Budget over 100M",
        "Buying now",
        "Came from the website",
    ]
    assert lead.owner == rep_a and lead.team == rep_a.team
    assert "Website leads to rep_a" in lead.assignment_reason
    deal = Deal.objects.get(lead=lead)
    assert (deal.owner, deal.pipeline, deal.amount, deal.status) == (
        rep_a,
        web_form.pipeline,
        250000000,
        "open",
    )
    created = AuditEntry.objects.get(object_id=lead.pk, action="create", content_type__model="lead")
    assert "Website leads to rep_a" in created.note


def test_the_json_endpoint_takes_the_same_submission_without_signing_in(web_form, scoring_model, admin):
    response = Client().post(
        f"/api/v1/intake/forms/{web_form.key}", PERSIAN_LEAD, content_type="application/json"
    )

    assert response.status_code == 201, response.content
    lead = Lead.objects.get(pk=response.json()["lead_id"])
    assert lead.score == 70 and lead.source == "website"
    assert lead.owner == admin, "no rule and no default owner: the first administrator"
    assert Deal.objects.filter(lead=lead).count() == 1


def test_the_form_page_is_persian_right_to_left_embeddable_and_escapes_the_form_name(web_form):
    web_form.name = "<script>alert(1)</script> فرم"
    web_form.save()

    response = Client().get(f"/f/{web_form.key}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fa" dir="rtl">' in html
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'class="hp"' in html and 'name="website_url"' in html
    assert "X-Frame-Options" not in response.headers
    assert 'name="last_name"' in html and 'name="description"' not in html


def test_a_filled_honeypot_is_refused_and_stores_nothing(web_form):
    response = _post(web_form, {**PERSIAN_LEAD, "website_url": "http://spam.example"})

    assert response.status_code == 400
    assert Lead.objects.count() == 0 and Deal.objects.count() == 0


def test_an_address_is_limited_to_a_few_submissions_per_ten_minutes(web_form, settings):
    settings.PEYVAND_INTAKE_RATE_LIMIT = 2
    for i in range(2):
        assert _post(web_form, {**PERSIAN_LEAD, "phone": f"0912000000{i}"}).status_code == 200

    refused = _post(web_form, {**PERSIAN_LEAD, "phone": "09120000009"})
    other_address = _post(web_form, {**PERSIAN_LEAD, "phone": "09120000008"}, address="198.51.100.1")

    assert refused.status_code == 429
    assert other_address.status_code == 200
    assert Lead.objects.count() == 3
    json_refused = Client().post(
        f"/api/v1/intake/forms/{web_form.key}",
        PERSIAN_LEAD,
        content_type="application/json",
        REMOTE_ADDR="203.0.113.7",
    )
    assert json_refused.status_code == 429 and json_refused.json()["code"] == "intake.rate_limited"


def test_bad_fields_get_an_error_each_and_nothing_is_stored(web_form):
    response = _post(web_form, {"first_name": "علی", "email": "not-an-email", "budget": "زیاد", "phone": ""})

    html = response.content.decode()
    assert response.status_code == 422
    for name in ("last_name", "email", "budget", "phone"):
        assert f'id="{name}-errors"' in html, name
    assert 'value="علی"' in html, "what was typed is kept"
    assert Lead.objects.count() == 0


def test_the_json_endpoint_names_each_bad_field_and_refuses_fields_the_form_does_not_ask(web_form):
    response = Client().post(
        f"/api/v1/intake/forms/{web_form.key}",
        {"last_name": "کریمی", "phone": "123", "city": "تهران"},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"city"}
    response = Client().post(
        f"/api/v1/intake/forms/{web_form.key}",
        {"last_name": "کریمی", "phone": "123"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["phone"]
    assert Lead.objects.count() == 0


def test_an_unknown_or_closed_form_is_not_found(web_form):
    web_form.active = False
    web_form.save()

    assert Client().get(f"/f/{web_form.key}/").status_code == 404
    assert Client().get("/f/no-such-key/").status_code == 404
    assert _post(web_form, PERSIAN_LEAD).status_code == 404
    response = Client().post(
        "/api/v1/intake/forms/no-such-key", PERSIAN_LEAD, content_type="application/json"
    )
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert IntakeAttempt.objects.count() == 0


def test_a_failure_after_the_lead_is_written_leaves_nothing_behind(web_form, scoring_model, admin):
    """The form opens a deal, but its pipeline has no open stage: the lead is rolled back with the deal."""
    web_form.pipeline = make_pipeline(name="Closed only", stages=(("Won", 100, "won"),), is_default=False)
    web_form.save()

    response = _post(web_form, PERSIAN_LEAD)

    assert response.status_code == 422
    assert '<ul class="errors" role="alert">' in response.content.decode(), (
        "the refusal is shown above the form"
    )
    assert Lead.all_objects.count() == 0 and Deal.all_objects.count() == 0
    assert not AuditEntry.objects.filter(content_type__model="lead").exists()


def test_custom_fields_are_asked_validated_and_stored(web_form, admin):
    from peyvand.core.models import CustomField

    CustomField.objects.create(
        entity="lead", key="product", label="محصول", field_type="choice", choices=["CRM", "ERP"]
    )
    web_form.fields = [*web_form.fields, "custom.product"]
    web_form.save()

    bad = _post(web_form, {**PERSIAN_LEAD, "cf_product": "Other"})
    good = _post(web_form, {**PERSIAN_LEAD, "cf_product": "ERP"}, address="198.51.100.2")

    assert bad.status_code == 422 and 'id="cf_product-errors"' in bad.content.decode()
    assert good.status_code == 200
    assert Lead.objects.get().custom == {"product": "ERP"}


def test_behind_a_proxy_the_address_the_proxy_saw_is_limited_not_the_proxy_itself(web_form, settings):
    settings.PEYVAND_INTAKE_RATE_LIMIT = 1
    settings.PEYVAND_BEHIND_PROXY = True
    proxy = "10.0.0.1"

    first = _post(web_form, PERSIAN_LEAD, address=proxy, HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.9")
    spoofed = _post(web_form, PERSIAN_LEAD, address=proxy, HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.9")
    another = _post(
        web_form, {**PERSIAN_LEAD, "phone": "09120000007"}, address=proxy, HTTP_X_FORWARDED_FOR="198.51.100.4"
    )

    assert (first.status_code, spoofed.status_code, another.status_code) == (200, 429, 200)
    assert set(IntakeAttempt.objects.values_list("address", flat=True)) == {"203.0.113.9", "198.51.100.4"}
