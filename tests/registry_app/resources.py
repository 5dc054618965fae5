"""The one registration that makes vehicles a record type of Peyvand: API, pages, export, automation, search,
timeline."""

from peyvand.core import registry
from peyvand.core.importing import Column, ImportSpec
from peyvand.core.registry import FieldSpec as F
from peyvand.core.rest import Resource
from peyvand.web.filters import owner_filter
from peyvand.web.forms import RecordForm
from peyvand.web.screens import Screen
from tests.registry_app import schemas, selectors, services
from tests.registry_app.models import Vehicle

VEHICLES = Resource(
    name="vehicles",
    model=Vehicle,
    visible=selectors.vehicles_visible_to,
    list_spec=selectors.VEHICLE_LIST,
    create=services.create_vehicle,
    update_service=services.update_vehicle,
    schema_in=schemas.VehicleIn,
    schema_patch=schemas.VehiclePatch,
    schema_out=schemas.VehicleOut,
)


class VehicleForm(RecordForm):
    model = Vehicle
    field_names = ("name", "plate", "note", "owner")


VEHICLE_SCREEN = Screen(
    resource=VEHICLES,
    form_class=VehicleForm,
    columns=("name", "plate", "owner"),
    filters=(owner_filter(),),
)

VEHICLE_FIELDS = (
    F("name", importable=True, automation=True, settable=True, searchable=True),
    F("plate", importable=True, automation=True, settable=True, searchable=True),
    F("note", importable=True, automation=True, settable=True),
    F("owner", importable=True),
    F("team", editable=False, exportable=False),
)

# The spreadsheet import's columns, in the order of the importable fields; the reader of a cell by its name.
VEHICLE_IMPORT = ImportSpec(
    columns=(
        Column("name", ("vehicle", "car"), required=True),
        Column("plate", ("پلاک", "number plate")),
        Column("note", ("یادداشت",), read="long_text"),
        Column("owner", ("owner",), read="reference"),
    )
)


def register() -> None:
    registry.register(
        registry.RecordType(
            name="vehicle",
            plural="vehicles",
            model=Vehicle,
            resource=VEHICLES,
            screen=VEHICLE_SCREEN,
            fields=VEHICLE_FIELDS,
            extra={"import": VEHICLE_IMPORT},
        )
    )
