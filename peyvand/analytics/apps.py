from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "peyvand.analytics"
    label = "analytics"
    verbose_name = _("Analytics")

    def ready(self):
        # Importing the selectors registers every report, so the registry is whole before any request.
        from peyvand.analytics import selectors  # noqa: F401
        from peyvand.analytics.billing_segments import register_deal_filters

        register_deal_filters()

        # A customer's survey answer on a resolved ticket becomes an answer the net promoter score counts.
        from peyvand.analytics.service import record_survey_answer
        from peyvand.core import events

        events.survey_answered.connect(record_survey_answer, dispatch_uid="analytics.survey_answer")
