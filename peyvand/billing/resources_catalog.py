"""Billing's catalogue as the rest of Peyvand sees it: the product record type (API, pages, export, import, search,
automation) and the settings sections of the catalogue and of billing."""

from django.utils.translation import gettext_lazy as _

from peyvand.billing import importing_catalog, schemas_catalog, selectors_catalog, services_catalog
from peyvand.billing.models import Product
from peyvand.core import registry
from peyvand.core.importing import Column, ImportSpec
from peyvand.core.registry import FieldSpec as F
from peyvand.core.rest import Resource

PRODUCTS = Resource(
    name="products",
    model=Product,
    visible=selectors_catalog.products_visible_to,
    list_spec=selectors_catalog.PRODUCT_LIST,
    create=services_catalog.create_product,
    update_service=services_catalog.update_product,
    schema_in=schemas_catalog.ProductIn,
    schema_patch=schemas_catalog.ProductPatch,
    schema_out=schemas_catalog.ProductOut,
)

PRODUCT_FIELDS = (
    F("code", importable=True, automation=True, searchable=True),
    F("name", importable=True, automation=True, settable=True, searchable=True),
    F("name_en", importable=True, automation=True, searchable=True),
    F("unit", importable=True, automation=True),
    F("category", importable=True, automation=True),
    F("price", importable=True, automation=True, settable=True, money=True),
    F("currency", importable=True),
    F("tax_class", importable=True, automation=True),
    F("is_service", importable=True, automation=True),
    F("active", importable=True, automation=True, settable=True),
    F("tracks_serials", importable=True),
    F("warranty_months"),
    F("description", importable=True),
    F("owner", editable=False, exportable=False),
    F("team", editable=False, exportable=False),
)

# The spreadsheet import's columns (core/importing.py), in the order of the importable fields; each row goes
# through ``create_product``, so the catalogue's keepers alone import and a taken code is the row's error.
PRODUCT_IMPORT = ImportSpec(
    columns=(
        Column("code", ("کد", "کد کالا", "کد محصول", "code", "product code", "sku"), required=True),
        Column(
            "name", ("نام", "نام کالا", "نام محصول", "شرح", "name", "product", "product name"), required=True
        ),
        Column("name_en", ("نام انگلیسی", "english name", "name (english)")),
        Column("unit", ("واحد", "واحد شمارش", "unit")),
        Column("category", ("دسته", "دسته‌بندی", "گروه", "category", "group"), read="reference"),
        Column("price", ("قیمت", "بها", "مبلغ", "price", "unit price", "default price"), read="amount"),
        Column("currency", ("ارز", "واحد پول", "currency")),
        Column("tax_class", ("گروه مالیاتی", "مالیات", "tax class", "tax"), read="reference"),
        Column("is_service", ("خدمت", "خدمات", "service", "is service"), read="reference"),
        Column("active", ("فعال", "active"), read="reference"),
        Column(
            "tracks_serials", ("شماره سریال", "سریال", "serial numbers", "tracks serials"), read="reference"
        ),
        Column("description", ("توضیحات", "description"), read="long_text"),
    ),
    check=importing_catalog.check_product,
    create=importing_catalog.create_product,
)


def _can_delete(user, record) -> bool:
    return services_catalog.can_delete_product(user, record)


def register() -> None:
    from peyvand.billing.views_catalog import product_screen

    registry.register(
        registry.RecordType(
            name="product",
            plural="products",
            model=Product,
            resource=PRODUCTS,
            screen=product_screen(),
            fields=PRODUCT_FIELDS,
            attachable=True,
            extra={"import": PRODUCT_IMPORT, "can_delete": _can_delete},
        )
    )
    registry.register_record_section("billing/catalog/_profile_section.html")
    register_settings()


def register_settings() -> None:
    from peyvand.billing import permissions
    from peyvand.core.settings_sections import SettingsSection, register_section

    register_section(
        SettingsSection(
            key="billing-catalog",
            title=_("Product catalogue"),
            description=_("Product categories, tax classes and their rates, customer tiers."),
            url_name="billing-catalog",
            allowed=permissions.can_manage_catalog,
            group="sales",
            order=40,
        )
    )
    register_section(
        SettingsSection(
            key="billing-price-lists",
            title=_("Price lists"),
            description=_("Prices by customer tier, channel and dates, with quantity breaks."),
            url_name="billing-price-lists",
            allowed=permissions.can_manage_catalog,
            group="sales",
            order=41,
        )
    )
    register_section(
        SettingsSection(
            key="billing",
            title=_("Billing"),
            description=_(
                "The seller's legal details, numbering, payment terms, discount ceilings and the PDF's look."
            ),
            url_name="billing-settings",
            allowed=permissions.can_change_billing_settings,
            group="sales",
            order=42,
        )
    )
