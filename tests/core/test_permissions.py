"""core/permissions.py: restoring and seeing deleted records are administrators'; admins and managers pick owners."""

import pytest
from django.contrib.auth.models import AnonymousUser

from peyvand.contacts.services import create_contact
from peyvand.core import permissions
from peyvand.core.errors import PeyvandError
from peyvand.core.records import delete_record, restore_record

pytestmark = pytest.mark.django_db


def test_the_refusal_code_keeps_its_value():
    assert permissions.RESTORE_FORBIDDEN == "record.restore_forbidden"


def test_each_right_by_role(admin, manager_a, rep_a):
    users = (admin, manager_a, rep_a, AnonymousUser())
    assert [permissions.can_restore(u) for u in users] == [True, False, False, False]
    assert [permissions.can_see_deleted(u) for u in users] == [True, False, False, False]
    assert [permissions.can_choose_owner(u) for u in users] == [True, True, False, False]


def test_the_restore_service_refuses_a_manager_and_the_record_stays_deleted(admin, manager_a, rep_a):
    contact = create_contact(actor=rep_a, values={"last_name": "Shirazi"})
    delete_record(contact, actor=rep_a)

    with pytest.raises(PeyvandError) as refused:
        restore_record(contact, actor=manager_a)

    assert (refused.value.code, refused.value.status) == ("record.restore_forbidden", 403)
    contact.refresh_from_db()
    assert contact.deleted_at is not None
    assert restore_record(contact, actor=admin).deleted_at is None
