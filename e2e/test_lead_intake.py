"""A visitor fills the embedded web form; the administrator finds the lead scored, explained and assigned."""

import pytest
from playwright.sync_api import expect

from peyvand.leads.models import AssignmentRule, Lead, ScoringModel, ScoringRule, WebForm
from peyvand.sales.models import Deal

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_a_visitor_fills_the_public_form_and_the_admin_sees_the_scored_lead_with_its_explanation(
    page, sign_in, admin, rep_a, pipeline
):
    model = ScoringModel.objects.create(name="Default", threshold=50)
    ScoringRule.objects.create(
        model=model, label="Budget over 100M", field="budget", condition="gt", value="100000000", points=40
    )
    ScoringRule.objects.create(
        model=model, label="Buying now", field="purchase_timeline", condition="equals", value="now", points=20
    )
    AssignmentRule.objects.create(name="Website to rep_a", source="website", target_user=rep_a)
    form = WebForm.objects.create(
        name="درخواست دمو",
        fields=["first_name", "last_name", "phone", "budget", "purchase_timeline"],
        pipeline=pipeline,
        open_deal=True,
    )

    page.goto(f"/f/{form.key}/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("#id_website_url")).not_to_be_in_viewport()
    page.fill("#id_first_name", "مریم")
    page.fill("#id_last_name", "صالحی")
    page.fill("#id_phone", "۰۹۱۲۱۲۳۴۵۶۷")
    page.fill("#id_budget", "30000000")  # Toman: 300,000,000 Rial
    page.select_option("#id_purchase_timeline", "now")
    page.click("button[type=submit]")
    expect(page.locator(".done")).to_be_visible()

    lead = Lead.objects.get(last_name="صالحی")
    assert (lead.score, lead.owner, lead.source) == (60, rep_a, "website")
    assert Deal.objects.filter(lead=lead).exists()

    sign_in(admin)
    page.goto(f"/leads/{lead.pk}/")
    expect(page.locator(".score-total")).to_have_text("۶۰")  # the admin's pages are Persian: Persian digits
    explanation = page.locator("table.score-explanation tbody")
    expect(explanation).to_contain_text("Budget over 100M")
    expect(explanation).to_contain_text("Buying now")
    expect(explanation.locator("tr")).to_have_count(2)
    expect(page.locator(".assignment-reason")).to_contain_text("Website to rep_a")
