"""The custom fields settings page: an administrator adds fields to a record type (the key derived from the label
or typed, checked), edits their label and choices, and deletes one only past a warning; a type change is refused
once records hold values. Every write is core's audited service; managers and reps are refused."""

from html import unescape

import pytest

from peyvand.contacts.models import Contact
from peyvand.contacts.services import create_contact
from peyvand.core.audit import audit_for
from peyvand.core.customfields import (
    create_custom_field,
    delete_custom_field,
    records_with_value,
    update_custom_field,
)
from peyvand.core.errors import PeyvandError, ValidationFailed
from peyvand.core.models import AuditAction, AuditEntry, CustomField, CustomFieldType
from tests.web.test_views import browser_for

pytestmark = pytest.mark.django_db

URL = "/settings/custom-fields/"


def _field(admin, **values):
    return create_custom_field(
        actor=admin, values={"entity": "contact", "label": "Branch", "field_type": "text", **values}
    )


def _errors(exc) -> dict:
    return {e["field"]: str(e["message"]) for e in exc.value.errors}


def test_an_administrator_adds_a_field_to_contacts_and_it_is_on_the_contact_form(admin):
    client = browser_for(admin)
    response = client.post(
        URL,
        {"entity": "contact", "label": "Contract number", "key": "", "field_type": "text", "required": "1"},
    )
    assert response.status_code == 302 and response["Location"].endswith("?entity=contact")
    field = CustomField.objects.get()
    assert (field.key, field.label, field.required, field.order) == (
        "contract_number",
        "Contract number",
        True,
        1,
    )
    assert audit_for(field).get().changes["key"] == [None, "contract_number"]
    form = client.get("/contacts/new/").content.decode()
    assert 'name="cf_contract_number"' in form and "Contract number" in form
    listing = client.get(URL + "?entity=contact").content.decode()
    assert 'data-field="contract_number"' in listing
    assert 'data-field="contract_number"' not in client.get(URL + "?entity=deal").content.decode()


def test_a_persian_label_gets_a_made_up_key_and_a_typed_key_is_kept(admin):
    first = _field(admin, label="شعبه")
    assert first.key == "field_1"
    second = _field(admin, label="منطقه", key="Region")
    assert second.key == "region"
    assert (
        _field(admin, label="Region!").key == "region_2"
    )  # a derived key steps aside; a typed one is refused


def test_a_bad_or_taken_key_and_a_missing_label_are_refused_naming_the_field(admin):
    _field(admin, key="branch")
    client = browser_for(admin)
    response = client.post(
        URL, {"entity": "contact", "label": "Other", "key": "2nd-key", "field_type": "text"}
    )
    assert response.status_code == 400
    assert "Use lowercase English letters, digits and _ only" in response.content.decode()
    with pytest.raises(ValidationFailed) as refused:
        _field(admin, label="Branch office", key="branch")
    assert "already has a field with this key" in _errors(refused)["key"]
    with pytest.raises(ValidationFailed) as refused:
        _field(admin, label=" ", field_type="colour")
    assert set(_errors(refused)) == {"label", "field_type"}
    with pytest.raises(ValidationFailed) as refused:
        create_custom_field(actor=admin, values={"entity": "ticket", "label": "X", "field_type": "text"})
    assert "entity" in _errors(refused)
    assert CustomField.objects.count() == 1


def test_a_choice_field_needs_its_choices_one_a_line_without_repeats(admin):
    client = browser_for(admin)
    response = client.post(URL, {"entity": "deal", "label": "Region", "field_type": "choice", "choices": ""})
    assert response.status_code == 400 and "List the choices, one a line." in response.content.decode()
    response = client.post(
        URL, {"entity": "deal", "label": "Region", "field_type": "choice", "choices": "North\nSouth\nNorth"}
    )
    assert response.status_code == 400 and "“North” is listed twice." in response.content.decode()
    response = client.post(
        URL, {"entity": "deal", "label": "Region", "field_type": "choice", "choices": "North\n\n South \n"}
    )
    assert response.status_code == 302
    assert CustomField.objects.get().choices == ["North", "South"]
    text = _field(admin, label="Note", choices="ignored")
    assert text.choices == []


def test_label_choices_and_required_are_edited_with_an_audit_row(admin):
    field = _field(admin, field_type="choice", choices=["Tehran", "Shiraz"])
    client = browser_for(admin)
    edit = f"{URL}{field.pk}/"
    assert "Tehran\nShiraz" in client.get(edit).content.decode()
    response = client.post(
        edit, {"label": "Office", "field_type": "choice", "choices": "Tehran\nShiraz\nTabriz", "order": "4"}
    )
    assert response.status_code == 302
    field.refresh_from_db()
    assert (field.label, field.choices, field.required, field.order) == (
        "Office",
        ["Tehran", "Shiraz", "Tabriz"],
        False,
        4,
    )
    entry = audit_for(field).first()
    assert entry.action == AuditAction.UPDATE and entry.changes["label"] == ["Branch", "Office"]


