"""The contacts app's record types, companies and contacts, as the rest of Peyvand sees them.

Each is registered in ``core.registry`` from ``ContactsConfig.ready()``: its ``Resource`` (visibility, list spec,
services, schemas) for the API's generic routes, its screen for the pages, and one field spec that exports,
merge, automation and global search read instead of lists of their own.
"""

from peyvand.contacts import selectors, services
from peyvand.contacts.duplicates import DuplicateSpec
from peyvand.contacts.models import Company, Contact
from peyvand.contacts.schemas import CompanyIn, CompanyOut, CompanyPatch, ContactIn, ContactOut, ContactPatch
from peyvand.core import importing as headers
from peyvand.core import registry
from peyvand.core.importing import Column, ImportSpec
from peyvand.core.registry import FieldSpec as F
from peyvand.core.rest import Resource

COMPANIES = Resource(
    name="companies",
    model=Company,
    visible=selectors.companies_visible_to,
    list_spec=selectors.COMPANY_LIST,
    create=services.create_company,
    update_service=services.update_company,
    schema_in=CompanyIn,
    schema_patch=CompanyPatch,
    schema_out=CompanyOut,
)
CONTACTS = Resource(
    name="contacts",
    model=Contact,
    visible=selectors.contacts_visible_to,
    list_spec=selectors.CONTACT_LIST,
    create=services.create_contact,
    update_service=services.update_contact,
    schema_in=ContactIn,
    schema_patch=ContactPatch,
    schema_out=ContactOut,
)

# Labels are the model fields' own. The exportable fields, in this order, are the spreadsheet's columns
# (imports/fields.py reads the same columns back); mergeable list fields (phones, e-mails) are joined.
COMPANY_FIELDS = (
    F("name", importable=True, mergeable=True, automation=True, settable=True, searchable=True),
    F("industry", importable=True, mergeable=True, automation=True, settable=True, searchable=True),
    F("size", importable=True, mergeable=True, automation=True, settable=True),
    F("region", importable=True, mergeable=True, automation=True, settable=True, searchable=True),
    F("city", importable=True, mergeable=True, automation=True, settable=True, searchable=True),
    F("website", importable=True, mergeable=True, automation=True, searchable=True),
    F("phones", importable=True, mergeable=True, searchable=True),
    F("emails", importable=True, mergeable=True, searchable=True),
    F("lost_on", importable=True, mergeable=True),
    F("lost_reason", importable=True, mergeable=True),
    F("owner", importable=True),
    F("tags", automation=True),
    F("time_zone", exportable=False),
    F("work_start", exportable=False),
    F("work_end", exportable=False),
    F("work_days", exportable=False),
    F("custom", editable=False, exportable=False),
    F("team", editable=False, exportable=False),
)
CONTACT_FIELDS = (
    F("first_name", importable=True, mergeable=True, automation=True, settable=True, searchable=True),
    F("last_name", importable=True, mergeable=True, automation=True, settable=True, searchable=True),
    F("title", importable=True, mergeable=True, automation=True, settable=True, searchable=True),
    F("company", importable=True, mergeable=True),
    F("phones", importable=True, mergeable=True, automation=True, searchable=True),
    F("emails", importable=True, mergeable=True, automation=True, searchable=True),
    F("birthday", importable=True, mergeable=True, automation=True, settable=True),
    F("source", importable=True, mergeable=True, automation=True, settable=True),
    F("region", importable=True, mergeable=True, automation=True, settable=True, searchable=True),
    F("city", importable=True, mergeable=True, automation=True, settable=True, searchable=True),
    F("audience", importable=True, mergeable=True, automation=True, settable=True),
    F("lost_on", importable=True, mergeable=True),
    F("lost_reason", importable=True, mergeable=True),
    F("owner", importable=True),
    F("tags", automation=True),
    F("time_zone", exportable=False),
    F("work_start", exportable=False),
    F("work_end", exportable=False),
    F("work_days", exportable=False),
    F("custom", editable=False, exportable=False),
    F("team", editable=False, exportable=False),
)


