from django.utils.translation import gettext_lazy as _

from peyvand.contacts.api import COMPANIES, CONTACTS
from peyvand.contacts.merge import undoable_merge_for
from peyvand.contacts.models import Company, CompanySize, Contact
from peyvand.core.choices import Channel
from peyvand.web.filters import choices_filter, owner_filter
from peyvand.web.forms import RecordForm
from peyvand.web.screens import Screen


class CompanyForm(RecordForm):
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
    )


class ContactForm(RecordForm):
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
    )


def _company_extra(user, company):
    from peyvand.contacts.selectors import contacts_visible_to
    from peyvand.sales.selectors import deals_visible_to

    return {
        "undoable_merge": undoable_merge_for(company, user),
        "related": [
            (_("Contacts"), "contacts", contacts_visible_to(user).filter(company=company)[:50]),
            (_("Deals"), "deals", deals_visible_to(user).filter(company=company)[:50]),
        ],
    }


def _contact_extra(user, contact):
    from peyvand.sales.selectors import deals_visible_to

    return {
        "undoable_merge": undoable_merge_for(contact, user),
        "related": [(_("Deals"), "deals", deals_visible_to(user).filter(contact=contact)[:50])],
    }


COMPANY_SCREEN = Screen(
    resource=COMPANIES,
    form_class=CompanyForm,
    columns=("name", "industry", "city", "phones", "owner"),
    filters=(owner_filter(), choices_filter("size", _("Size"), CompanySize.choices)),
    detail_extra=_company_extra,
)

CONTACT_SCREEN = Screen(
    resource=CONTACTS,
    form_class=ContactForm,
    columns=("last_name", "first_name", "title", "company", "phones", "city", "owner"),
    filters=(owner_filter(), choices_filter("source", _("Source channel"), Channel.choices)),
    detail_extra=_contact_extra,
    initial_from_request=("company",),
)
