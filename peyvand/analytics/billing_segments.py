"""The "by product" segment: deals carrying a product (or a product of a category) on their lines.

Sales sits below billing and cannot know of deal lines, so the deals list's ``product`` and ``category`` filters
are added to its allow-list (``sales.selectors.DEAL_LIST.filters``), and their controls to the deals list page
(``web.screens.register_list_filter``), from here when the app is ready; the reports
read the same subquery through ``Scope.product`` / ``Scope.category``.
"""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from peyvand.billing.models import DealLine, Product, ProductCategory
from peyvand.core.listing import Filter, as_int
from peyvand.web.screens import FilterChoice, register_list_filter


def deals_with_product(*, product: int | None = None, category: int | None = None) -> QuerySet:
    """The ids of the deals with a line of ``product`` and/or of a product in ``category`` (or a sub-category
    one level down), as a subquery: a deal with the product on two lines is still one deal."""
    lines = DealLine.objects.all()
    if product:
        lines = lines.filter(product_id=product)
    if category:
        lines = lines.filter(Q(product__category_id=category) | Q(product__category__parent_id=category))
    return lines.values("deal_id")


def _product_deals(raw: str) -> QuerySet:
    return deals_with_product(product=as_int(raw))


def _category_deals(raw: str) -> QuerySet:
    return deals_with_product(category=as_int(raw))


def product_name(raw: str) -> str:
    product = Product.objects.filter(pk=as_int(raw)).first()
    return str(product) if product else raw


def category_name(raw: str) -> str:
    category = ProductCategory.objects.filter(pk=as_int(raw)).first()
    return str(category) if category else raw


def register_deal_filters() -> None:
    """Give the deals list (UI and API) its ``product`` and ``category`` filters."""
    from peyvand.sales.selectors import DEAL_LIST

    DEAL_LIST.filters.setdefault(
        "product", Filter("pk__in", _product_deals, _("Product"), describe=product_name)
    )
    DEAL_LIST.filters.setdefault(
        "category", Filter("pk__in", _category_deals, _("Product category"), describe=category_name)
    )
    register_list_filter("deals", FilterChoice("product", _("Product"), _active_products))
    register_list_filter("deals", FilterChoice("category", _("Product category"), _categories))


def _active_products(user) -> list[tuple[int, str]]:
    """The active products (the catalogue everyone sees), by name."""
    return [(p.pk, str(p)) for p in Product.objects.filter(active=True).order_by("name", "pk")]


def _categories(user) -> list[tuple[int, str]]:
    return [(c.pk, str(c)) for c in ProductCategory.objects.order_by("name", "pk")]
