"""The site's URLs plus the benchmark's own views: the framework's ceiling and
what bounds an uncached article page.

The serving benchmark runs gunicorn with DJANGO_SETTINGS_MODULE=
bench.ceiling_settings, so these views go through the same server, workers and
middleware as every page. The ceiling returns a page of a given size without
touching the database. The floor views do the least an uncached article page
must: read the article's own row, through the ORM or by hand-written SQL, and
answer the same bytes, or render it inside the site's page shell. None of them
is ever part of the site.
"""

from django.db import connection
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template import engines
from django.urls import include, path
from django.utils import timezone

from articles.models import Article

SHELL = engines["django"].from_string(
    '{% extends "base.html" %}{% block title %}{{ article.headline }}{% endblock %}'
    "{% block content %}<h1>{{ article.headline }}</h1>"
    "<p>{{ article.standfirst }}</p>{{ article.body|safe }}{% endblock %}"
)


def ceiling(request, size):
    return HttpResponse(b"x" * size, content_type="text/html; charset=utf-8")


def live_article(slug: str) -> Article:
    live = Article.objects.live().select_related("section")
    return get_object_or_404(live, slug=slug)


def orm_read(request, size, slug):
    live_article(slug)
    return ceiling(request, size)


def sql_read(request, size, slug):
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.id, a.headline, a.standfirst, a.body, s.slug, s.name"
            " FROM articles_article a"
            " JOIN articles_section s ON s.id = a.section_id"
            " WHERE a.slug = %s AND a.status IN (%s, %s) AND a.publish_at <= %s"
            " AND (a.embargo_until IS NULL OR a.embargo_until <= %s)",
            [slug, *Article.LIVE_STATUSES, now, now],
        )
        if cursor.fetchone() is None:
            raise Http404
    return ceiling(request, size)


def shell(request, slug):
    return HttpResponse(SHELL.render({"article": live_article(slug)}, request))


urlpatterns = [
    path("ceiling/<int:size>/", ceiling),
    path("floor/orm/<int:size>/<slug:slug>/", orm_read),
    path("floor/sql/<int:size>/<slug:slug>/", sql_read),
    path("floor/shell/<slug:slug>/", shell),
    path("", include("newsroom.urls")),
]
