"""The catalogue's writes: products over the record write path, the catalogue's tables, price lists and their
prices, the billing settings and a customer's billing profile."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from peyvand.billing import services_catalog as services
from peyvand.billing.models import BillingSettings, PriceListItem, Product, TaxClass
from peyvand.contacts.models import Company
from peyvand.core.audit import audit_for
from peyvand.core.errors import PeyvandError
from peyvand.core.records import delete_record

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def product(actor, code="P-1", **values):
    return services.create_product(
        actor=actor, values={"code": code, "name": "کاغذ", "price": Decimal("1000"), **values}
    )


def test_a_manager_creates_a_product_and_its_creation_is_audited(manager_a):
    made = product(manager_a, unit="بسته")
    assert made.code == "P-1" and made.price == Decimal("1000") and made.team_id == manager_a.team_id
    assert audit_for(made).first().action == "create"
    assert "p-1" in made.search_text


def test_a_rep_cannot_create_or_change_products(rep_a, manager_a):
    with pytest.raises(PeyvandError) as refused:
        product(rep_a)
    assert refused.value.status == 403 and refused.value.code == "billing.catalog_forbidden"
    made = product(manager_a)
    with pytest.raises(PeyvandError):
        services.update_product(actor=rep_a, product=made, version=1, values={"price": 5})


def test_a_taken_code_is_a_field_error_even_in_persian_digits(manager_a, admin):
    product(manager_a, code="100")
    with pytest.raises(PeyvandError) as refused:
        product(admin, code="۱۰۰")
    assert refused.value.errors[0]["field"] == "code"


def test_a_rep_cannot_delete_a_product_but_a_manager_can(rep_a, manager_a):
    made = product(manager_a)
    with pytest.raises(PeyvandError) as refused:
        delete_record(made, actor=rep_a)
    assert refused.value.status == 403
    delete_record(made, actor=manager_a)
    assert not Product.objects.filter(pk=made.pk).exists()


def test_a_tax_rate_cannot_end_before_it_starts(manager_a):
    vat = services.save_tax_class(actor=manager_a, values={"name": "Standard", "code": "standard"})
    with pytest.raises(PeyvandError) as refused:
        services.save_tax_rate(
            actor=manager_a,
            tax_class=vat,
            values={
                "name": "VAT",
                "percent": "10",
                "valid_from": dt.date(2025, 3, 21),
                "valid_until": dt.date(2025, 1, 1),
            },
        )
    assert refused.value.errors[0]["field"] == "valid_until"
    rate = services.save_tax_rate(
        actor=manager_a, tax_class=vat, values={"name": "VAT", "percent": "۱۰", "valid_from": "2025-03-21"}
    )
    assert rate.percent == Decimal("10")


def test_a_tax_percent_above_a_hundred_is_refused(manager_a):
    vat = TaxClass.objects.create(code="std", name="Standard")
    with pytest.raises(PeyvandError) as refused:
        services.save_tax_rate(
            actor=manager_a,
            tax_class=vat,
            values={"name": "VAT", "percent": "120", "valid_from": "2025-01-01"},
        )
    assert refused.value.errors[0]["field"] == "percent"


def test_a_category_cannot_be_put_inside_itself_nor_deleted_while_it_has_products(manager_a):
    tools = services.save_category(actor=manager_a, values={"name": "Tools"})
    saws = services.save_category(actor=manager_a, values={"name": "Saws", "parent": tools})
    with pytest.raises(PeyvandError):
        services.save_category(actor=manager_a, category=tools, values={"name": "Tools", "parent": saws})
    product(manager_a, category=saws.pk)
    with pytest.raises(PeyvandError) as refused:
        services.delete_category(actor=manager_a, category=saws)
    assert refused.value.status == 409


def test_a_price_lists_items_are_replaced_whole_and_a_bad_row_names_its_number(manager_a):
    paper = product(manager_a)
    wholesale = services.save_price_list(actor=manager_a, values={"name": "Wholesale"})
    services.save_price_list_items(
        actor=manager_a,
        price_list=wholesale,
        items=[
            {"product": paper.pk, "min_quantity": 1, "price": 900},
            {"product": paper.pk, "min_quantity": 10, "price": 800},
        ],
    )
    with pytest.raises(PeyvandError) as refused:
        services.save_price_list_items(
            actor=manager_a,
            price_list=wholesale,
            items=[
                {"product": paper.pk, "min_quantity": 1, "price": 1},
                {"product": paper.pk, "min_quantity": 1, "price": 2},
            ],
        )
    assert refused.value.errors[0]["field"] == "items.2.min_quantity"
    assert sorted(PriceListItem.objects.values_list("price", flat=True)) == [Decimal("800"), Decimal("900")]
    assert audit_for(wholesale).first().changes["items"][1] == [
        [str(paper.pk), "1.000", "900.00"],
        [str(paper.pk), "10.000", "800.00"],
    ]


def test_billing_settings_check_the_sellers_legal_numbers(admin, manager_a):
    with pytest.raises(PeyvandError) as refused:
        services.save_billing_settings(actor=manager_a, values={"seller_name": "X"})
    assert refused.value.status == 403
    for field, value in (
        ("seller_national_id", "1234567890"),
        ("seller_economic_code", "123"),
        ("seller_postal_code", "0123456789"),
    ):
        with pytest.raises(PeyvandError) as refused:
            services.save_billing_settings(actor=admin, values={field: value})
        assert refused.value.errors[0]["field"] == field
    saved = services.save_billing_settings(
        actor=admin,
        values={
            "seller_national_id": "۱۰۱۰۰۳۸۷۴۲۶",  # a company's id, typed in Persian digits
            "seller_economic_code": "411111111111",
            "seller_postal_code": "1966 - 734 - 111",
            "brand_colour": "#AA0000",
        },
    )
    assert saved.seller_national_id == "10100387426" and saved.seller_postal_code == "1966734111"
    assert saved.brand_colour == "#aa0000"
    assert services.national_id("0499370899") == "0499370899"  # a person's code


def test_a_reps_discount_ceiling_cannot_exceed_a_managers(admin):
    with pytest.raises(PeyvandError) as refused:
        services.save_billing_settings(
            actor=admin, values={"rep_discount_ceiling": "30", "manager_discount_ceiling": "20"}
        )
    assert refused.value.errors[0]["field"] == "rep_discount_ceiling"


def test_the_logo_must_be_a_small_image(admin, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(PeyvandError) as refused:
        services.save_billing_settings(
            actor=admin, values={}, logo=SimpleUploadedFile("logo.png", b"<svg onload=x>")
        )
    assert refused.value.errors[0]["field"] == "logo"
    with pytest.raises(PeyvandError):
        services.save_billing_settings(
            actor=admin, values={}, logo=SimpleUploadedFile("big.png", PNG * 10000)
        )
    saved = services.save_billing_settings(actor=admin, values={}, logo=SimpleUploadedFile("logo.png", PNG))
    assert saved.logo.name.startswith("billing/")
    assert BillingSettings.objects.count() == 1


def test_a_rep_edits_a_customers_legal_fields_but_not_its_tier(rep_a, manager_a):
    company = Company.objects.create(name="Arya", owner=rep_a, team=rep_a.team)
    vip = services.save_tier(actor=manager_a, values={"name": "VIP", "discount_percent": "5"})
    profile = services.save_billing_profile(
        actor=rep_a, customer=company, values={"legal_name": "Arya Co.", "postal_code": "۱۹۶۶۷۳۴۱۱۱"}
    )
    assert profile.postal_code == "1966734111" and profile.company == company
    with pytest.raises(PeyvandError) as refused:
        services.save_billing_profile(actor=rep_a, customer=company, values={"tier": vip.pk})
    assert refused.value.errors[0]["field"] == "tier"
    services.save_billing_profile(
        actor=manager_a, customer=company, values={"tier": vip.pk, "tax_exempt": True}
    )
    profile.refresh_from_db()
    assert profile.tier == vip and profile.tax_exempt
    assert "billing_profile.tier" in audit_for(company).first().changes
