"""What machines read about an article: JSON-LD NewsArticle and Open Graph."""

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils.html import format_html, strip_tags
from django.utils.safestring import SafeString, mark_safe

from articles.models import Article, Photo
from articles.photos.renditions import largest_jpeg

# As django.utils.html.json_script: nothing in the data can close the <script>.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld_script(data: dict) -> SafeString:
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(_SCRIPT_ESCAPES)),
    )


def _party(name: str, *, person: bool) -> dict:
    return {"@type": "Person" if person else "Organization", "name": name}


def image_object(photo: Photo, absolute, caption: str = "") -> dict | None:
    """A schema.org ImageObject carrying the credit exactly as printed; None
    for a photo without renditions (readers never get an original)."""
    largest = largest_jpeg(photo)
    if not largest:
        return None
    url, width, height = largest["url"], largest["width"], largest["height"]
    data = {
        "@type": "ImageObject",
        "url": absolute(url),
        "contentUrl": absolute(url),
        "width": width,
        "height": height,
    }
    if caption:
        data["caption"] = caption
    if photo.credit_id:
        credit = photo.credit
        data["creditText"] = photo.credit_line
        if credit.photographer:
            data["creator"] = _party(credit.photographer, person=True)
    holder = photo.rights_holder
    if holder:
        is_photographer = photo.credit_id and holder == photo.credit.photographer
        data["copyrightHolder"] = _party(holder, person=bool(is_photographer))
        data["copyrightNotice"] = f"© {holder}"
    return data


def news_article(article: Article, request) -> dict:
    absolute = request.build_absolute_uri
    url = absolute(article.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": article.headline,
        "datePublished": article.publish_at,
        "dateModified": article.modified_at,
        "articleSection": article.section.name,
        "author": [
            {
                "@type": "Person",
                "name": author.name,
                "url": absolute(author.get_absolute_url()),
            }
            for author in article.byline_authors
        ],
        "publisher": {
            "@type": "Organization",
            "name": settings.NEWSROOM_SITE_NAME,
            "url": absolute(reverse("articles:home")),
        },
    }
    if article.standfirst:
        data["description"] = article.standfirst
    # Follow-ups: the newer stories of the thread, newest first, then the one
    # this story follows.
    thread = article.thread
    linked = [*thread.newer, *filter(None, [thread.earlier])]
    if linked:
        data["mainEntityOfPage"]["relatedLink"] = [
            absolute(story.get_absolute_url()) for story in linked
        ]
    photo = article.public_hero_photo
    image = photo and image_object(photo, absolute, article.hero_photo_caption)
    if image:
        data["image"] = [image]
    corrections = [c for c in article.shown_corrections if not c.is_withdrawn]
    if corrections:
        data["correction"] = [
            {
                "@type": "CorrectionComment",
                "text": correction.text,
                "datePublished": correction.published_at,
            }
            for correction in corrections
        ]
    return data


def live_blog_posting(article: Article, updates, request) -> dict:
    """The article as a schema.org LiveBlogPosting, each update readers see a
    BlogPosting in `liveBlogUpdate` (newest first)."""
    absolute = request.build_absolute_uri
    data = news_article(article, request)
    data["@type"] = "LiveBlogPosting"
    data["coverageStartTime"] = article.coverage_start_at
    if article.coverage_end_at:
        data["coverageEndTime"] = article.coverage_end_at
    url = data["url"]
    ordered = sorted(updates, key=lambda u: (u.published_at, u.pk), reverse=True)
    data["liveBlogUpdate"] = [
        _blog_posting(update, article, url, absolute) for update in ordered
    ]
    return data


def _blog_posting(update, article: Article, page_url: str, absolute) -> dict:
    authors = list(update.authors.all()) or article.byline_authors
    posting = {
        "@type": "BlogPosting",
        "@id": f"{page_url}#{update.anchor}",
        "url": f"{page_url}#{update.anchor}",
        "headline": update.headline or article.headline,
        "datePublished": update.published_at,
        "articleBody": strip_tags(update.body),
        "author": [
            {
                "@type": "Person",
                "name": author.name,
                "url": absolute(author.get_absolute_url()),
            }
            for author in authors
        ],
    }
    if update.edited_at:
        posting["dateModified"] = update.edited_at
    images = [image_object(photo, absolute) for photo in update.photos]
    if images := [image for image in images if image]:
        posting["image"] = images
    return posting
