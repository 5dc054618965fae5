"""The leads settings in Chromium: an administrator adds an assignment rule and moves it to the top, adds a
scoring model with a rule, and the next lead is assigned and scored by them. In Persian and English, at
1440 px and 390 px without horizontal scroll."""

import pytest
from playwright.sync_api import expect

from e2e.conftest import fits, signed_in
from peyvand.leads.models import AssignmentRule, ScoringModel
from peyvand.leads.services import create_lead

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

SENTENCE = {"en": "Website leads in Karaj", "fa": "سرنخ‌های وب‌سایت در Karaj"}
REQUIRED = {"en": "This field is required.", "fa": "پر کردن این فیلد الزامی است."}
NUMBER = {"en": "Enter a whole number from -1000 to 1000.", "fa": "یک عدد صحیح از -1000 تا 1000 وارد کنید."}


@pytest.mark.parametrize("language", ["en", "fa"])
def test_an_admin_adds_an_assignment_rule_moves_it_first_and_the_next_lead_follows_it(
    browser, live_server, admin, rep_a, rep_a2, language
):
    AssignmentRule.objects.create(name="Everything to rep 2", strategy="user", target_user=rep_a2, order=1)
    page = signed_in(browser, live_server, admin, language)

    page.goto("/settings/")
    page.click('[data-section="lead-assignment"] a')
    expect(page.locator("#first-match")).to_be_visible()
    page.click("#new-assignment-rule")
    page.click(".assignment-form button[type=submit].primary")  # empty: refused beside the name
    expect(page.locator(".field.has-error .field-error").first).to_have_text(REQUIRED[language])
    fits(page, f"assignment-rule-errors-{language}")

    page.fill("#r-name", "Karaj website")
    page.select_option("#r-source", "website")
    page.fill("#r-territory", "Karaj")
    page.select_option("#r-strategy", "user")
    page.select_option("#r-user", str(rep_a.pk))
    page.click(".assignment-form button[type=submit].primary")
    page.wait_for_url("**/settings/assignment/")

    rule = AssignmentRule.objects.get(name="Karaj website")
    item = page.locator(f"#rule-{rule.pk}")
    expect(item.locator(".when")).to_have_text(SENTENCE[language])
    expect(page.locator("#assignment-rules > li").nth(1)).to_have_id(f"rule-{rule.pk}")
    item.locator("button[value=up]").click()
    expect(page.locator("#assignment-rules > li").first).to_have_id(f"rule-{rule.pk}")
    page.select_option("#t-source", "website")
    page.fill("#t-city", "Karaj")
    page.click("#try-lead button[name=try]")
    expect(page.locator(".try-outcome")).to_contain_text("Karaj website")
    fits(page, f"assignment-rules-{language}")

    lead = create_lead(actor=admin, values={"last_name": "Nasiri", "source": "website", "city": "Karaj"})
    other = create_lead(actor=admin, values={"last_name": "Amini", "source": "website", "city": "Yazd"})
    assert (lead.owner, other.owner) == (rep_a, rep_a2)
    page.goto(f"/leads/{lead.pk}/")
    expect(page.locator("main")).to_contain_text("Karaj website")
    page.context.close()


@pytest.mark.parametrize("language", ["en", "fa"])
def test_an_admin_adds_a_scoring_model_and_rule_in_place_and_the_next_lead_is_scored_by_it(
    browser, live_server, admin, language
):
    page = signed_in(browser, live_server, admin, language)

    page.goto("/settings/")
    page.click('[data-section="lead-scoring"] a')
    page.click("#new-scoring-model")
    page.fill("#m-name", "Default model")
    page.fill("#m-warm", "10")
    page.fill("#m-hot", "30")
    page.fill("#m-threshold", "25")
    page.click("#save-model")
    page.wait_for_url("**/settings/scoring/*/")
    model = ScoringModel.objects.get(name="Default model")
    fits(page, f"scoring-model-new-{language}")

    new = page.locator("#new-scoring-rule")
    new.locator("[name=label]").fill("Buying now")
    new.locator("[name=field]").select_option("purchase_timeline")
    new.locator("[name=condition]").select_option("equals")
    new.locator("[name=value]").fill("now")
    new.locator("[name=points]").fill("many")
    new.locator("button[type=submit]").click()
    expect(page.locator("#new-scoring-rule .field.points .field-error")).to_have_text(NUMBER[language])
    expect(page.locator("#new-scoring-rule [name=value]")).to_have_value("now")  # what was typed stays

    page.locator("#new-scoring-rule [name=points]").fill("۴۰")
    page.locator("#new-scoring-rule button[type=submit]").click()
    rule = model.rules.get()
    expect(page.locator(f"#scoring-rule-{rule.pk} [name=points]")).to_have_value("40")
    fits(page, f"scoring-model-{language}")

    lead = create_lead(actor=admin, values={"last_name": "Karimi", "purchase_timeline": "now"})
    assert (lead.score, lead.score_band, lead.qualified) == (40, "hot", True)

    page.locator(f"#scoring-rule-{rule.pk} [name=points]").fill("20")
    page.locator(f"#scoring-rule-{rule.pk} button[type=submit]:not([formaction])").click()
    expect(page.locator(".messages")).to_be_visible()
    model.refresh_from_db()
    assert model.version == 3  # the rule added, then changed
    later = create_lead(actor=admin, values={"last_name": "Rahimi", "purchase_timeline": "now"})
    assert (later.score, later.score_band, later.qualified) == (20, "warm", False)

    page.goto("/settings/scoring/")
    expect(page.locator(f'#scoring-models tr[data-model="{model.pk}"]')).to_be_visible()
    fits(page, f"scoring-models-{language}")
    page.context.close()
