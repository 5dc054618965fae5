"""PDF documents from HTML templates (WeasyPrint): right-to-left Persian and English alike, with Vazirmatn
embedded when the font is installed (npm), so a printed report or invoice reads as it does on screen."""

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string


def font_faces() -> str:
    """@font-face rules for the Vazirmatn files on disk (regular and bold), or nothing when they are missing."""
    folder = settings.PEYVAND_PDF_FONT_DIR
    rules = []
    for weight, name in ((400, "Vazirmatn-Regular.ttf"), (700, "Vazirmatn-Bold.ttf")):
        path = folder / name
        if path.is_file():
            rules.append(
                f'@font-face {{ font-family: "Vazirmatn"; font-weight: {weight}; src: url("{path.as_uri()}"); }}'
            )
    return "\n".join(rules)


def render_pdf(template: str, context: dict[str, Any], request=None) -> bytes:
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    html = render_to_string(template, {**context, "font_faces": font_faces()}, request=request)
    fonts = FontConfiguration()
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(font_config=fonts)
