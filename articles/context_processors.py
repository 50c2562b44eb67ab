from django.conf import settings

from articles.models import Section


def site(request):
    """Site name and the navigation's sections, for every template."""
    return {
        "site_name": settings.NEWSROOM_SITE_NAME,
        "nav_sections": Section.objects.all(),
    }
