"""Links from an article's body to the site itself, and whether they still lead
somewhere a reader can go."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import Resolver404, resolve
from taggit.models import Tag

from articles.models import Article, ArticleRedirect, Author, Section, TagRedirect


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href.strip())


def internal_paths(html: str) -> list[str]:
    """The paths on this site that `html` links to, once each, in order."""
    parser = _Links()
    parser.feed(html or "")
    hosts = {host.lstrip(".").lower() for host in settings.ALLOWED_HOSTS}
    paths = []
    for href in parser.hrefs:
        parts = urlsplit(href)
        if parts.scheme not in {"", "http", "https"}:
            continue  # mailto:, tel:
        if parts.netloc and (parts.hostname or "").lower() not in hosts:
            continue
        if not parts.netloc and not href.startswith("/"):
            continue  # a relative link or a fragment: nothing to resolve reliably
        paths.append(parts.path or "/")
    return list(dict.fromkeys(paths))


def broken_links(html: str) -> list[str]:
    """Paths on this site linked from `html` that lead to no public page."""
    return [path for path in internal_paths(html) if not leads_somewhere(path)]


def leads_somewhere(path: str) -> bool:
    if path.startswith(settings.MEDIA_URL):
        return default_storage.exists(path.removeprefix(settings.MEDIA_URL))
    try:
        match = resolve(path)
    except Resolver404:
        return _redirects_to_live_article(path)
    kwargs = match.kwargs
    if match.view_name == "articles:detail":
        # A scheduled story counts: the scheduler checks again when it goes live.
        going_live = Article.objects.filter(
            slug=kwargs["slug"], status=Article.Status.SCHEDULED
        )
        return (
            Article.objects.live().filter(slug=kwargs["slug"]).exists()
            or going_live.exists()
            or _redirects_to_live_article(path)
        )
    if match.view_name == "articles:section":
        return Section.objects.filter(slug=kwargs["section"]).exists()
    if match.view_name in {"articles:tag", "articles:tag_feed"}:
        slug = kwargs["slug"]
        return (
            Tag.objects.filter(slug=slug).exists()
            or TagRedirect.objects.filter(old_slug=slug).exists()
        )
    if match.view_name == "articles:author":
        return Author.objects.filter(slug=kwargs["slug"]).exists()
    if match.view_name == "articles:preview":
        return False  # preview links expire
    return True


def _redirects_to_live_article(path: str) -> bool:
    moved = ArticleRedirect.objects.filter(old_path=path).select_related("article")
    return any(redirect.article.is_live() for redirect in moved)
