"""The customer portal, ``/portal/`` (namespace ``portal``)."""

from django.urls import path

from peyvand.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.sign_in_view, name="sign-in"),
    path("link/<str:token>/", views.link_view, name="link"),
    path("sign-out/", views.sign_out_view, name="sign-out"),
    path("home/", views.home_view, name="home"),
    path("tickets/new/", views.new_ticket_view, name="new-ticket"),
    path("tickets/<int:pk>/", views.ticket_view, name="ticket"),
    path("quotes/<int:pk>/pdf/", views.quote_pdf_view, name="quote-pdf"),
    path("invoices/<int:pk>/pdf/", views.invoice_pdf_view, name="invoice-pdf"),
]
