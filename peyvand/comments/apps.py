from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "peyvand.comments"
    label = "comments"
    verbose_name = _("Comments")

    def ready(self):
        from peyvand.comments.timeline import comment_items
        from peyvand.core import registry

        registry.register_timeline_source(comment_items)
