"""The product screen (list, record page, form) of the catalogue; its pages are the generic ones of a record type."""

from django.utils.translation import gettext_lazy

from peyvand.billing import permissions
from peyvand.billing.models import Product, ProductCategory, TaxClass
from peyvand.web.filters import choices_filter
from peyvand.web.forms import RecordForm
from peyvand.web.screens import FilterChoice, Screen


class ProductForm(RecordForm):
    model = Product
    field_names = (
        "code",
        "name",
        "name_en",
        "is_service",
        "unit",
        "category",
        "price",
        "currency",
        "tax_class",
        "active",
        "tracks_serials",
        "warranty_months",
        "description",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("code", "name_en", "currency"):
            self.fields[name].widget.attrs["dir"] = "ltr"
        self.fields["currency"].widget.attrs["maxlength"] = 3


def _categories(user):
    return [(c.pk, c.name) for c in ProductCategory.objects.all()]


def _tax_classes(user):
    return [(c.pk, c.name) for c in TaxClass.objects.all()]


def product_screen():
    from peyvand.billing.resources_catalog import PRODUCTS

    return Screen(
        resource=PRODUCTS,
        form_class=ProductForm,
        columns=("code", "name", "category", "price", "unit", "active"),
        filters=(
            FilterChoice("category", gettext_lazy("Category"), _categories),
            choices_filter(
                "active",
                gettext_lazy("Active"),
                [("true", gettext_lazy("Yes")), ("false", gettext_lazy("No"))],
            ),
            choices_filter(
                "is_service",
                gettext_lazy("Service"),
                [("true", gettext_lazy("Yes")), ("false", gettext_lazy("No"))],
            ),
            FilterChoice("tax_class", gettext_lazy("Tax class"), _tax_classes),
        ),
        can_create=lambda user: permissions.can_manage_catalog(user),  # looked up when asked: one rule
        can_change=lambda user, product: permissions.can_manage_catalog(user),
        inline_fields=("price", "active"),
    )
