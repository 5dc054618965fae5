from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peyvand.contacts import permissions
from peyvand.contacts.calltime import call_advice, known_time_zones
from peyvand.contacts.merge import undoable_merge_for
from peyvand.contacts.models import CallHours, Company, CompanySize, Contact, CustomerStanding, Weekday
from peyvand.contacts.resources import COMPANIES, CONTACTS
from peyvand.core.choices import Channel
from peyvand.web.filters import choices_filter, owner_filter
from peyvand.web.forms import RecordForm
from peyvand.web.screens import Screen


class CallHoursForm(RecordForm):
    """Time zone and working hours; left empty, a contact follows its company and a company the defaults."""

    time_zone = forms.ChoiceField(label=_("time zone"), required=False)
    work_start = forms.TimeField(
        label=_("working hours start"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    work_end = forms.TimeField(
        label=_("working hours end"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    work_days = forms.TypedMultipleChoiceField(
        label=_("working days"),
        required=False,
        coerce=int,
        choices=Weekday.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "time_zone" in self.fields:
            self.fields["time_zone"].choices = [("", _("Inherit"))] + [
                (name, name) for name in sorted(known_time_zones())
            ]


class CallHoursScreen(Screen):
    """A screen whose record page shows the call hours in their own section, not among the fields."""

    @property
    def detail_fields(self) -> tuple[str, ...]:
        return tuple(n for n in super().detail_fields if n not in CallHours.call_hours_fields)


class CompanyForm(CallHoursForm):
    model = Company
    entity = "company"
    field_names = (
        "name",
        "industry",
        "size",
        "city",
        "region",
        "website",
        "phones",
        "emails",
        "tags",
        "owner",
        *CallHours.call_hours_fields,
        *CustomerStanding.standing_fields,
    )


class ContactForm(CallHoursForm):
    model = Contact
    entity = "contact"
    field_names = (
        "first_name",
        "last_name",
        "title",
        "company",
        "phones",
        "emails",
        "birthday",
        "source",
        "city",
        "region",
        "audience",
        "tags",
        "owner",
        *CallHours.call_hours_fields,
        *CustomerStanding.standing_fields,
    )


def _deals_of(user, record):
    # Sales builds on contacts, so its deals are reached through their foreign key's reverse relation (the same
    # visibility as the deals list), not by importing sales.
    return record.deals.visible_to(user).select_related("stage")[:50]


def _company_extra(user, company):
    from peyvand.contacts.selectors import contacts_visible_to

    return {
        "undoable_merge": undoable_merge_for(company, user),
        "call_advice": call_advice(company, timezone.now()),
        "related": [
            (_("Contacts"), "contacts", contacts_visible_to(user).filter(company=company)[:50]),
            (_("Deals"), "deals", _deals_of(user, company)),
        ],
    }


def _contact_extra(user, contact):
    return {
        "undoable_merge": undoable_merge_for(contact, user),
        "call_advice": call_advice(contact, timezone.now()),
        "related": [(_("Deals"), "deals", _deals_of(user, contact))],
    }


def lost_filter():
    return choices_filter("lost", _("Lost customers"), [("true", _("Yes")), ("false", _("No"))])


COMPANY_SCREEN = CallHoursScreen(
    resource=COMPANIES,
    form_class=CompanyForm,
    columns=("name", "industry", "city", "phones", "owner"),
    filters=(owner_filter(), choices_filter("size", _("Size"), CompanySize.choices), lost_filter()),
    detail_extra=_company_extra,
    inline_fields=("name", "industry", "size", "city", "region", "website", "phones", "emails"),
)

CONTACT_SCREEN = CallHoursScreen(
    resource=CONTACTS,
    form_class=ContactForm,
    columns=("last_name", "first_name", "title", "company", "phones", "city", "owner"),
    filters=(owner_filter(), choices_filter("source", _("Source channel"), Channel.choices), lost_filter()),
    detail_extra=_contact_extra,
    initial_from_request=("company",),
    can_create=lambda user: permissions.can_create_contacts(user),  # looked up when asked: one rule
    inline_fields=(
        "first_name",
        "last_name",
        "title",
        "phones",
        "emails",
        "birthday",
        "source",
        "city",
        "region",
    ),
)
