"""The leads app's record type, as the rest of Peyvand sees it (see ``contacts/resources.py``)."""

from django.urls import path

from peyvand.contacts.duplicates import DuplicateSpec
from peyvand.contacts.models import Contact
from peyvand.core import importing as headers
from peyvand.core import registry
from peyvand.core.importing import Column, ImportSpec
from peyvand.core.registry import FieldSpec as F
from peyvand.core.rest import Resource
from peyvand.leads import importing, selectors, services
from peyvand.leads.models import Lead
from peyvand.leads.schemas import LeadIn, LeadOut, LeadPatch

LEADS = Resource(
    name="leads",
    model=Lead,
    visible=selectors.leads_visible_to,
    list_spec=selectors.LEAD_LIST,
    create=services.create_lead,
    update_service=services.update_lead,
    schema_in=LeadIn,
    schema_patch=LeadPatch,
    schema_out=LeadOut,
)

# A lead has one phone and one e-mail, chosen in a merge like its other fields.
LEAD_FIELDS = (
    F("first_name", importable=True, mergeable=True, automation=True, settable=True, searchable=True),
    F("last_name", importable=True, mergeable=True, automation=True, settable=True, searchable=True),
    F("title", importable=True, mergeable=True, automation=True, settable=True),
    F("company_name", importable=True, mergeable=True, automation=True, settable=True, searchable=True),
    F("industry", importable=True, mergeable=True, automation=True, settable=True),
    F("phone", importable=True, mergeable=True, automation=True, searchable=True),
    F("email", importable=True, mergeable=True, automation=True, searchable=True),
    F("city", importable=True, mergeable=True, automation=True, settable=True, searchable=True),
    F("region", importable=True, mergeable=True, automation=True, settable=True),
    F("source", importable=True, mergeable=True, automation=True, settable=True),
    F("status", importable=True, mergeable=True, automation=True, settable=True),
    F("description", importable=True, mergeable=True),
    F("budget", importable=True, mergeable=True, automation=True, settable=True, money=True),
    F("purchase_timeline", importable=True, mergeable=True, automation=True, settable=True),
    F("audience", importable=True, mergeable=True, automation=True, settable=True),
    F("language", importable=True, mergeable=True, automation=True, settable=True),
    F("source_detail", editable=False, importable=True),
    F("pipeline", importable=True, mergeable=True, automation=True),
    F("owner", importable=True),
    F("tags", automation=True),
    F("custom", editable=False, exportable=False),
    F("contact", editable=False, exportable=False, mergeable=True),
    F("company", editable=False, exportable=False, mergeable=True),
    F("score", editable=False, exportable=False, automation=True),
    F("score_band", editable=False, exportable=False, automation=True),
    F("qualified", editable=False, exportable=False, automation=True),
    F("team", editable=False, exportable=False),
)

# Likely duplicates (contacts/duplicates.py): a lead has one phone and one e-mail; it lives at its company, or
# the company name it gave, or its city; a new lead is looked for among contacts too.
LEAD_DUPLICATES = DuplicateSpec(
    name=("first_name", "last_name"),
    phones="phone",
    emails="email",
    company="company",
    company_name="company_name",
    traits=("city", "title"),
    also=(Contact,),
)

# The spreadsheet import's columns (core/importing.py), in the order of the importable fields above; each row
# goes through create_lead.
LEAD_IMPORT = ImportSpec(
    columns=(
        Column("first_name", headers.FIRST_NAME),
        Column("last_name", headers.LAST_NAME, required=True),
        Column("title", headers.TITLE),
        Column("company_name", headers.COMPANY),
        Column("industry", headers.INDUSTRY),
        Column("phone", headers.PHONES, read="phone"),
        Column("email", headers.EMAILS, read="email"),
        Column("city", headers.CITY),
        Column("region", headers.REGION),
        Column("source", headers.SOURCE, read="choice"),
        Column("status", ("وضعیت", "status", "state"), read="choice"),
        Column("description", ("توضیحات", "شرح", "description", "notes", "note"), read="long_text"),
        Column("budget", ("بودجه", "budget"), read="amount"),
        Column(
            "purchase_timeline", ("زمان خرید", "purchase timeline", "timeline", "timeframe"), read="choice"
        ),
        Column("audience", headers.AUDIENCE, read="choice"),
        Column("language", ("زبان", "language")),
        Column("source_detail", ("جزئیات منبع", "کمپین", "source detail", "campaign")),
        Column("pipeline", headers.PIPELINE, read="reference"),
        Column("owner", headers.OWNER, read="reference"),
    ),
    check=importing.check_lead,
    create=importing.create_imported_lead,
)


def register() -> None:
    from peyvand.leads.api import router
    from peyvand.leads.views import LEAD_SCREEN, convert_view

    registry.register(
        registry.RecordType(
            name="lead",
            plural="leads",
            model=Lead,
            resource=LEADS,
            screen=LEAD_SCREEN,
            fields=LEAD_FIELDS,
            custom_fields=True,
            tagged=True,
            # a lead matched to a known contact or company: work on it is for them too
            concerns=lambda lead: [record for record in (lead.contact, lead.company) if record is not None],
            api_router=router,
            ui_urls=(path("<int:pk>/convert/", convert_view, name="convert"),),
            extra={
                "duplicates": LEAD_DUPLICATES,
                "import": LEAD_IMPORT,
                "contact_point": lambda lead, *, email: lead.email if email else lead.phone,
                "contact_points": lambda lead, *, email: [
                    v for v in [lead.email if email else lead.phone] if v
                ],
            },
        )
    )
