from django.apps import AppConfig
from django.contrib.staticfiles.apps import StaticFilesConfig as BaseStaticFilesConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "peyvand.core"
    label = "core"
    verbose_name = _("Core")


class StaticFilesConfig(BaseStaticFilesConfig):
    """Django's static files, without the source maps packages ship (5 MB for the API docs' scripts alone):
    browsers load them only while someone debugs those scripts, and compressing them slowed every start."""

    ignore_patterns = [*BaseStaticFilesConfig.ignore_patterns, "*.map"]
