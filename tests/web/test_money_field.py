"""Amounts on forms (peyvand/web/forms.py MoneyField): typed in the display unit beside its name, stored in Rial."""

from decimal import Decimal

import pytest
from django.utils import translation

from peyvand.sales.models import Deal
from peyvand.sales.services import create_deal
from peyvand.sales.views import DealForm
from peyvand.web.forms import MoneyField, money_fields
from tests.web.test_views import browser_for

pytestmark = pytest.mark.django_db


def test_record_forms_take_money_fields_from_the_registration():
    from peyvand.leads.models import Lead

    assert money_fields(Deal) == ("amount",)
    assert money_fields(Lead) == ("budget",)


def test_the_deal_form_takes_toman_in_persian_digits_and_cleans_to_rial(rep_a, pipeline):
    with translation.override("fa"):
        form = DealForm({"title": "ناوگان", "amount": "۱۲٬۵۰۰٬۰۰۰", "currency": "IRR"}, user=rep_a)
        assert isinstance(form.fields["amount"], MoneyField)
        assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == Decimal("125000000")


def test_the_deal_form_shows_a_stored_amount_in_toman_with_the_unit_beside_it(rep_a, pipeline):
    deal = create_deal(actor=rep_a, values={"title": "Fleet", "amount": Decimal("125000000")})
    with translation.override("fa"):
        html = str(DealForm(user=rep_a, instance=deal)["amount"])
    assert 'value="۱۲٬۵۰۰٬۰۰۰"' in html
    assert '<span class="money-unit" data-rial-unit="تومان">تومان</span>' in html
    assert 'data-currency-input="currency"' in html
    assert "peyvand/money.js" in html


def test_another_currency_is_typed_as_itself(rep_a, pipeline):
    form = DealForm({"title": "Export", "amount": "1,250.50", "currency": "usd"}, user=rep_a)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == Decimal("1250.50")
    assert ">USD</span>" in str(form["amount"])


def test_a_bad_amount_is_refused_on_its_field_naming_it(rep_a, pipeline):
    form = DealForm({"title": "Fleet", "amount": "12.55", "currency": "IRR"}, user=rep_a)
    assert not form.is_valid()
    assert form.errors["amount"] == ["Amount cannot hold a fraction of a Rial."]


def test_a_deal_saved_from_the_page_in_toman_is_shown_in_toman_and_stored_in_rial(rep_a, pipeline):
    client = browser_for(rep_a, "fa")
    response = client.post("/deals/new/", {"title": "ناوگان", "amount": "۱۲٬۵۰۰٬۰۰۰", "currency": "IRR"})
    assert response.status_code == 302, response.content.decode()[:2000]
    deal = Deal.objects.get(title="ناوگان")
    assert deal.amount == Decimal("125000000")
    assert "۱۲٬۵۰۰٬۰۰۰ تومان" in client.get(f"/deals/{deal.pk}/").content.decode()
    assert "۱۲٬۵۰۰٬۰۰۰ تومان" in client.get("/deals/").content.decode()
    assert 'value="۱۲٬۵۰۰٬۰۰۰"' in client.get(f"/deals/{deal.pk}/edit/").content.decode()


def test_an_unchanged_edit_keeps_the_amount(rep_a, pipeline):
    deal = create_deal(actor=rep_a, values={"title": "Fleet", "amount": Decimal("125000005")})
    client = browser_for(rep_a)
    edit = client.get(f"/deals/{deal.pk}/edit/").content.decode()
    assert 'value="12,500,000.5"' in edit
    response = client.post(
        f"/deals/{deal.pk}/edit/",
        {"version": deal.version, "title": "Fleet", "amount": "12,500,000.5", "currency": "IRR"},
    )
    assert response.status_code == 302
    deal.refresh_from_db()
    assert deal.amount == Decimal("125000005")


def test_converting_a_lead_takes_the_deal_amount_in_toman(rep_a, pipeline):
    from peyvand.leads.services import create_lead

    lead = create_lead(actor=rep_a, values={"last_name": "Karimi", "company_name": "Sepid"})
    client = browser_for(rep_a)
    page = client.get(f"/leads/{lead.pk}/convert/").content.decode()
    assert ">Toman</span>" in page
    response = client.post(
        f"/leads/{lead.pk}/convert/", {"version": lead.version, "deal_title": "Sepid", "amount": "2,000,000"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Deal.objects.get(title="Sepid").amount == Decimal("20000000")


def test_a_new_deal_starts_at_the_models_default_amount(rep_a, pipeline):
    with translation.override("en"):
        html = str(DealForm(user=rep_a)["amount"])
    assert 'value="0"' in html
