"""Templates people write (an automation rule's message, a message template with merge fields): Django's template
language in a sandboxed engine — no loaders, so no ``include`` or ``extends`` — over plain values only.

Text (subjects, SMS, plain e-mail) is rendered without escaping; HTML with autoescape.
"""

from typing import Any

from django.template import Context, Engine, TemplateSyntaxError
from django.template.loader_tags import ExtendsNode, IncludeNode

_FILTERS = ["peyvand.core.templatetags.peyvand"]
_TEXT_ENGINE = Engine(dirs=[], app_dirs=False, autoescape=False, builtins=_FILTERS, libraries={})
_HTML_ENGINE = Engine(dirs=[], app_dirs=False, autoescape=True, builtins=_FILTERS, libraries={})
MAX_TEMPLATE = 10_000


def check_template(text: str) -> None:
    """Raises ValueError when ``text`` is not a template that compiles."""
    if len(text) > MAX_TEMPLATE:
        raise ValueError("too long")
    try:
        template = _TEXT_ENGINE.from_string(text)
    except TemplateSyntaxError as exc:
        raise ValueError(str(exc)) from None
    # Nothing to load: a template stands alone (the engine has no loaders, this says so when saving).
    for node_type in (IncludeNode, ExtendsNode):
        if template.nodelist.get_nodes_by_type(node_type):
            raise ValueError("include/extends")


def render(text: str, context: dict[str, Any], *, html: bool = False) -> str:
    engine = _HTML_ENGINE if html else _TEXT_ENGINE
    return engine.from_string(text).render(Context(context, autoescape=html))
