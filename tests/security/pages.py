"""The site's pages by type, for checks that must hold on every one of them."""

import re

from django.urls import reverse

from articles.security.csp import editor_script_hashes
from articles.site.preview import share_url

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", re.S)


def public_urls(article, tag, author) -> dict[str, str]:
    return {
        "home": reverse("articles:home"),
        "section": reverse("articles:section", args=[article.section.slug]),
        "article": article.get_absolute_url(),
        "tag": reverse("articles:tag", args=[tag.slug]),
        "author": author.get_absolute_url(),
        "search": reverse("articles:search") + "?q=robots",
        "feed": reverse("articles:feed"),
        "tag feed": reverse("articles:tag_feed", args=[tag.slug]),
        "sitemap": reverse("sitemap"),
        "news sitemap": reverse("news_sitemap"),
        "robots": reverse("robots"),
        "shared preview": share_url(article),
        "not found": "/no-such-section/no-such-article/",
    }


def admin_urls(article, photo) -> dict[str, str]:
    return {
        "desk": reverse("admin:index"),
        "article list": reverse("admin:articles_article_changelist"),
        "article form": reverse("admin:articles_article_change", args=[article.pk]),
        "new article": reverse("admin:articles_article_add"),
        "article history": reverse("admin:articles_article_history", args=[article.pk]),
        "article preview": reverse("admin:articles_article_preview", args=[article.pk]),
        "photo list": reverse("admin:articles_photo_changelist"),
        "photo form": reverse("admin:articles_photo_change", args=[photo.pk]),
        "batch upload": reverse("admin:articles_photo_upload"),
        "photo library": reverse("admin:articles_article_photos"),
        "tag list": reverse("admin:taggit_tag_changelist"),
        "section list": reverse("admin:articles_section_changelist"),
        "author list": reverse("admin:articles_author_changelist"),
        "user list": reverse("admin:auth_user_changelist"),
        "roles": reverse("admin:auth_group_changelist"),
        "lock-outs": reverse("admin:axes_accessattempt_changelist"),
        "account security": reverse("security:overview"),
    }


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


def inline_scripts(html: str) -> list[tuple[str, str]]:
    """(attributes, content) of every <script> without src."""
    return INLINE_SCRIPT.findall(html)


def allowed_inline(attributes: str) -> bool:
    """Data blocks (JSON-LD, JSON) never run; the editor's import map is hashed."""
    kind = re.search(r'type="([^"]+)"', attributes)
    kind = kind[1] if kind else ""
    return kind in {"application/ld+json", "application/json", "importmap"}


__all__ = ["editor_script_hashes"]
