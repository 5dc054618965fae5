from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "peyvand.activities"
    label = "activities"
    verbose_name = _("Activities")

    def ready(self):
        from peyvand.activities import resources
        from peyvand.activities.timeline import activity_items
        from peyvand.core import registry

        resources.register()
        registry.register_timeline_source(activity_items)
        registry.register_timeline_actions("activities/_timeline_actions.html")
