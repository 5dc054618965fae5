"""Pages of the catalogue and billing's settings beside the product screen's own (``resources_catalog.py``)."""

from django.urls import path

from peyvand.billing import views_settings as views

urlpatterns = [
    path("settings/billing/", views.billing_settings_view, name="billing-settings"),
    path("settings/billing/catalog/", views.catalog_view, name="billing-catalog"),
    path("settings/billing/catalog/<str:kind>/new/", views.catalog_item_view, name="billing-catalog-add"),
    path(
        "settings/billing/catalog/<str:kind>/<int:pk>/", views.catalog_item_view, name="billing-catalog-item"
    ),
    path(
        "settings/billing/catalog/category/<int:pk>/delete/",
        views.category_delete_view,
        name="billing-category-delete",
    ),
    path(
        "settings/billing/tax-classes/<int:class_pk>/rates/new/",
        views.tax_rate_view,
        name="billing-tax-rate-add",
    ),
    path(
        "settings/billing/tax-classes/<int:class_pk>/rates/<int:pk>/",
        views.tax_rate_view,
        name="billing-tax-rate",
    ),
    path(
        "settings/billing/tax-classes/<int:class_pk>/rates/<int:pk>/delete/",
        views.tax_rate_delete_view,
        name="billing-tax-rate-delete",
    ),
    path("settings/billing/price-lists/", views.price_lists_view, name="billing-price-lists"),
    path("settings/billing/price-lists/new/", views.price_list_edit_view, name="billing-price-list-create"),
    path(
        "settings/billing/price-lists/<int:pk>/", views.price_list_edit_view, name="billing-price-list-edit"
    ),
    path(
        "settings/billing/price-lists/<int:pk>/export/",
        views.price_list_export_view,
        name="billing-price-list-export",
    ),
    path(
        "settings/billing/price-lists/<int:pk>/import/",
        views.price_list_import_view,
        name="billing-price-list-import",
    ),
    path("billing/profile/<str:record_type>/<int:pk>/", views.billing_profile_view, name="billing-profile"),
]
