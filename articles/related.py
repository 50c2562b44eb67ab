"""Related stories: editor-pinned links first, then live articles sharing tags."""

from django.conf import settings
from django.db.models import Count

from articles.models import Article, RelatedLink


def related_articles(article: Article, limit: int | None = None) -> list[Article]:
    """Up to `limit` live articles for the "Related stories" list.

    Pinned links come first, in the editor's order; the remaining places go to
    live articles sharing the most tags with this one, newest first on a tie.
    Costs two queries whatever the number of tags (the article's tags are
    expected to be prefetched).
    """
    limit = settings.NEWSROOM_RELATED_COUNT if limit is None else limit
    live = Article.objects.live()
    pinned = [
        link.to_article
        for link in RelatedLink.objects.filter(
            from_article=article, to_article__in=live
        ).select_related("to_article__section")[:limit]
    ]
    tag_ids = [tag.pk for tag in article.tags.all()]
    if len(pinned) >= limit or not tag_ids:
        return pinned
    automatic = (
        live.filter(tags__in=tag_ids)
        .exclude(pk__in=[article.pk, *(p.pk for p in pinned)])
        .annotate(shared_tags=Count("tags"))
        .select_related("section")
        .order_by("-shared_tags", "-publish_at", "-pk")[: limit - len(pinned)]
    )
    return pinned + list(automatic)
