"""What leads do when something below them happens."""

from django.dispatch import receiver

from peyvand.contacts.merge import values_merged
from peyvand.leads.models import Lead
from peyvand.leads.scoring import rescore


@receiver(values_merged, sender=Lead)
def rescore_merged_lead(sender, record, **kwargs) -> None:
    """A lead's score follows its values, which a merge or its undo may have changed."""
    rescore(Lead.all_objects.filter(pk=record.pk))
