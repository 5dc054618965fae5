"""The service calendar as the rest of Peyvand sees it, registered from ``ServiceConfig.ready()``: the calendar
source the activities calendar draws jobs from, the ticket page's section of its jobs, and the settings section
of the resources."""

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from peyvand.core import registry
    from peyvand.core.settings_sections import SettingsSection, register_section
    from peyvand.service import permissions_calendar, selectors_calendar

    registry.register_calendar_source(selectors_calendar.SOURCE)
    registry.register_record_section("service/calendar/_ticket_jobs.html")
    register_section(
        SettingsSection(
            key="service-resources",
            title=_("Service resources"),
            description=_(
                "Vehicles, instruments, tools and rooms that field jobs book, and the field working day."
            ),
            url_name="service-resources",
            allowed=permissions_calendar.can_manage_resources,
            group="service",
            order=20,
        )
    )
