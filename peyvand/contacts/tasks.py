"""Background jobs of the contacts app."""

from django.db import transaction
from django_tasks import task

from peyvand.contacts import permissions
from peyvand.contacts.duplicates import group_pairs, scan_pairs
from peyvand.contacts.models import DuplicateGroup, DuplicateGroupStatus, DuplicateMember
from peyvand.core.errors import PeyvandError
from peyvand.core.jobs import run_job, start_job


def store_groups(entity: str, groups, job_id: int | None = None, batch: int = 5000) -> int:
    """Replace the open duplicate groups of ``entity`` with ``groups`` (merged ones stay as history)."""
    with transaction.atomic():
        DuplicateGroup.objects.filter(entity=entity, status=DuplicateGroupStatus.OPEN).delete()
        for start in range(0, len(groups), batch):
            chunk = groups[start : start + batch]
            created = DuplicateGroup.objects.bulk_create(
                DuplicateGroup(entity=entity, score=score, reasons=reasons, job_id=job_id)
                for _, score, reasons in chunk
            )
            DuplicateMember.objects.bulk_create(
                DuplicateMember(group=group, object_id=pk)
                for group, (members, _, _) in zip(created, chunk, strict=True)
                for pk in members
            )
    return len(groups)


def scan_entity(entity: str, progress=None, job_id: int | None = None) -> dict:
    pairs = scan_pairs(entity, progress)
    groups = group_pairs(pairs)
    store_groups(entity, groups, job_id)
    return {"entity": entity, "pairs": len(pairs), "groups": len(groups)}


@task()
def scan_duplicates(job_id: int, entities: list[str] | None = None) -> dict:
    """Find duplicate groups across the whole database; idempotent (each run replaces the open groups)."""

    def work(progress):
        return {e: scan_entity(e, progress, job_id) for e in entities or ["contact", "company", "lead"]}

    return run_job(job_id, work).result


def start_duplicate_scan(*, actor, entities: list[str] | None = None):
    """Queue a whole-database scan as ``actor``'s job; refused (403) unless they may start one."""
    from django.utils.translation import gettext as _

    if not permissions.can_start_duplicate_scan(actor):
        raise PeyvandError(
            permissions.DUPLICATES_SCAN_FORBIDDEN,
            _("Only managers and administrators start a scan."),
            status=403,
        )
    return start_job(
        kind="duplicate_scan",
        title=_("Duplicate scan"),
        actor=actor,
        task=scan_duplicates,
        entities=entities or ["contact", "company", "lead"],
    )
