"""The product catalogue in Chromium, in Persian and English, at 1440 px and 390 px: an administrator sets up a tax
class with a dated rate and a product priced in Toman (stored in Rial), makes a price list with a quantity break; a
rep sees the products but cannot add one; a manager fills a company's billing profile. Every page is whole in its
language, as the crawl (e2e/test_crawl.py) judges pages reached from the navigation."""

import datetime as dt
from decimal import Decimal

import jdatetime
import pytest
from playwright.sync_api import expect

from e2e.conftest import fits, signed_in
from e2e.test_crawl import READ_TEXT, leaks, stored_text, untranslated_names
from peyvand.billing.models import (
    BillingProfile,
    BillingSettings,
    CustomerTier,
    PriceList,
    PriceListItem,
    Product,
    TaxRate,
)
from peyvand.contacts.models import Company

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

UNIT = {"fa": "تومان", "en": "Toman"}
# Text for the category, the tax class and the product in the page's language: names are data, in either.
WORDS = {
    "fa": {"category": "لوازم اداری", "class": "استاندارد", "rate": "ارزش افزوده", "product": "کاغذ A4"},
    "en": {"category": "Office supplies", "class": "Standard", "rate": "VAT", "product": "A4 paper"},
}
FIRST_DAY, LAST_DAY = dt.date(2024, 3, 20), dt.date(2025, 3, 20)  # 1403/01/01 and 1403/12/30


def typed_date(day: dt.date, language: str) -> str:
    """A date as a person types it: Jalali in Persian digits on a Persian page, ISO on an English one."""
    if language == "en":
        return day.isoformat()
    jalali = jdatetime.date.fromgregorian(date=day)
    return f"{jalali.year}/{jalali.month:02d}/{jalali.day:02d}".translate(
        str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
    )


def whole(page, language: str) -> None:
    """The page is in ``language`` only, with data of the other script isolated, as the crawl checks."""
    assert page.evaluate("document.documentElement.lang") == language
    found = leaks(page.evaluate(READ_TEXT, language), language, stored_text(), untranslated_names())
    assert not found, (page.url, *found)


@pytest.mark.parametrize("language", ["en", "fa"])
def test_an_administrator_adds_a_dated_tax_rate_and_a_product_priced_in_toman_stored_in_rial(
    browser, live_server, admin, language
):
    words = WORDS[language]
    page = signed_in(browser, live_server, admin, language)
    page.goto("/settings/billing/catalog/")
    page.fill("#id_category_name", words["category"])
    page.locator("#categories button[type=submit]").click()
    expect(page.locator("#categories ul.plain")).to_contain_text(words["category"])
    page.fill("#id_tax_class_name", words["class"])
    page.fill("#id_tax_class_code", "standard")
    page.locator("#tax-classes button[type=submit]").click()
    page.locator("#tax-classes a", has_text=words["class"]).click()

    page.fill("#id_rate_name", words["rate"])
    page.fill("#id_rate_percent", "۱۰" if language == "fa" else "10")
    page.fill("#id_rate_valid_from", typed_date(FIRST_DAY, language))
    page.keyboard.press("Escape")
    page.fill("#id_rate_valid_until", typed_date(LAST_DAY, language))
    page.keyboard.press("Escape")
    page.locator("#tax-rates button[type=submit].primary").click()
    rates = page.locator("#tax-rates table")
    expect(rates).to_contain_text(words["rate"])
    expect(rates).to_contain_text("۱۴۰۳/۰۱/۰۱" if language == "fa" else "2024")
    expect(rates).to_contain_text("۱۰٪" if language == "fa" else "10%")
    rate = TaxRate.objects.get()
    assert (rate.percent, rate.valid_from, rate.valid_until) == (Decimal("10"), FIRST_DAY, LAST_DAY)
    whole(page, language)
    fits(page, f"billing-tax-class-{language}")
    page.goto("/settings/billing/catalog/")
    expect(page.locator("#tax-classes")).to_contain_text(words["rate"])
    whole(page, language)
    fits(page, f"billing-catalogue-{language}")

    page.goto("/products/new/")
    expect(page.locator(".money-field .money-unit")).to_have_text(UNIT[language])
    page.fill("#id_code", "P-100")
    page.fill("#id_name", words["product"])
    page.select_option("#id_category", label=words["category"])
    page.select_option("#id_tax_class", label=words["class"])
    price = page.locator("#id_price")
    price.fill("")
    price.press_sequentially("۱۲۵۰۰۰" if language == "fa" else "125000")
    shown = "۱۲۵٬۰۰۰" if language == "fa" else "125,000"
    expect(price).to_have_value(shown)
    whole(page, language)
    fits(page, f"billing-product-form-{language}")
    page.click("form button[type=submit].primary")
    page.wait_for_url(lambda url: "/new/" not in url)

    product = Product.objects.get(code="P-100")
    assert product.price == Decimal("1250000")  # ten times the Toman typed, in Rial
    assert (product.category.name, product.tax_class.code) == (words["category"], "standard")
    expect(page.locator("dl.fields")).to_contain_text(f"{shown} {UNIT[language]}")
    whole(page, language)
    fits(page, f"billing-product-{language}")
    page.goto("/products/")
    expect(page.locator("table tbody tr", has_text="P-100")).to_contain_text(f"{shown} {UNIT[language]}")
    whole(page, language)
    fits(page, f"billing-products-{language}")
    page.goto(f"/products/{product.pk}/edit/")
    expect(page.locator("#id_price")).to_have_value(shown)
    page.context.close()


