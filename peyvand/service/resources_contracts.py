"""Contracts and warranties as the rest of Peyvand sees them: the "servicecontract" and "warranty" record types
(API, list and record pages, export, search, automation, timeline), and a customer's contracts and warranties as
a section of contact and company pages."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from peyvand.core import registry
from peyvand.core.registry import FieldSpec as F
from peyvand.core.rest import Resource
from peyvand.service import selectors_contracts, services_contracts
from peyvand.service.models import SLAPolicy
from peyvand.service.models_contracts import ContractStatus, ServiceContract, Warranty
from peyvand.service.schemas_contracts import (
    ContractIn,
    ContractOut,
    ContractPatch,
    WarrantyIn,
    WarrantyOut,
    WarrantyPatch,
)
from peyvand.web.filters import choices_filter, owner_filter
from peyvand.web.forms import RecordForm


def _update_contract(*, actor, servicecontract, version, values):
    # the generic routes name the record by its model's name
    return services_contracts.update_contract(
        actor=actor, contract=servicecontract, version=version, values=values
    )


CONTRACTS = Resource(
    name="contracts",
    model=ServiceContract,
    visible=selectors_contracts.contracts_visible_to,
    list_spec=selectors_contracts.CONTRACT_LIST,
    create=services_contracts.create_contract,
    update_service=_update_contract,
    schema_in=ContractIn,
    schema_patch=ContractPatch,
    schema_out=ContractOut,
)

WARRANTIES = Resource(
    name="warranties",
    model=Warranty,
    visible=selectors_contracts.warranties_visible_to,
    list_spec=selectors_contracts.WARRANTY_LIST,
    create=services_contracts.create_warranty,
    update_service=services_contracts.update_warranty,
    schema_in=WarrantyIn,
    schema_patch=WarrantyPatch,
    schema_out=WarrantyOut,
)


def _customers(form: RecordForm) -> None:
    from peyvand.service.services_tickets import customers_for

    for name in ("contact", "company"):
        if name in form.fields:
            model = form.fields[name].queryset.model
            form.fields[name].queryset = customers_for(form.user, model)


class ContractForm(RecordForm):
    model = ServiceContract
    field_names = (
        "title",
        "number",
        "contact",
        "company",
        "start_date",
        "end_date",
        "status",
        "entitlement_unit",
        "entitlement",
        "sla_policy",
        "value",
        "currency",
        "renewal_reminder_days",
        "notes",
        "owner",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _customers(self)
        self.fields["sla_policy"].queryset = SLAPolicy.objects.filter(active=True)
        for name in ("number", "currency"):
            self.fields[name].widget.attrs["dir"] = "ltr"


class WarrantyForm(RecordForm):
    model = Warranty
    field_names = ("product", "serial_number", "contact", "company", "start_date", "end_date", "owner")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _customers(self)
        self.fields["serial_number"].widget.attrs["dir"] = "ltr"


def _contract_detail(user, contract):
    from peyvand.billing.models import Product
    from peyvand.service.models_contracts import ContractUsage, ServicePlan

    used = selectors_contracts.entitlement_used(contract)
    return {
        # the products offered to cover (a catalogue of thousands is better searched; the first 500 by name)
        "svc_covered_products": list(Product.objects.filter(active=True).order_by("name", "id")[:500]),
        "svc_items": list(contract.items.select_related("product")),
        "svc_used": used,
        "svc_left": selectors_contracts.entitlement_left(contract, used),
        "svc_usage": list(
            ContractUsage.objects.filter(contract=contract).select_related("ticket", "logged_by")[:50]
        ),
        "svc_plans": list(ServicePlan.objects.filter(contract=contract).order_by("-active", "next_due")),
        "svc_can_keep": services_contracts.permissions.can_keep_contracts(user) and not contract.deleted_at,
    }


def _warranty_detail(user, warranty):
    from django.utils import timezone

    from peyvand.service.models_contracts import ServicePlan

    return {
        "svc_in_warranty": warranty.covers(timezone.localdate()),
        "svc_plans": list(ServicePlan.objects.filter(warranty=warranty).order_by("-active", "next_due")),
        "svc_can_keep": services_contracts.permissions.can_keep_contracts(user) and not warranty.deleted_at,
    }


def _contract_row(contract, now):
    return "muted" if contract.status in (ContractStatus.EXPIRED, ContractStatus.CANCELLED) else ""


CONTRACT_FIELDS = (
    F("number", searchable=True, automation=True),
    F("title", searchable=True, automation=True),
    F("contact"),
    F("company"),
    F("start_date", automation=True),
    F("end_date", automation=True),
    F("status", automation=True, settable=True),
    F("entitlement_unit"),
    F("entitlement"),
    F("sla_policy", exportable=False),
    F("value", automation=True, money=True),
    F("currency"),
    F("renewal_reminder_days"),
    F("notes", searchable=True),
    F("owner"),
    F("team", editable=False, exportable=False),
)

WARRANTY_FIELDS = (
    F("serial_number", searchable=True, automation=True),
    F("product", automation=True),
    F("contact"),
    F("company"),
    F("start_date", automation=True),
    F("end_date", automation=True),
    F("invoice", editable=False, audited=False),
    F("owner"),
    F("team", editable=False, exportable=False),
)


def _parties(record) -> list:
    return [r for r in (record.contact, record.company) if r is not None]


def register() -> None:
    from peyvand.service import views_contracts
    from peyvand.service.api_contracts import contracts_router, warranties_router
    from peyvand.web.screens import Screen

    registry.register(
        registry.RecordType(
            name="servicecontract",
            plural="contracts",
            model=ServiceContract,
            resource=CONTRACTS,
            screen=Screen(
                resource=CONTRACTS,
                form_class=ContractForm,
                columns=(
                    "number",
                    "title",
                    "status",
                    "company",
                    "contact",
                    "start_date",
                    "end_date",
                    "owner",
                ),
                filters=(
                    choices_filter("status", _("Status"), ContractStatus.choices),
                    owner_filter(),
                ),
                detail_extra=_contract_detail,
                initial_from_request=("contact", "company"),
                row_class=_contract_row,
                inline_fields=("status",),
            ),
            fields=CONTRACT_FIELDS,
            concerns=_parties,
            api_router=contracts_router,
            ui_urls=(
                path("<int:pk>/items/", views_contracts.item_view, name="items"),
                path("<int:pk>/plans/", views_contracts.contract_plan_view, name="plans"),
                path("<int:pk>/usage/", views_contracts.usage_view, name="usage"),
            ),
        )
    )
    registry.register(
        registry.RecordType(
            name="warranty",
            plural="warranties",
            model=Warranty,
            resource=WARRANTIES,
            screen=Screen(
                resource=WARRANTIES,
                form_class=WarrantyForm,
                columns=("serial_number", "product", "company", "contact", "start_date", "end_date", "owner"),
                extra_fields=("invoice",),
                filters=(owner_filter(),),
                detail_extra=_warranty_detail,
                initial_from_request=("contact", "company", "product"),
            ),
            fields=WARRANTY_FIELDS,
            concerns=_parties,
            api_router=warranties_router,
            ui_urls=(path("<int:pk>/plans/", views_contracts.warranty_plan_view, name="plans"),),
        )
    )
    registry.register_record_section("service/contracts/_customer_section.html")
