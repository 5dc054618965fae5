from django.db import models

from peyvand.core.models import OwnedModel


class Vehicle(OwnedModel):
    """A company car or van a rep looks after: owned, versioned, audited and soft-deleted like every record."""

    name = models.CharField("name", max_length=100)
    plate = models.CharField("plate", max_length=20, blank=True)
    note = models.TextField("note", blank=True)
    search_text = models.TextField(editable=False, default="")

    audited_fields = ("name", "plate", "note", "owner", "team")

    class Meta:
        verbose_name = "vehicle"
        verbose_name_plural = "vehicles"
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.plate})" if self.plate else self.name
