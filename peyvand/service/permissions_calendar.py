"""Action rights of the service calendar. Seeing a job is a queryset (``FieldJob.objects.visible_to``).

Scheduling is the work of those who work the queue (support roles, managers, administrators): they book
technicians and equipment. The resources themselves are the desk's settings: administrators keep them; every
member of staff reads them (a rep may ask what is free).
"""

from peyvand.service.permissions import can_manage_service, can_work_tickets

JOB_FORBIDDEN = "field_job.forbidden"
JOB_CONFLICT = "field_job.conflict"
JOB_OUTSIDE_HOURS = "field_job.outside_hours"
RESOURCE_FORBIDDEN = "service_resource.forbidden"


def can_schedule_jobs(user) -> bool:
    return can_work_tickets(user)


def can_manage_resources(user) -> bool:
    return can_manage_service(user)
