"""Reads of the catalogue: products (every member of staff sees them all), the catalogue's tables, price lists with
their items, the billing settings and a customer's billing profile."""

from django.db.models import Count, Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from peyvand.billing.models import (
    BillingProfile,
    CustomerTier,
    PriceList,
    PriceListItem,
    Product,
    ProductCategory,
    TaxClass,
    TaxRate,
)
from peyvand.core.listing import Filter, ListSpec, as_bool, as_int

PRODUCT_LIST = ListSpec(
    entity="product",
    ordering=("code", "name", "price", "created_at", "updated_at"),
    default_ordering="code",
    filters={
        "category": Filter("category_id", as_int, _("Category")),
        "active": Filter("active", as_bool, _("Active")),
        "is_service": Filter("is_service", as_bool, _("Service")),
        "tax_class": Filter("tax_class_id", as_int, _("Tax class")),
        "owner": Filter("owner_id", as_int, _("Owner")),
        "team": Filter("team_id", as_int, _("Team")),
    },
)

PRICE_LIST_LIST = ListSpec(
    entity="price_list",
    ordering=("name", "priority", "valid_from"),
    default_ordering="-priority",
    filters={
        "active": Filter("active", as_bool, _("Active")),
        "tier": Filter("tier_id", as_int, _("Customer tier")),
        "currency": Filter("currency", label=_("Currency")),
    },
    search_lookup="name__icontains",
)


def _staff(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def products_visible_to(user) -> QuerySet[Product]:
    """Every product not deleted, for anyone signed in: the catalogue is the whole company's."""
    return Product.objects.visible_to(user).select_related("owner", "category", "tax_class")


def categories() -> QuerySet[ProductCategory]:
    return ProductCategory.objects.select_related("parent").annotate(product_count=Count("products"))


def tax_classes() -> QuerySet[TaxClass]:
    return TaxClass.objects.prefetch_related(
        Prefetch("rates", queryset=TaxRate.objects.order_by("valid_from", "id"))
    )


def tax_rates() -> QuerySet[TaxRate]:
    return TaxRate.objects.select_related("tax_class").order_by("tax_class__name", "valid_from", "id")


def tiers() -> QuerySet[CustomerTier]:
    return CustomerTier.objects.all()


def price_lists_visible_to(user) -> QuerySet[PriceList]:
    """Price lists are read by everyone signed in (they price everyone's quotes)."""
    if not _staff(user):
        return PriceList.objects.none()
    return PriceList.objects.select_related("tier").annotate(item_count=Count("items"))


def price_list_items(price_list: PriceList) -> QuerySet[PriceListItem]:
    return price_list.items.select_related("product").order_by("product__code", "min_quantity")


def billing_profile_of(customer) -> BillingProfile | None:
    """The billing profile of a company or contact, if it has one."""
    field = "company" if customer._meta.model_name == "company" else "contact"
    return BillingProfile.objects.select_related("tier", "price_list").filter(**{field: customer}).first()
