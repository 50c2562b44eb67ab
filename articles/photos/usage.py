"""Where a library photo is used, and what that allows.

A photo is used as an article's hero photo or placed in its body (as
`<figure data-photo="12" …>`, see articles/body.py), in the article itself, in
its pending changes or in one of its live updates. A photo in use cannot be
deleted, which would break the stories; and a photo a live story uses is the
editors' to change: its picture and credit appear on that story at once.

Uses are kept as rows (`PhotoUsage`) written by the workflow whenever an article
or its pending changes are saved, so the library never reads articles' bodies.
"""

from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from articles.body import photo_ids
from articles.models import Article, PendingChange, Photo, PhotoUsage


@dataclass(frozen=True)
class PhotoUse:
    article: Article
    as_hero: bool
    in_body: bool
    pending: bool = False  # only in changes not yet published

    @property
    def where(self) -> str:
        places = [("hero photo", self.as_hero), ("in the body", self.in_body)]
        where = " and ".join(name for name, used in places if used)
        return f"{where} in pending changes" if self.pending else where

    @property
    def is_live_story(self) -> bool:
        return self.article.status in Article.LIVE_STATUSES


def places_in(hero_photo_id, body: str) -> dict[int, tuple[bool, bool]]:
    """Each photo an article's content shows: {photo id: (as hero, in body)}."""
    places: dict[int, tuple[bool, bool]] = {}
    for photo_id in photo_ids(body or ""):
        places[photo_id] = (False, True)
    if hero_photo_id:
        places[hero_photo_id] = (True, hero_photo_id in places)
    return places


def record_uses(article: Article) -> None:
    """Keep the article's rows of `PhotoUsage` true to what it and its pending
    changes now show. Called by the workflow after every change of either."""
    places = {
        (photo_id, False): where
        for photo_id, where in places_in(article.hero_photo_id, article.body).items()
    }
    if article.coverage_start_at is not None:
        for body in article.live_updates.values_list("body", flat=True):
            for photo_id in photo_ids(body):
                as_hero, _ = places.get((photo_id, False), (False, True))
                places[photo_id, False] = (as_hero, True)
    pending = (
        PendingChange.objects.filter(article=article)
        .values_list("content", flat=True)
        .first()
    )
    if pending is not None:
        proposed = places_in(pending.get("hero_photo"), pending.get("body"))
        places.update({(pk, True): where for pk, where in proposed.items()})
    PhotoUsage.objects.filter(article=article).delete()
    if not places:
        return
    existing = set(
        Photo.objects.filter(pk__in={pk for pk, _ in places}).values_list(
            "pk", flat=True
        )
    )
    PhotoUsage.objects.bulk_create(
        PhotoUsage(
            photo_id=photo_id,
            article=article,
            as_hero=as_hero,
            in_body=in_body,
            pending=pending_use,
        )
        for (photo_id, pending_use), (as_hero, in_body) in places.items()
        if photo_id in existing
    )


def uses_of(photo: Photo) -> list[PhotoUse]:
    """Every article using the photo, newest first, each saying where; uses
    only in pending changes come last."""
    rows = (
        PhotoUsage.objects.filter(photo=photo)
        .select_related("article__section")
        .order_by("pending", "-article__publish_at", "-article__pk")
    )
    return [
        PhotoUse(
            article=row.article,
            as_hero=row.as_hero,
            in_body=row.in_body,
            pending=row.pending,
        )
        for row in rows
    ]


def is_used_by_live_story(photo: Photo) -> bool:
    """Whether a published or scheduled story shows the photo (or will)."""
    if not photo.pk:
        return False
    return PhotoUsage.objects.filter(
        photo=photo, pending=False, article__status__in=Article.LIVE_STATUSES
    ).exists()


def may_change(user, photo: Photo) -> bool:
    """Writers change only photos no live story uses; editors change any."""
    if not user.has_perm("articles.change_photo"):
        return False
    return user.has_perm("articles.publish_article") or not is_used_by_live_story(photo)


def with_use_counts(photos):
    """Annotate `article_count`: the articles using each photo, hero or body."""
    using = (
        PhotoUsage.objects.filter(photo=OuterRef("pk"), pending=False)
        .order_by()
        .values("photo")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return photos.annotate(
        article_count=Coalesce(Subquery(using, output_field=IntegerField()), Value(0))
    )


def deletion_blockers(photos) -> list[PhotoUse]:
    """The uses that keep these photos in the library, all of them."""
    return [use for photo in photos for use in uses_of(photo)]
