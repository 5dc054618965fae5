from django.urls import path

from peyvand.analytics import views

urlpatterns = [
    path("dashboard/", views.dashboard_view, name="dashboard"),
    path("dashboard/board/", views.sales_board_view, name="sales-board"),
    path("reports/", views.reports_view, name="reports"),
    path("reports/<slug:metric>/", views.report_view, name="report"),
    path("reports/<slug:metric>/export/", views.report_export_view, name="report-export"),
]
