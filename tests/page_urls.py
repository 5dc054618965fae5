"""Peyvand's URLs plus one page the matrix has no row for (tests/test_page_permissions.py checks it is named)."""

from django.http import HttpResponse
from django.urls import include, path

from peyvand.urls import urlpatterns as peyvand_urlpatterns


def loan_view(request, pk):
    return HttpResponse(str(pk))


urlpatterns = [
    *peyvand_urlpatterns,
    path("loans/", include(([path("<int:pk>/", loan_view, name="detail")], "loans"))),
]