def test_the_type_cannot_change_once_records_hold_values(admin, rep_a):
    field = _field(admin)
    update_custom_field(actor=admin, field=field, values={"field_type": "number"})  # no values yet: allowed
    assert field.field_type == CustomFieldType.NUMBER
    create_contact(
        actor=rep_a, values={"last_name": "Karimi", "custom": {"branch": "12"}}, allow_duplicate=True
    )
    assert records_with_value("contact", "branch") == 1
    response = browser_for(admin).post(f"{URL}{field.pk}/", {"label": "Branch", "field_type": "date"})
    assert response.status_code == 400
    assert "The type can't change: records already hold a value of this field (1)" in unescape(
        response.content.decode()
    )
    field.refresh_from_db()
    assert field.field_type == CustomFieldType.NUMBER


def test_a_choice_records_have_chosen_cannot_be_removed(admin, rep_a):
    field = _field(admin, field_type="choice", choices=["Tehran", "Shiraz"])
    create_contact(
        actor=rep_a, values={"last_name": "Karimi", "custom": {"branch": "Shiraz"}}, allow_duplicate=True
    )
    with pytest.raises(ValidationFailed) as refused:
        update_custom_field(actor=admin, field=field, values={"choices": ["Tehran"]})
    assert "“Shiraz” can't be removed: records have it chosen (1)." in _errors(refused)["choices"]
    update_custom_field(actor=admin, field=field, values={"choices": ["Shiraz", "Isfahan"]})
    assert field.choices == ["Shiraz", "Isfahan"]


def test_the_key_never_changes(admin):
    field = _field(admin)
    with pytest.raises(ValidationFailed) as refused:
        update_custom_field(actor=admin, field=field, values={"key": "office"})
    assert "key" in _errors(refused)


def test_a_field_records_use_is_deleted_only_after_the_warning_and_typing_its_key(admin, rep_a):
    field = _field(admin)
    contact = create_contact(
        actor=rep_a, values={"last_name": "Karimi", "custom": {"branch": "North"}}, allow_duplicate=True
    )
    client = browser_for(admin)
    delete = f"{URL}{field.pk}/delete/"
    warning = client.get(delete).content.decode()
    assert "1 record holds a value of this field." in warning and 'name="confirm"' in warning
    assert client.post(delete, {}).status_code == 400
    assert client.post(delete, {"confirm": "other"}).status_code == 400
    assert CustomField.objects.filter(pk=field.pk).exists()
    assert client.post(delete, {"confirm": "branch"}).status_code == 302
    assert not CustomField.objects.exists()
    assert Contact.objects.get(pk=contact.pk).custom == {"branch": "North"}  # kept, out of sight
    assert AuditEntry.objects.filter(action=AuditAction.DELETE, note="records holding a value: 1").exists()
    assert 'name="cf_branch"' not in client.get("/contacts/new/").content.decode()
    with pytest.raises(ValidationFailed) as refused:
        _field(admin, label="Branch again", key="branch")
    assert "deleted field" in _errors(refused)["key"]


def test_a_field_no_record_uses_is_deleted_with_one_confirmation(admin):
    field = _field(admin)
    client = browser_for(admin)
    page = client.get(f"{URL}{field.pk}/delete/").content.decode()
    assert "No record holds a value of this field." in page and 'name="confirm"' not in page
    assert client.post(f"{URL}{field.pk}/delete/").status_code == 302
    assert not CustomField.objects.exists()


def test_managers_and_reps_are_refused_and_nothing_changes(admin, manager_a, rep_a):
    field = _field(admin)
    before = AuditEntry.objects.count()
    for user in (manager_a, rep_a):
        client = browser_for(user)
        assert client.get(URL).status_code == 403
        assert client.post(URL, {"entity": "contact", "label": "X", "field_type": "text"}).status_code == 403
        assert client.post(f"{URL}{field.pk}/", {"label": "Renamed"}).status_code == 403
        assert client.post(f"{URL}{field.pk}/delete/").status_code == 403
        for call in (
            lambda u=user: _field(u, label="X"),
            lambda u=user: update_custom_field(actor=u, field=field, values={"label": "Renamed"}),
            lambda u=user: delete_custom_field(actor=u, field=field),
        ):
            with pytest.raises(PeyvandError) as refused:
                call()
            assert refused.value.status == 403
    field.refresh_from_db()
    assert field.label == "Branch" and CustomField.objects.count() == 1
    assert AuditEntry.objects.count() == before


def test_the_persian_page_is_translated(admin):
    page = browser_for(admin, "fa").get(URL).content.decode()
    assert "فیلدهای سفارشی" in page and "افزودن فیلد" in page
