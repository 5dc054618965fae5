"""The SLA settings section: administrators list, create, change and delete policies and ticket categories."""

import pytest
from django.urls import reverse

from peyvand.billing.models import CustomerTier
from peyvand.core.models import AuditEntry
from peyvand.core.settings_sections import sections_for
from peyvand.service import services_sla
from peyvand.service.models import SLAPolicy, SupportAddress, Ticket, TicketCategory

pytestmark = pytest.mark.django_db

VALID = {
    "name": "VIP",
    "active": "on",
    "position": "۲",
    "priority": "urgent",
    "first_response_minutes": "30",
    "next_response_minutes": "",
    "resolution_minutes": "480",
    "warn_percent": "80",
    "day_start": "08:30",
    "day_end": "17:00",
}


def test_the_section_is_offered_to_administrators_only(admin, manager_a, rep_a):
    assert "service-sla" in [s.key for s in sections_for(admin)]
    assert "service-sla" not in [s.key for s in sections_for(manager_a)]
    assert "service-sla" not in [s.key for s in sections_for(rep_a)]


def test_an_administrator_creates_changes_and_deletes_a_policy_with_an_audit_trail(client, admin):
    tier = CustomerTier.objects.create(name="Gold")
    client.force_login(admin)
    response = client.post(reverse("service-sla-policy-add"), {**VALID, "customer_tier": tier.pk})
    assert response.status_code == 302 and response["Location"] == reverse("service-sla-settings")
    policy = SLAPolicy.objects.get(name="VIP")
    assert policy.position == 2 and policy.customer_tier == tier and policy.next_response_minutes is None
    assert str(policy.day_start) == "08:30:00" and policy.warn_percent == 80
    assert AuditEntry.objects.filter(action="create", object_id=str(policy.pk)).exists()

    page = client.get(reverse("service-sla-settings"))
    assert page.status_code == 200 and "VIP" in page.content.decode() and "Gold" in page.content.decode()

    client.post(reverse("service-sla-policy", args=[policy.pk]), {**VALID, "resolution_minutes": "960"})
    policy.refresh_from_db()
    assert policy.resolution_minutes == 960 and policy.customer_tier is None
    change = AuditEntry.objects.get(action="update", object_id=str(policy.pk))
    assert change.changes["resolution_minutes"] == [480, 960]

    assert client.post(reverse("service-sla-policy-delete", args=[policy.pk])).status_code == 302
    assert not SLAPolicy.objects.exists()
    assert AuditEntry.objects.filter(action="delete", object_id=str(policy.pk)).exists()


def test_bad_input_names_its_field(client, admin):
    client.force_login(admin)
    bad = {**VALID, "day_end": "07:00", "warn_percent": "150", "first_response_minutes": "soon"}
    response = client.post(reverse("service-sla-policy-add"), bad)
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"day_end", "warn_percent", "first_response_minutes"}
    assert not SLAPolicy.objects.exists()


def test_the_service_refuses_anyone_but_an_administrator(manager_a, client):
    from peyvand.core.errors import PeyvandError

    with pytest.raises(PeyvandError) as refused:
        services_sla.save_policy(actor=manager_a, values=VALID)
    assert refused.value.status == 403
    client.force_login(manager_a)
    assert client.post(reverse("service-sla-policy-add"), VALID).status_code == 403
    assert not SLAPolicy.objects.exists()


def test_categories_are_added_renamed_and_deleted_only_while_unused(client, admin, rep_a):
    client.force_login(admin)
    client.post(reverse("service-category-add"), {"name": "Printers", "active": "on"})
    category = TicketCategory.objects.get()
    client.post(reverse("service-category", args=[category.pk]), {"name": "Printers and scanners"})
    category.refresh_from_db()
    assert category.name == "Printers and scanners" and not category.active
    Ticket.objects.create(owner=rep_a, subject="Jam", category=category)
    response = client.post(reverse("service-category-delete", args=[category.pk]), follow=True)
    assert TicketCategory.objects.filter(pk=category.pk).exists()
    assert "به جای حذف، غیرفعالش کنید" in response.content.decode()  # the site speaks Persian by default
    Ticket.all_objects.all().delete()
    client.post(reverse("service-category-delete", args=[category.pk]))
    assert not TicketCategory.objects.exists()


def test_a_support_address_is_added_with_its_queue_named_in_errors_changed_and_deleted(client, admin, team_a):
    client.force_login(admin)
    client.cookies["django_language"] = "en"
    page = client.post(
        reverse("service-address-add"), {"address": "not an address", "team": team_a.pk, "priority": "high"}
    )
    assert page.status_code == 400 and 'id="id_address_error"' in page.content.decode()
    no_queue = client.post(
        reverse("service-address-add"), {"address": "a@peyvand.example", "priority": "high"}
    )
    assert no_queue.status_code == 400 and 'id="id_team_error"' in no_queue.content.decode()
    assert not SupportAddress.objects.exists()
    saved = client.post(
        reverse("service-address-add"),
        {"address": " Support@Peyvand.Example ", "team": team_a.pk, "priority": "high", "active": "on"},
    )
    assert saved.status_code == 302
    address = SupportAddress.objects.get()
    assert (address.address, address.team, address.priority, address.active) == (
        "support@peyvand.example",
        team_a,
        "high",
        True,
    )
    assert "support@peyvand.example" in client.get(reverse("service-sla-settings")).content.decode()
    again = client.post(
        reverse("service-address-add"),
        {"address": "support@peyvand.example", "team": team_a.pk, "priority": "normal"},
    )
    assert again.status_code == 400 and 'id="id_address_error"' in again.content.decode()
    client.post(
        reverse("service-address", args=[address.pk]),
        {"address": "help@peyvand.example", "team": team_a.pk, "priority": "normal"},
    )
    address.refresh_from_db()
    assert address.address == "help@peyvand.example" and not address.active
    assert AuditEntry.objects.filter(object_id=address.pk, content_type__model="supportaddress").count() == 2
    client.post(reverse("service-address-delete", args=[address.pk]))
    assert not SupportAddress.objects.exists()


def test_a_support_address_with_an_unknown_queue_or_category_names_the_field(admin):
    from peyvand.core.errors import ValidationFailed

    for values, field in (
        ({"address": "x@peyvand.example", "team": "abc"}, "team"),
        ({"address": "x@peyvand.example", "team": 2**70}, "team"),
        ({"address": "x@peyvand.example", "team": admin.team_id, "category": "۹۹۹"}, "category"),
    ):
        with pytest.raises(ValidationFailed) as refused:
            services_sla.save_support_address(actor=admin, values=values)
        assert [e["field"] for e in refused.value.errors] == [field]
    assert not SupportAddress.objects.exists()
