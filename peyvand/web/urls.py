from django.urls import include, path

from peyvand.activities.views import ACTIVITY_SCREEN, done_view
from peyvand.contacts import views_duplicates
from peyvand.contacts.views import COMPANY_SCREEN, CONTACT_SCREEN
from peyvand.imports.views import export_view
from peyvand.leads.views import LEAD_SCREEN, convert_view
from peyvand.sales.views import DEAL_SCREEN, board_view, move_view
from peyvand.web import views


def screen_urls(screen, extra=()):
    patterns = [
        path("", views.list_view, {"screen": screen}, name="list"),
        path("new/", views.form_view, {"screen": screen}, name="create"),
        path("<int:pk>/", views.detail_view, {"screen": screen}, name="detail"),
        path("<int:pk>/edit/", views.form_view, {"screen": screen}, name="edit"),
        path("<int:pk>/delete/", views.delete_view, {"screen": screen}, name="delete"),
        path("<int:pk>/restore/", views.restore_view, {"screen": screen}, name="restore"),
        *extra,
    ]
    return include((patterns, screen.name), namespace=screen.name)


SCREENS = (COMPANY_SCREEN, CONTACT_SCREEN, LEAD_SCREEN, DEAL_SCREEN, ACTIVITY_SCREEN)

urlpatterns = [
    path("", views.home, name="home"),
    path("board/", board_view, name="board"),
    path("jobs/<int:pk>/", views.job_view, name="job"),
    path("duplicates/", views_duplicates.duplicates_view, name="duplicates"),
    path("duplicates/scan/", views_duplicates.scan_view, name="duplicates-scan"),
    path("duplicates/merge/", views_duplicates.merge_view, name="merge"),
    path("duplicates/merges/<int:pk>/", views_duplicates.merge_detail_view, name="merge-detail"),
    path("duplicates/merges/<int:pk>/undo/", views_duplicates.undo_view, name="merge-undo"),
    path("imports/", include("peyvand.imports.urls")),
    path("exports/<str:kind>/", export_view, name="export"),
    path("companies/", screen_urls(COMPANY_SCREEN)),
    path("contacts/", screen_urls(CONTACT_SCREEN)),
    path("leads/", screen_urls(LEAD_SCREEN, [path("<int:pk>/convert/", convert_view, name="convert")])),
    path("deals/", screen_urls(DEAL_SCREEN, [path("<int:pk>/move/", move_view, name="move")])),
    path("activities/", screen_urls(ACTIVITY_SCREEN, [path("<int:pk>/done/", done_view, name="done")])),
]
