"""Pages of the service desk's settings: SLA policies and ticket categories."""

from django.urls import path

from peyvand.service import views_routing
from peyvand.service import views_sla_settings as views

urlpatterns = [
    path("settings/service/sla/", views.sla_settings_view, name="service-sla-settings"),
    path("settings/service/sla/policies/new/", views.policy_view, name="service-sla-policy-add"),
    path("settings/service/sla/policies/<int:pk>/", views.policy_view, name="service-sla-policy"),
    path(
        "settings/service/sla/policies/<int:pk>/delete/",
        views.policy_delete_view,
        name="service-sla-policy-delete",
    ),
    path("settings/service/addresses/new/", views.support_address_view, name="service-address-add"),
    path("settings/service/addresses/<int:pk>/", views.support_address_view, name="service-address"),
    path(
        "settings/service/addresses/<int:pk>/delete/",
        views.support_address_delete_view,
        name="service-address-delete",
    ),
    path("settings/service/routing/new/", views_routing.rule_view, name="service-routing-add"),
    path("settings/service/routing/<int:pk>/", views_routing.rule_view, name="service-routing-rule"),
    path(
        "settings/service/routing/<int:pk>/delete/",
        views_routing.rule_delete_view,
        name="service-routing-delete",
    ),
    path("settings/service/categories/new/", views.category_view, name="service-category-add"),
    path("settings/service/categories/<int:pk>/", views.category_view, name="service-category"),
    path(
        "settings/service/categories/<int:pk>/delete/",
        views.category_delete_view,
        name="service-category-delete",
    ),
]
