from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def file_limit_mb() -> int:
    return settings.PEYVAND_FILE_MAX_MB
