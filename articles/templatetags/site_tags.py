from django import template

from articles.site import navigation

register = template.Library()


@register.simple_tag(takes_context=True)
def site_header(context):
    """The site's header, with the page's section (`current_section`) marked."""
    return navigation.header(context.get("current_section") or "")
