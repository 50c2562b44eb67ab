"""The feeds themselves: latest, per section, per tag and per author, each in RSS
2.0 and Atom. Every one starts from `Article.objects.live()`."""

import copy
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.feedgenerator import Enclosure, Stylesheet
from django.utils.html import escape
from taggit.models import Tag

from articles.body import render_body
from articles.edge import keys
from articles.models import Article, Author, Section, TagRedirect
from articles.photos.renditions import largest_jpeg
from articles.site import live
from articles.site.addresses import permanent_id
from articles.site.feeds.formats import NewsAtomFeed, NewsRssFeed
from articles.site.listing import live_in_order, newest_live, newest_tagged_ids

FEED_SIZE = 20
EMBARGO_SPARE = 5


def entries():
    """What a feed entry shows: the card's data, the whole body and the tags."""
    return Article.objects.for_cards().defer(None).prefetch_related("tags")


# Root-relative addresses in a rendered body (src, href and each srcset entry),
# made absolute so that a feed reader can follow them.
_RELATIVE_URL = re.compile(r'(\s(?:src|href)=")/(?!/)')
_SRCSET = re.compile(r'srcset="([^"]*)"')


class ArticleFeed(Feed):
    """The latest live articles; subclasses narrow `articles()` to one object."""

    feed_type = NewsRssFeed
    description_template = None

    def __call__(self, request, *args, **kwargs):
        # The URLconf shares one instance between threads: each request gets a copy.
        feed = copy.copy(self)
        feed.request = request
        return Feed.__call__(feed, request, *args, **kwargs)

    def stylesheets(self, obj=None):
        # Someone who opens a feed in a browser reads what it is, not raw XML.
        return [Stylesheet(static("articles/feed.xsl"), mimetype="text/xsl")]

    def title(self, obj=None):
        return f"{settings.NEWSROOM_SITE_NAME}: latest"

    def link(self, obj=None):
        return reverse("articles:home")

    def description(self, obj=None):
        return f"The latest articles from {settings.NEWSROOM_SITE_NAME}."

    def subtitle(self, obj=None):
        return self.description(obj)

    def articles(self, obj=None):
        """The articles this feed is about; subclasses narrow them."""
        return Article.objects.all()

    def items(self, obj=None):
        items = newest_live(self.articles(obj), FEED_SIZE, cards=entries())
        live.attach_public_updates(items)
        return items

    def item_title(self, item):
        keys.shows_articles([item])  # each entry names its article
        return item.headline

    def item_description(self, item):
        # Feed readers render a description as HTML; the standfirst is plain text.
        return escape(item.standfirst)

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        moments = [item.updated_at or item.publish_at, item.live_updated_at]
        return max(filter(None, moments))

    def item_guid(self, item):
        # Stays the same when the article's slug or section changes.
        host = urlsplit(self.request.build_absolute_uri("/")).hostname
        return permanent_id(item, host)

    def item_guid_is_permalink(self, item):
        return False

    def item_categories(self, item):
        return [tag.name for tag in item.sorted_tags]

    def item_enclosures(self, item):
        media = self._hero(item)
        if not media:
            return []
        return [Enclosure(media["url"], str(media["bytes"]), "image/jpeg")]

    def item_extra_kwargs(self, item):
        return {
            "byline": [author.name for author in item.byline_authors],
            "content_html": self._absolute(
                str(render_body(item.body)) + self._live_updates(item)
            ),
            "media": self._hero(item),
        }

    def _live_updates(self, item) -> str:
        """A live article's updates, newest first, after its body."""
        updates = getattr(item, "public_live_updates", None)
        if not updates:
            return ""
        return render_to_string(
            "articles/includes/live_updates_feed.html",
            {"article": item, "updates": updates},
        )

    def _hero(self, item) -> dict | None:
        photo = item.public_hero_photo
        rendition = largest_jpeg(photo) if photo else None
        if rendition is None:
            return None  # readers only ever get renditions, never the original
        return {
            **rendition,
            "url": self.request.build_absolute_uri(rendition["url"]),
            "caption": item.hero_photo_caption,
            "alt_text": item.hero_photo_alt_text,
            "credit": photo.credit_line,
        }

    def _absolute(self, html: str) -> str:
        base = self.request.build_absolute_uri("/").rstrip("/")
        html = _RELATIVE_URL.sub(rf"\1{base}/", html)
        return _SRCSET.sub(
            lambda match: (
                'srcset="' + re.sub(r"(^|,\s*)/(?!/)", rf"\1{base}/", match[1]) + '"'
            ),
            html,
        )


