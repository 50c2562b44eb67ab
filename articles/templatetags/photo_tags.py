from django import template

from articles.photos.renditions import picture_sources

register = template.Library()


@register.inclusion_tag("articles/includes/picture.html")
def picture(photo, sizes, alt="", loading="lazy", priority=False):
    """A responsive <picture>: WebP with a JPEG fallback, sized by `sizes`.

    Pass loading="eager" (and priority=True for the page's main picture) for
    pictures above the fold; everything else loads lazily. A photo without
    renditions renders as nothing: readers never get the original.
    """
    if not photo:
        return {"sources": None}
    return {
        "sources": picture_sources(photo),
        "sizes": sizes,
        "alt": alt,
        "loading": loading,
        "priority": priority,
    }
