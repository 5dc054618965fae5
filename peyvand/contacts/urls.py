"""Pages of contacts beside the record screens' own (registered in contacts/resources.py): duplicates and merges."""

from django.urls import path

from peyvand.contacts import views_duplicates

urlpatterns = [
    path("duplicates/", views_duplicates.duplicates_view, name="duplicates"),
    path("duplicates/scan/", views_duplicates.scan_view, name="duplicates-scan"),
    path("duplicates/merge/", views_duplicates.merge_view, name="merge"),
    path("duplicates/merges/<int:pk>/", views_duplicates.merge_detail_view, name="merge-detail"),
    path("duplicates/merges/<int:pk>/undo/", views_duplicates.undo_view, name="merge-undo"),
]