@pytest.mark.parametrize("language", ["en", "fa"])
def test_an_administrator_makes_a_price_list_for_a_tier_with_a_quantity_break(
    browser, live_server, admin, language
):
    Product.objects.create(
        code="P-1", name=WORDS[language]["product"], price=1000, owner=admin, team=admin.team
    )
    CustomerTier.objects.create(name="VIP")
    page = signed_in(browser, live_server, admin, language)
    page.goto("/settings/billing/price-lists/")
    whole(page, language)
    fits(page, f"billing-price-lists-empty-{language}")
    page.locator("main .page-head a[href$='/new/']").click()
    page.fill("#id_name", "عمده" if language == "fa" else "Wholesale")
    page.select_option("#id_tier", label="VIP")
    page.fill("#id_priority", "5")
    expect(page.locator("#price-items .money-unit").first).to_have_text(UNIT[language])
    page.fill("#product-0", "P-1")
    page.fill("#min_quantity-0", "1")
    page.locator("#price-0").press_sequentially("90")
    page.fill("#product-1", "P-1")
    page.fill("#min_quantity-1", "۱۰" if language == "fa" else "10")
    page.locator("#price-1").press_sequentially("80")
    whole(page, language)
    fits(page, f"billing-price-list-form-{language}")
    page.click("form.price-list-form button[type=submit].primary")
    page.wait_for_url(lambda url: "/new/" not in url)

    price_list = PriceList.objects.get()
    assert (price_list.tier.name, price_list.priority) == ("VIP", 5)
    items = PriceListItem.objects.order_by("min_quantity")
    assert [(int(i.min_quantity), i.price) for i in items] == [(1, Decimal("900")), (10, Decimal("800"))]
    expect(page.locator("#min_quantity-1")).to_have_value("10")
    expect(page.locator("#price-1")).to_have_value("۸۰" if language == "fa" else "80")
    page.goto("/settings/billing/price-lists/")
    row = page.locator("#price-lists tbody tr", has_text="VIP")
    expect(row).to_contain_text("۲" if language == "fa" else "2")  # two prices
    whole(page, language)
    fits(page, f"billing-price-lists-{language}")
    page.context.close()


