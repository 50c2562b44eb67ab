"""RSS feeds over `Article.objects.live()`: the latest articles, and per tag."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.html import escape
from taggit.models import Tag

from articles.models import Article, Byline, TagRedirect

FEED_SIZE = 20


class LatestArticlesFeed(Feed):
    description_template = None

    def title(self, obj=None):
        return f"{settings.NEWSROOM_SITE_NAME}: latest"

    def link(self, obj=None):
        return reverse("articles:home")

    def description(self, obj=None):
        return f"The latest articles from {settings.NEWSROOM_SITE_NAME}."

    def articles(self, obj=None):
        return (
            Article.objects.live()
            .select_related("section")
            .prefetch_related(
                "tags",
                Prefetch("bylines", queryset=Byline.objects.select_related("author")),
            )
        )

    def items(self, obj=None):
        return self.articles(obj)[:FEED_SIZE]

    def item_title(self, item):
        return item.headline

    def item_description(self, item):
        # Feed readers render a description as HTML; the standfirst is plain text.
        return escape(item.standfirst)

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return ", ".join(author.name for author in item.byline_authors) or None

    def item_categories(self, item):
        return [tag.name for tag in item.sorted_tags]


class TagFeed(LatestArticlesFeed):
    def __call__(self, request, *args, **kwargs):
        # A merged or renamed tag keeps its subscribers, as its page does.
        slug = kwargs["slug"]
        if not Tag.objects.filter(slug=slug).exists():
            moved = TagRedirect.objects.filter(old_slug=slug).first()
            if moved is not None:
                return redirect("articles:tag_feed", moved.tag.slug, permanent=True)
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request, slug):
        tag = get_object_or_404(Tag, slug=slug)
        if not Article.objects.live().filter(tags=tag).exists():
            raise Http404("No live articles under this tag.")
        return tag

    def title(self, obj=None):
        return f"{settings.NEWSROOM_SITE_NAME}: {obj.name}"

    def link(self, obj=None):
        return reverse("articles:tag", args=[obj.slug])

    def description(self, obj=None):
        # Read as HTML by feed readers, like item descriptions.
        return f"The latest articles tagged “{escape(obj.name)}”."

    def articles(self, obj=None):
        return super().articles(obj).filter(tags=obj)
