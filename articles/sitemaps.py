"""Sitemaps for crawlers: every live article and section, and a news sitemap."""

from datetime import timedelta

from django.contrib.sitemaps import Sitemap
from django.utils import timezone

from articles.models import Article, Section

# Google News reads only articles from the last two days.
NEWS_WINDOW = timedelta(days=2)


class ArticleSitemap(Sitemap):
    limit = 5000

    def items(self):
        return Article.objects.live().select_related("section").order_by("-publish_at")

    def lastmod(self, article):
        return article.modified_at


class SectionSitemap(Sitemap):
    changefreq = "hourly"

    def items(self):
        return Section.objects.all()


SITEMAPS = {"articles": ArticleSitemap, "sections": SectionSitemap}


def recent_news():
    since = timezone.now() - NEWS_WINDOW
    return (
        Article.objects.live()
        .filter(publish_at__gte=since)
        .select_related("section")
        .order_by("-publish_at")[:1000]
    )
