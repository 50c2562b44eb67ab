"""The steps every workflow function shares: lock the article, then record what
happened and what follows it.

After a change, in its transaction and in this order:

1. `event`: the workflow step, with its webhook deliveries and, for a
   scheduled article, the sweep at its time (`follow_up`);
2. `saved`: a new version number, the old address kept as a redirect, the
   related-stories and search indexes, the photos' uses, a revision, and the
   page cache's turnover (`follow_up.pages_changed`).
"""

from __future__ import annotations

import reversion
from django.db.models import F, Prefetch, prefetch_related_objects
from django.utils import timezone
from taggit.models import TaggedItem

from articles import related
from articles.models import Article, ArticleEvent, ArticleRedirect, Byline, RelatedLink
from articles.photos.usage import record_uses
from articles.workflow import follow_up
from articles.workflow.permissions import User


def lock(article: Article) -> Article:
    """The article's row, locked until the transaction ends, read afresh.

    Call inside `transaction.atomic()` before reading anything that will be
    changed. PostgreSQL locks the row; SQLite's IMMEDIATE transactions (see
    settings) hold the database's write lock for the whole transaction.
    """
    return (
        Article.objects.select_for_update(of=("self",))
        .select_related("section")
        .get(pk=article.pk)
    )


def actor_of(user: User | None):
    return user if user is not None and user.is_authenticated else None


def event(
    article: Article,
    action: str,
    actor,
    *,
    from_status: str | None = None,
    comment: str = "",
) -> ArticleEvent:
    recorded = ArticleEvent.objects.create(
        article=article,
        action=action,
        actor=actor,
        from_status=from_status or article.status,
        to_status=article.status,
        comment=comment,
    )
    follow_up.webhooks(recorded)
    follow_up.sweep_at_publish_time(recorded)
    return recorded


def saved(article: Article, actor, *, comment: str, old_path: str | None) -> None:
    """Every step that follows a change to the stored article, in order."""
    new_version(article, actor)
    keep_old_address(article, old_path)
    related.refresh_for(article)  # and the search index, which follows it
    record_uses(article)  # where each photo is used, for the photo library
    revision(article, actor, comment)
    follow_up.pages_changed(article)


def new_version(article: Article, actor) -> None:
    """The next version number: any form or API client holding the previous one
    now gets a conflict instead of overwriting this change."""
    Article.objects.filter(pk=article.pk).update(
        version=F("version") + 1, edited_by=actor, edited_at=timezone.now()
    )
    # Fields are read afresh; the rows `ArticleContent.write_to` has just
    # written (prefetched) are what the revision records.
    written = getattr(article, "_prefetched_objects_cache", {})
    article.refresh_from_db()
    article._prefetched_objects_cache = written


def keep_old_address(article: Article, old_path: str | None) -> None:
    """A published article whose address changed keeps answering at the old one."""
    if old_path and article.first_published_at:
        ArticleRedirect.remember(old_path, article)


def bump_version(article: Article) -> None:
    """A change that another open form must not overwrite unknowingly."""
    Article.objects.filter(pk=article.pk).update(version=F("version") + 1)
    article.version += 1


def revision(article: Article, actor, comment: str) -> None:
    """A django-reversion revision of the article as it now is, with its bylines,
    pinned links and tags."""
    # What reversion follows, fetched with what each row's description names:
    # three queries instead of two per tag, byline and link; none for what is
    # prefetched already.
    prefetch_related_objects(
        [article],
        Prefetch("bylines", Byline.objects.select_related("author")),
        Prefetch("related_links", RelatedLink.objects.select_related("to_article")),
        Prefetch("tagged_items", TaggedItem.objects.select_related("tag")),
    )
    for item in article.tagged_items.all():
        item.content_object = article
    with reversion.create_revision(atomic=False):
        reversion.add_to_revision(article)
        reversion.set_user(actor)
        reversion.set_comment(comment)
    article._prefetched_objects_cache.clear()


def public_path(article: Article) -> str | None:
    """The address readers know the article by, if it has ever been published."""
    return article.get_absolute_url() if article.first_published_at else None
