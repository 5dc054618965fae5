from ninja import Router

from peyvand.activities import selectors, services
from peyvand.activities.models import Activity
from peyvand.activities.schemas import ActivityIn, ActivityOut, ActivityPatch
from peyvand.core.rest import Resource, add_crud_routes

ACTIVITIES = Resource(
    name="activities",
    model=Activity,
    visible=selectors.activities_visible_to,
    list_spec=selectors.ACTIVITY_LIST,
    create=services.create_activity,
    update_service=services.update_activity,
    schema_in=ActivityIn,
    schema_patch=ActivityPatch,
    schema_out=ActivityOut,
)

router = Router()
add_crud_routes(router, ACTIVITIES)
