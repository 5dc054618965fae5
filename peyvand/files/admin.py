from django.contrib import admin

from peyvand.files.models import Attachment


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    """For operators: find a file by its record, name or hash. Uploads and deletes go through the record's page
    or the API, which check the limits and write the audit trail."""

    list_display = ("name", "record_type", "record_id", "size", "content_type", "uploaded_by", "uploaded_at")
    list_filter = ("record_type", "content_type")
    search_fields = ("name", "sha256")
    readonly_fields = [f.name for f in Attachment._meta.fields]

    def has_add_permission(self, request):
        return False
