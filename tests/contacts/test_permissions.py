"""contacts/permissions.py: the duplicates page and the scan, enforced by the service itself."""

import pytest

from peyvand.contacts import permissions
from peyvand.contacts.tasks import start_duplicate_scan
from peyvand.core.errors import PeyvandError
from peyvand.core.models import Job

pytestmark = pytest.mark.django_db


def test_the_refusal_codes_keep_their_values():
    assert permissions.DUPLICATES_SCAN_FORBIDDEN == "duplicates.scan_forbidden"


def test_managers_and_administrators_review_duplicates_and_start_scans_and_reps_do_not(
    admin, manager_a, rep_a
):
    assert [permissions.can_review_duplicates(u) for u in (admin, manager_a, rep_a)] == [True, True, False]
    assert [permissions.can_start_duplicate_scan(u) for u in (admin, manager_a, rep_a)] == [True, True, False]


def test_a_deactivated_manager_may_not_start_a_scan(manager_a):
    manager_a.is_active = False
    assert not permissions.can_start_duplicate_scan(manager_a)


def test_the_scan_service_refuses_a_rep_itself_and_queues_nothing(rep_a):
    with pytest.raises(PeyvandError) as refused:
        start_duplicate_scan(actor=rep_a)

    assert (refused.value.code, refused.value.status) == ("duplicates.scan_forbidden", 403)
    assert Job.objects.count() == 0


def test_the_scan_service_starts_a_managers_scan(manager_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = start_duplicate_scan(actor=manager_a, entities=["contact"])

    assert Job.objects.get(pk=job.pk).created_by == manager_a
