from django.conf import settings


def site(request):
    """The site's name, for every template."""
    return {"site_name": settings.NEWSROOM_SITE_NAME}
