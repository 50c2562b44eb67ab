"""Sitemaps for crawlers: every live article and section, and a news sitemap.

`/sitemap.xml` is a sitemap index; each part lists at most `limit` URLs (the
protocol allows 50,000), so an archive of any size fits.
"""

from datetime import timedelta

from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property

from articles.cache.fragments import remember
from articles.models import Article, Section

# Google News reads only articles from the last two days.
NEWS_WINDOW = timedelta(days=2)


class KeptCountPaginator(Paginator):
    """A paginator whose count of every live article, which reads them all, is
    kept for the content generation (`articles.cache.fragments`)."""

    @cached_property
    def count(self) -> int:
        return remember("count:sitemap-articles", self.object_list.count)


class ArticleSitemap(Sitemap):
    limit = 2000  # URLs per part: each part renders in a bounded time

    @property
    def paginator(self):
        return KeptCountPaginator(self._items(), self.limit)

    def items(self):
        return (
            Article.objects.live()
            .select_related("section")
            .only(
                "slug",
                "publish_at",
                "updated_at",
                "corrected_at",
                "live_updated_at",
                "section__slug",
            )
            .order_by("-publish_at", "-pk")
        )

    def get_latest_lastmod(self):
        # Django would read every article for the index's <lastmod>; the parts
        # carry each article's own.
        return None

    def lastmod(self, article):
        return article.modified_at


class SectionSitemap(Sitemap):
    changefreq = "hourly"

    def items(self):
        return Section.objects.all()


SITEMAPS = {"articles": ArticleSitemap, "sections": SectionSitemap}


def recent_news():
    """The last two days' stories, and live ones still being updated."""
    since = timezone.now() - NEWS_WINDOW
    return (
        Article.objects.live()
        .filter(Q(publish_at__gte=since) | Q(live_updated_at__gte=since))
        .select_related("section")
        .order_by("-publish_at")[:1000]
    )
