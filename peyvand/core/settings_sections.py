"""The sections of the in-app settings, which each app registers for itself (like its record types).

``/settings/`` lists the sections the signed-in user may open, grouped by what they configure; the header's
"Settings" link shows when there is at least one. Each section's own pages check the same right again, with
the app's permission function, so hiding a card is never the only guard.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

# The groups the hub shows, in its order. Titles are translated where they are shown (web/settings.html).
GROUPS = ("people", "sales", "leads", "service", "messages", "calendar", "data", "integrations")


@dataclass(frozen=True)
class SettingsSection:
    key: str
    title: Any  # a lazy translation
    description: Any
    url_name: str
    allowed: Callable[[Any], bool]
    group: str = "data"
    order: int = 100


_sections: dict[str, SettingsSection] = {}


def register_section(section: SettingsSection) -> SettingsSection:
    if section.group not in GROUPS:
        raise ValueError(f"Unknown settings group {section.group!r}; one of {', '.join(GROUPS)}")
    _sections[section.key] = section
    return section


def sections() -> Iterator[SettingsSection]:
    yield from sorted(_sections.values(), key=lambda s: (GROUPS.index(s.group), s.order, s.key))


def sections_for(user) -> list[SettingsSection]:
    if not (user and user.is_authenticated):
        return []
    return [s for s in sections() if s.allowed(user)]


def any_for(user) -> bool:
    return bool(user and user.is_authenticated and any(s.allowed(user) for s in _sections.values()))
