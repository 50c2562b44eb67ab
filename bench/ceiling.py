"""The site's URLs plus one minimal view: the framework's ceiling.

The serving benchmark runs gunicorn with DJANGO_SETTINGS_MODULE=
bench.ceiling_settings, so the ceiling view goes through the same server,
workers and middleware as every page, and returns a page of a given size
without touching the database.
"""

from django.http import HttpResponse
from django.urls import include, path


def ceiling(request, size):
    return HttpResponse(b"x" * size, content_type="text/html; charset=utf-8")


urlpatterns = [
    path("ceiling/<int:size>/", ceiling),
    path("", include("newsroom.urls")),
]
