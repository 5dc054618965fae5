from django.contrib import admin

from peyvand.messaging.models import Outbox


@admin.register(Outbox)
class OutboxAdmin(admin.ModelAdmin):
    list_display = ("created_at", "channel", "to", "subject", "status", "source")
    list_filter = ("channel", "status")
    search_fields = ("to", "subject")
    readonly_fields = [f.name for f in Outbox._meta.fields]
