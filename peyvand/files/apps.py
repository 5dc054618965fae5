from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilesConfig(AppConfig):
    name = "peyvand.files"
    label = "files"
    verbose_name = _("Files")

    def ready(self):
        from peyvand.core import registry
        from peyvand.files.timeline import file_items

        registry.register_timeline_source(file_items)
