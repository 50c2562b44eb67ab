"""Where a library photo is used, and what that allows.

A photo is used as an article's hero photo or placed in its body (as
`<figure data-photo="12" …>`, see articles/body.py), in the article itself or in
its pending changes. A photo in use cannot be
deleted, which would break the stories; and a photo a live story uses is the
editors' to change: its picture and credit appear on that story at once.
"""

from dataclasses import dataclass

from django.db.models import CharField, F, Func, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat

from articles.models import Article, PendingChange, Photo


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


def _reference(photo_id) -> str:
    # The sanitiser writes every reference with the id in quotes, so this never
    # matches photo 123 when looking for photo 12.
    return f'data-photo="{photo_id}"'


def _using(photo: Photo) -> Q:
    return Q(hero_photo=photo) | Q(body__contains=_reference(photo.pk))


def uses_of(photo: Photo) -> list[PhotoUse]:
    """Every article using the photo, newest first, each saying where."""
    articles = (
        Article.objects.filter(_using(photo))
        .select_related("section")
        .order_by("-publish_at", "-pk")
    )
    uses = [
        PhotoUse(
            article=article,
            as_hero=article.hero_photo_id == photo.pk,
            in_body=_reference(photo.pk) in article.body,
        )
        for article in articles
    ]
    pending = PendingChange.objects.filter(
        Q(content__hero_photo=photo.pk)
        | Q(content__body__icontains=_reference(photo.pk))
    ).select_related("article__section")
    for change in pending:
        uses.append(
            PhotoUse(
                article=change.article,
                as_hero=change.content.get("hero_photo") == photo.pk,
                in_body=_reference(photo.pk) in (change.content.get("body") or ""),
                pending=True,
            )
        )
    return uses


def is_used_by_live_story(photo: Photo) -> bool:
    """Whether a published or scheduled story shows the photo (or will)."""
    if not photo.pk:
        return False
    return (
        Article.objects.filter(status__in=Article.LIVE_STATUSES)
        .filter(_using(photo))
        .exists()
    )


def may_change(user, photo: Photo) -> bool:
    """Writers change only photos no live story uses; editors change any."""
    if not user.has_perm("articles.change_photo"):
        return False
    return user.has_perm("articles.publish_article") or not is_used_by_live_story(photo)


def with_use_counts(photos):
    """Annotate `article_count`: the articles using each photo, hero or body."""
    reference = Concat(
        Value('data-photo="'), Cast(OuterRef("pk"), CharField()), Value('"')
    )
    using = (
        Article.objects.filter(
            Q(hero_photo=OuterRef("pk")) | Q(body__contains=reference)
        )
        .order_by()
        .annotate(count=Func(F("pk"), function="COUNT"))
        .values("count")
    )
    return photos.annotate(article_count=Coalesce(Subquery(using), 0))


def deletion_blockers(photos) -> list[PhotoUse]:
    """The uses that keep these photos in the library, all of them."""
    return [use for photo in photos for use in uses_of(photo)]
