from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from peyvand.comments.mentions import MENTION

register = template.Library()


@register.filter
def with_mentions(comment):
    """The comment's text, escaped, with each stored mention marked; other @words stay plain text."""
    names = {user.username for user in comment.mentions.all()}

    def mark(match):
        name = match.group(1).rstrip(".")
        if name not in names:
            return escape(match.group(0))
        rest = match.group(1)[len(name) :]
        return format_html('<mark class="mention" dir="ltr">@{}</mark>{}', name, rest)

    parts, last = [], 0
    for match in MENTION.finditer(comment.body):
        parts.append(escape(comment.body[last : match.start()]))
        parts.append(mark(match))
        last = match.end()
    parts.append(escape(comment.body[last:]))
    return mark_safe("".join(parts))  # noqa: S308 -- every part above is escaped or built by format_html