# How likely duplicates are found (contacts/duplicates.py): a person by first and last name within their company
# or city, a company by its name within its city; both by any phone or e-mail.
CONTACT_DUPLICATES = DuplicateSpec(
    name=("first_name", "last_name"), company="company", traits=("city", "title")
)
COMPANY_DUPLICATES = DuplicateSpec(name=("name",))

# The spreadsheet import's columns (core/importing.py), in the order of the importable fields above.
CONTACT_IMPORT = ImportSpec(
    columns=(
        Column("first_name", headers.FIRST_NAME),
        Column("last_name", headers.LAST_NAME, required=True),
        Column("title", headers.TITLE),
        Column("company", headers.COMPANY, read="record"),
        Column("phones", headers.PHONES, read="phones"),
        Column("emails", headers.EMAILS, read="emails"),
        Column("birthday", ("تاریخ تولد", "تولد", "birthday", "birth date", "date of birth"), read="date"),
        Column("source", headers.SOURCE, read="choice"),
        Column("region", headers.REGION),
        Column("city", headers.CITY),
        Column("audience", headers.AUDIENCE),
        Column("lost_on", headers.LOST_ON, read="day_so_far"),
        Column("lost_reason", headers.LOST_REASON),
        Column("owner", headers.OWNER, read="reference"),
    )
)
COMPANY_IMPORT = ImportSpec(
    columns=(
        Column("name", ("نام", "نام شرکت", "شرکت", "name", "company", "company name"), required=True),
        Column("industry", headers.INDUSTRY),
        Column("size", ("اندازه", "تعداد کارکنان", "size", "employees"), read="choice"),
        Column("region", headers.REGION),
        Column("city", headers.CITY),
        Column("website", ("وبسایت", "وب سایت", "سایت", "website", "site", "url")),
        Column("phones", headers.PHONES, read="phones"),
        Column("emails", headers.EMAILS, read="emails"),
        Column("lost_on", headers.LOST_ON, read="day_so_far"),
        Column("lost_reason", headers.LOST_REASON),
        Column("owner", headers.OWNER, read="reference"),
    )
)


def first_contact_point(record, *, email: bool) -> str:
    """The first e-mail or phone of a contact or company (where automation sends its messages)."""
    for value in record.emails if email else record.phones:
        return value.get("value", "") if isinstance(value, dict) else str(value)
    return ""


def all_contact_points(record, *, email: bool) -> list[str]:
    """Every e-mail or every phone of a contact or company, in their order (whom a message may go to)."""
    values = record.emails if email else record.phones
    found = [(v.get("value", "") if isinstance(v, dict) else str(v)) for v in values or []]
    return [v for v in found if v]


# What single consumers read (core/registry.py ``extra``): duplicates and merge, automation's messages, the import.
CONTACT_EXTRA = {
    "duplicates": CONTACT_DUPLICATES,
    "contact_point": first_contact_point,
    "contact_points": all_contact_points,
    "import": CONTACT_IMPORT,
}
COMPANY_EXTRA = {
    "duplicates": COMPANY_DUPLICATES,
    "contact_point": first_contact_point,
    "contact_points": all_contact_points,
    "import": COMPANY_IMPORT,
}


def register() -> None:
    from peyvand.contacts.views import COMPANY_SCREEN, CONTACT_SCREEN

    registry.register(
        registry.RecordType(
            name="contact",
            plural="contacts",
            model=Contact,
            resource=CONTACTS,
            screen=CONTACT_SCREEN,
            fields=CONTACT_FIELDS,
            custom_fields=True,
            tagged=True,
            # a call with someone is also work for their company
            concerns=lambda contact: [contact.company] if contact.company_id else [],
            extra=CONTACT_EXTRA,
        )
    )
    registry.register(
        registry.RecordType(
            name="company",
            plural="companies",
            model=Company,
            resource=COMPANIES,
            screen=COMPANY_SCREEN,
            fields=COMPANY_FIELDS,
            custom_fields=True,
            tagged=True,
            extra=COMPANY_EXTRA,
        )
    )
