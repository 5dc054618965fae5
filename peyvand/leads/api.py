from ninja import Router

from peyvand.core.rest import Resource, add_crud_routes, responses
from peyvand.leads import selectors, services
from peyvand.leads.models import Lead
from peyvand.leads.schemas import LeadConvertIn, LeadConvertOut, LeadIn, LeadOut, LeadPatch

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

router = Router()
add_crud_routes(router, LEADS)


@router.post(
    "/{int:pk}/convert",
    response=responses({200: LeadConvertOut}, 404, 409),
    tags=["leads"],
    operation_id="leads_convert",
)
def convert(request, pk: int, payload: LeadConvertIn):
    """Create or link the contact and company, and open a deal (on the default pipeline unless given)."""
    data = payload.model_dump()
    lead, deal = services.convert_lead(actor=request.user, lead=LEADS.get(request, pk), **data)
    return {
        "lead": LEADS.get(request, lead.pk),
        "deal_id": deal.pk,
        "contact_id": lead.contact_id,
        "company_id": lead.company_id,
    }
