"""The deal page's product-lines section reads its lines here (the section is a registered template)."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def deal_lines_section(context, deal):
    from peyvand.billing.views_quotes import deal_lines_context

    return deal_lines_context(context["request"], deal)
