from django.contrib import admin

from peyvand.comments.models import Comment


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    """For operators: read comments by record; people write them on the record's page or through the API."""

    list_display = ("__str__", "record_type", "record_id", "author", "created_at", "deleted_at")
    list_filter = ("record_type",)
    search_fields = ("body",)
    readonly_fields = ("record_type", "record_id", "body", "author", "created_at", "edited_at", "deleted_at")
    exclude = ("mentions",)

    def has_add_permission(self, request):
        return False
