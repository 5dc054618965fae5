"""Pages of quotes outside the quote's own (``quotes:...`` come from its registration): the deal's product-lines
section and its "make a quote" button, the lines' product picker, and the customer's public page."""

from django.urls import path

from peyvand.billing import views_public, views_quotes

urlpatterns = [
    path("billing/deals/<int:pk>/lines/", views_quotes.deal_lines_view, name="deal-lines"),
    path("billing/deals/<int:pk>/quote/", views_quotes.deal_quote_view, name="deal-quote"),
    path("billing/products/choices/", views_quotes.product_choices_view, name="deal-line-products"),
    path("q/<str:token>/", views_public.public_quote_view, name="quote-public"),
]
