from django.urls import path

from peyvand.analytics import views, views_service

urlpatterns = [
    path("dashboard/", views.dashboard_view, name="dashboard"),
    path("dashboard/board/", views.sales_board_view, name="sales-board"),
    path("dashboard/service/", views_service.service_dashboard_view, name="service-dashboard"),
    path("reports/", views.reports_view, name="reports"),
    path("reports/<slug:metric>/", views.report_view, name="report"),
    path("reports/<slug:metric>/export/", views.report_export_view, name="report-export"),
]
