"""Stage scripts are rich text written by administrators and shown on every deal page: keep a small allow-list
of tags so a script can never carry markup that runs in a rep's browser."""

import nh3

SCRIPT_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "h3", "h4", "blockquote"}
SCRIPT_ATTRIBUTES = {"a": {"href"}}
LINK_SCHEMES = {"http", "https", "mailto", "tel"}
MAX_SCRIPT_LENGTH = 20_000


def clean_script(html: str | None) -> str:
    """The script's HTML with everything outside the allow-list removed (script and style with their text)."""
    if not html:
        return ""
    cleaned = nh3.clean(
        str(html),
        tags=SCRIPT_TAGS,
        clean_content_tags={"script", "style"},
        attributes=SCRIPT_ATTRIBUTES,
        url_schemes=LINK_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return cleaned.strip()