class AtomMixin:
    feed_type = NewsAtomFeed


class LatestFeed(ArticleFeed):
    pass


class LatestAtomFeed(AtomMixin, LatestFeed):
    pass


class SectionFeed(ArticleFeed):
    def get_object(self, request, slug):
        section = get_object_or_404(Section, slug=slug)
        keys.shows(keys.section(section.pk))
        return section

    def title(self, obj=None):
        return f"{settings.NEWSROOM_SITE_NAME}: {obj.name}"

    def link(self, obj=None):
        return obj.get_absolute_url()

    def description(self, obj=None):
        # Read as HTML by feed readers, like item descriptions.
        return escape(obj.description or f"The latest articles in {obj.name}.")

    def articles(self, obj=None):
        return super().articles(obj).filter(section=obj)


class SectionAtomFeed(AtomMixin, SectionFeed):
    pass


class TagFeed(ArticleFeed):
    url_name = "articles:tag_feed"

    def __call__(self, request, *args, **kwargs):
        slug = kwargs["slug"]
        if not Tag.objects.filter(slug=slug).exists():
            # A merged or renamed tag's subscribers follow it to its heir.
            moved = get_object_or_404(
                TagRedirect.objects.select_related("tag"), old_slug=slug
            )
            return redirect(self.url_name, moved.tag.slug, permanent=True)
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request, slug):
        tag = get_object_or_404(Tag, slug=slug)
        if not Article.objects.live().filter(tags=tag).exists():
            raise Http404("No live articles under this tag.")
        keys.shows(keys.tag(tag.pk))
        return tag

    def title(self, obj=None):
        return f"{settings.NEWSROOM_SITE_NAME}: {obj.name}"

    def link(self, obj=None):
        return reverse("articles:tag", args=[obj.slug])

    def description(self, obj=None):
        return f"The latest articles tagged “{escape(obj.name)}”."

    def articles(self, obj=None):
        return super().articles(obj).filter(tags=obj)

    def items(self, obj=None):
        # Off the tag's index, like the tag page; a few spare for embargoed ones.
        ids = newest_tagged_ids(obj, FEED_SIZE + EMBARGO_SPARE)
        items = live_in_order(ids, cards=entries())[:FEED_SIZE]
        live.attach_public_updates(items)
        return items


class TagAtomFeed(AtomMixin, TagFeed):
    url_name = "articles:tag_atom_feed"


class AuthorFeed(ArticleFeed):
    def get_object(self, request, slug):
        author = get_object_or_404(Author, slug=slug)
        keys.shows(keys.author(author.pk))
        return author

    def title(self, obj=None):
        return f"{settings.NEWSROOM_SITE_NAME}: {obj.name}"

    def link(self, obj=None):
        return obj.get_absolute_url()

    def description(self, obj=None):
        return f"The latest articles by {escape(obj.name)}."

    def articles(self, obj=None):
        return super().articles(obj).filter(authors=obj)


class AuthorAtomFeed(AtomMixin, AuthorFeed):
    pass


def alternates(kind: str, title: str, slug: str | None = None) -> list[dict]:
    """The `<link rel="alternate">` entries of a page: its RSS and Atom feeds."""
    args = [slug] if slug else []
    names = {
        "latest": ("feed", "atom_feed"),
        "section": ("section_feed", "section_atom_feed"),
        "tag": ("tag_feed", "tag_atom_feed"),
        "author": ("author_feed", "author_atom_feed"),
    }[kind]
    return [
        {
            "type": "application/rss+xml",
            "label": "RSS",
            "title": title,
            "url": reverse(f"articles:{names[0]}", args=args),
        },
        {
            "type": "application/atom+xml",
            "label": "Atom",
            "title": title,
            "url": reverse(f"articles:{names[1]}", args=args),
        },
    ]
