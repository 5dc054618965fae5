from peyvand.core.listing import Filter, ListSpec, as_int
from tests.registry_app.models import Vehicle

VEHICLE_LIST = ListSpec(
    entity="vehicle",
    ordering=("name", "plate", "created_at", "updated_at"),
    default_ordering="name",
    filters={
        "owner": Filter("owner_id", as_int, "Owner"),
        "team": Filter("team_id", as_int, "Team"),
        "plate": Filter("plate"),
    },
)


def vehicles_visible_to(user):
    return Vehicle.objects.visible_to(user).select_related("owner")
