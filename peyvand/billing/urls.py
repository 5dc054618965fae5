"""Billing's pages beside its record types' own (which the registry mounts under /quotes/, /invoices/, ...)."""

from django.urls import path

from peyvand.billing import views_home, views_pdf

app_name = "billing"

urlpatterns = [
    path("", views_home.billing_home_view, name="home"),
    path("<str:kind>/<int:pk>/pdf/", views_pdf.document_pdf_view, name="document-pdf"),
    path("tax-export/", views_pdf.tax_export_view, name="tax-export"),
]
