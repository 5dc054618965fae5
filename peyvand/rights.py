"""What the signed-in user may do, for templates to show or hide a link or a button (a context processor).

Each right is the app's own function from its ``permissions.py``; the service enforces it whatever the page shows.
Template authors write ``{% if rights.restore %}``; nothing here is computed unless a template asks for it. It sits
at the project level, beside the URL and API assembly, because it reads every app's permissions.
"""

from django.utils.functional import cached_property

from peyvand.accounts import permissions as accounts
from peyvand.activities import permissions as activities
from peyvand.automation import permissions as automation
from peyvand.contacts import permissions as contacts
from peyvand.core import permissions as core
from peyvand.sales import permissions as sales
from peyvand.targets import permissions as targets


class Rights:
    def __init__(self, user):
        self.user = user

    @cached_property
    def see_deleted(self) -> bool:
        return core.can_see_deleted(self.user)

    @cached_property
    def restore(self) -> bool:
        return core.can_restore(self.user)

    @cached_property
    def change_pipelines(self) -> bool:
        return sales.can_change_pipelines(self.user)

    @cached_property
    def review_duplicates(self) -> bool:
        return contacts.can_review_duplicates(self.user)

    @cached_property
    def manage_rules(self) -> bool:
        return automation.can_manage_rules(self.user)

    @cached_property
    def plan_targets(self) -> bool:
        return targets.can_plan_targets(self.user)

    @cached_property
    def open_others_calendars(self) -> bool:
        return activities.can_open_others_calendars(self.user)

    @cached_property
    def open_settings(self) -> bool:
        return accounts.can_open_settings(self.user)

    @cached_property
    def create_activities(self) -> bool:
        return activities.can_create_activities(self.user)

    @cached_property
    def create_contacts(self) -> bool:
        return contacts.can_create_contacts(self.user)

    @cached_property
    def create_deals(self) -> bool:
        return sales.can_create_deals(self.user)


def rights(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"rights": Rights(user)}
