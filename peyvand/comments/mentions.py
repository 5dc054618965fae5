"""``@username`` in a comment: which colleagues it names, and which of them may be told."""

import re

from django.contrib.auth import get_user_model

from peyvand.core import registry

# A username as Django allows it (letters of any script, digits, @ . + - _), after an @ that does not follow a
# letter (so an e-mail address is not a mention); a full stop ending the sentence is not part of it.
MENTION = re.compile(r"(?<![\w@])@([\w.+\-]{1,150})")
MAX_MENTIONS = 20


def mentioned_names(body: str) -> list[str]:
    names = []
    for match in MENTION.finditer(body or ""):
        name = match.group(1).rstrip(".")
        if name and name not in names:
            names.append(name)
    return names[:MAX_MENTIONS]


def mentionable_users(body: str, record_type: str, record_id: int):
    """Active users named in ``body`` who may see the record; anyone else named is ignored, so a comment
    neither tells nor shows whether such a user exists."""
    names = mentioned_names(body)
    if not names:
        return []
    kind = registry.get(record_type)
    users = get_user_model().objects.filter(username__in=names, is_active=True).select_related("team")
    return [user for user in users if kind.visible(user).filter(pk=record_id).exists()]
