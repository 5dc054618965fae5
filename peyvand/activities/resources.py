"""The activities app's record type, as the rest of Peyvand sees it (see ``contacts/resources.py``)."""

from django.urls import path

from peyvand.activities import selectors, services
from peyvand.activities.models import Activity
from peyvand.activities.schemas import ActivityIn, ActivityOut, ActivityPatch
from peyvand.core import registry
from peyvand.core.registry import FieldSpec as F
from peyvand.core.rest import Resource

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

# Activities are not exported (no spreadsheet columns of their own yet).
ACTIVITY_FIELDS = (
    F("kind", exportable=False, automation=True, settable=True),
    F("subject", exportable=False, automation=True, settable=True, searchable=True),
    F("due_at", exportable=False, automation=True),
    F("duration_minutes", exportable=False, automation=True, settable=True),
    F("reminders", exportable=False),
    F("outcome", exportable=False, automation=True, settable=True, searchable=True),
    F("notes", exportable=False, automation=True, settable=True),
    F("record_type", exportable=False),
    F("record_id", exportable=False),
    F("owner", exportable=False),
    F("done_at", editable=False, exportable=False, automation=True),
    F("team", editable=False, exportable=False),
)


def links_of(record) -> dict[str, object]:
    """What an activity about ``record`` is logged on (the values ``create_activity`` takes): the record itself,
    or for an activity the record that activity is on; nothing for a record activities cannot be logged on."""
    if isinstance(record, Activity):
        return {"record_type": record.record_type, "record_id": record.record_id}
    if registry.type_name_of(record) in {t.name for t in services.loggable_types()}:
        return {"record": record}
    return {}


def register() -> None:
    from peyvand.activities.api import router
    from peyvand.activities.views import ACTIVITY_SCREEN, done_view, record_choices_view, replan_view

    registry.register(
        registry.RecordType(
            name="activity",
            plural="activities",
            model=Activity,
            resource=ACTIVITIES,
            screen=ACTIVITY_SCREEN,
            fields=ACTIVITY_FIELDS,
            # an activity is itself attached to records; files and comments may still go on it
            api_router=router,
            ui_urls=(
                path("<int:pk>/done/", done_view, name="done"),
                path("<int:pk>/plan/", replan_view, name="plan"),
                path("records/", record_choices_view, name="record-choices"),
            ),
        )
    )
