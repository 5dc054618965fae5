from ninja import Router

from peyvand.contacts import selectors, services
from peyvand.contacts.models import Company, Contact
from peyvand.contacts.schemas import CompanyIn, CompanyOut, CompanyPatch, ContactIn, ContactOut, ContactPatch
from peyvand.core.rest import Resource, add_crud_routes

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

companies_router = Router()
add_crud_routes(companies_router, COMPANIES)
contacts_router = Router()
add_crud_routes(contacts_router, CONTACTS)