@pytest.mark.parametrize("language", ["en", "fa"])
def test_a_rep_sees_the_products_but_no_button_to_add_one(browser, live_server, admin, rep_a, language):
    Product.objects.create(
        code="P-7", name=WORDS[language]["product"], price=2500000, owner=admin, team=admin.team
    )
    page = signed_in(browser, live_server, rep_a, language)
    page.goto("/products/")
    row = page.locator("table tbody tr", has_text="P-7")
    expect(row).to_contain_text("۲۵۰٬۰۰۰ تومان" if language == "fa" else "250,000 Toman")
    expect(page.locator("main a[href='/products/new/']")).to_have_count(0)
    expect(page.locator("#import-link")).to_have_count(0)  # an import creates products too
    whole(page, language)
    fits(page, f"billing-products-rep-{language}")
    row.locator("a").first.click()
    expect(page.locator("main h1")).to_contain_text(WORDS[language]["product"])
    whole(page, language)
    fits(page, f"billing-product-rep-{language}")
    page.context.close()


@pytest.mark.parametrize("language", ["en", "fa"])
def test_a_manager_fills_a_companys_billing_profile(browser, live_server, manager_a, language):
    company = Company.objects.create(
        name="آریا" if language == "fa" else "Arya", owner=manager_a, team=manager_a.team
    )
    CustomerTier.objects.create(name="VIP")
    page = signed_in(browser, live_server, manager_a, language)
    page.goto(f"/companies/{company.pk}/")
    section = page.locator("#billing-profile")
    expect(section).to_be_visible()
    section.locator("a.button").click()
    page.fill("#id_legal_name", "شرکت آریا" if language == "fa" else "Arya Co.")
    page.fill("#id_national_id", "۱۰۱۰۰۳۸۷۴۲۶" if language == "fa" else "10100387426")
    page.fill("#id_economic_code", "411111111111")
    page.fill("#id_postal_code", "1966734111")
    page.fill("#id_payment_terms_days", "45")
    page.select_option("#id_tier", label="VIP")
    whole(page, language)
    fits(page, f"billing-profile-form-{language}")
    page.click("form button[type=submit].primary")
    page.wait_for_url(lambda url: "/billing/profile/" not in url)

    profile = BillingProfile.objects.get(company=company)
    assert (profile.national_id, profile.postal_code, profile.payment_terms_days) == (
        "10100387426",
        "1966734111",
        45,
    )
    assert profile.tier.name == "VIP"
    section = page.locator("#billing-profile")
    expect(section).to_contain_text("۱۰۱۰۰۳۸۷۴۲۶" if language == "fa" else "10100387426")
    expect(section).to_contain_text("۴۵ روز" if language == "fa" else "45 days")
    whole(page, language)
    fits(page, f"billing-profile-{language}")
    page.context.close()


@pytest.mark.parametrize("language", ["en", "fa"])
def test_the_billing_settings_are_reached_from_the_settings_hub_and_save_a_ceiling(
    browser, live_server, admin, language
):
    page = signed_in(browser, live_server, admin, language)
    page.goto("/settings/")
    page.locator("main li.card > a[href='/settings/billing/']").click()
    expect(page.locator("#id_rep_discount_ceiling")).to_have_value("10")  # not 1E+1
    page.fill("#id_seller_name", "شرکت پیوند" if language == "fa" else "Peyvand Co.")
    page.fill("#id_seller_postal_code", "۱۹۶۶۷۳۴۱۱۱" if language == "fa" else "1966734111")
    page.fill("#id_rep_discount_ceiling", "۱۲٫۵" if language == "fa" else "12.5")
    whole(page, language)
    fits(page, f"billing-settings-{language}")
    page.click("form.billing-settings-form button[type=submit].primary")
    expect(page.locator("#id_rep_discount_ceiling")).to_have_value("12.5")
    settings = BillingSettings.current()
    assert (settings.seller_postal_code, settings.rep_discount_ceiling) == ("1966734111", Decimal("12.5"))
    whole(page, language)
    page.context.close()
