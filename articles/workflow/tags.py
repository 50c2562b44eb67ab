"""Merging and renaming tags: a change of every story that carries them.

Each story whose tags (or pending changes' tags) a merge or rename changes is
locked, gets a new version (a form opened before the change is refused as a
conflict rather than bringing the old tag back), an event and a revision; the
change is announced (page caches turn over, live stories send
`article.updated`), and the related-stories and search indexes are refreshed,
so an old name is found no more.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from taggit.models import Tag, TaggedItem

from articles import related
from articles.edge import keys as edge_keys
from articles.models import Article, ArticleEvent, PendingChange, TagRedirect
from articles.signals import announce_content_changed, announcing_together
from articles.tasks import enqueue, refresh_related
from articles.workflow import recording
from articles.workflow.permissions import User, require
from articles.workflow.rules import InvalidTransition

Action = ArticleEvent.Action
CHUNK = 2000
# Merges touching more articles than this refresh their indexes in the background.
REFRESH_AT_ONCE = 500


@dataclass
class MergeResult:
    survivor: Tag
    merged: list[str]
    articles: int


def merge_tags(tags: Iterable[Tag], into: Tag, *, by: User) -> MergeResult:
    """Move every use of `tags` to `into` and delete them.

    Each article keeps all its other tags and carries `into` once, however many
    of the merged tags it had. The merged tags' pages answer 301 to the survivor.
    """
    _require_tag_rights(by)
    with transaction.atomic(), announcing_together():
        into = _locked_tags([into.pk])[0]
        merged = [tag for tag in _locked_tags([t.pk for t in tags]) if tag != into]
        merged_ids = [tag.pk for tag in merged]
        renames = {tag.name: into.name for tag in merged}
        articles = _lock_articles_carrying(merged_ids, renames)
        _move_tagged_items(merged_ids, into)
        TagRedirect.objects.filter(tag_id__in=merged_ids).update(tag=into)
        TagRedirect.objects.filter(
            old_slug__in=[into.slug, *(tag.slug for tag in merged)]
        ).delete()
        TagRedirect.objects.bulk_create(
            [TagRedirect(old_slug=tag.slug, tag=into) for tag in merged]
        )
        _rename_in_pending_changes(articles, renames)
        Tag.objects.filter(pk__in=merged_ids).delete()
        names = ", ".join(f"“{tag.name}”" for tag in merged)
        _record(articles, by, f"Tags merged: {names} into “{into.name}”")
        shown = {edge_keys.tag(pk) for pk in [*merged_ids, into.pk]}
        announce_content_changed(Tag, keys=shown)
    return MergeResult(
        survivor=into, merged=[tag.name for tag in merged], articles=len(articles)
    )


def rename_tag(tag: Tag, *, name: str, slug: str, by: User) -> Tag:
    """Give the tag a new name and address; its old address answers with a 301
    to the new one, and pending changes carrying the old name carry the new."""
    _require_tag_rights(by)
    with transaction.atomic(), announcing_together():
        [locked] = _locked_tags([tag.pk])
        old_name, old_slug = locked.name, locked.slug
        renames = {old_name: name} if name != old_name else {}
        articles = _lock_articles_carrying([locked.pk], renames)
        locked.name, locked.slug = name, slug
        try:
            locked.full_clean()
            with transaction.atomic():
                locked.save()
        except IntegrityError:
            raise InvalidTransition(
                f"Another tag took the name “{name}” or the address “{slug}” "
                "meanwhile: choose another."
            ) from None
        except ValidationError as error:
            raise InvalidTransition(error.messages) from None
        if old_slug != locked.slug:
            TagRedirect.objects.filter(old_slug=locked.slug).delete()
            TagRedirect.objects.update_or_create(
                old_slug=old_slug, defaults={"tag": locked}
            )
        _rename_in_pending_changes(articles, renames)
        if renames:
            _record(articles, by, f"Tag renamed: “{old_name}” to “{name}”")
        shown = {edge_keys.tag(locked.pk)} | edge_keys.for_articles(
            [article.pk for article in articles]
        )
        announce_content_changed(Tag, keys=shown)
    tag.name, tag.slug = locked.name, locked.slug
    return tag


def _require_tag_rights(user: User) -> None:
    require(user.has_perm("taggit.change_tag"), "You may not change tags.")


def _locked_tags(pks: list[int]) -> list[Tag]:
    # Not FOR UPDATE: a save that tags a story checks the tag's key meanwhile.
    return list(
        Tag.objects.select_for_update(no_key=True).filter(pk__in=pks).order_by("pk")
    )


def _lock_articles_carrying(tag_ids: list[int], renames: dict[str, str]) -> list:
    """The articles carrying the tags, or whose pending changes name them, locked.

    A story saved with one of the tags while the first ones were being locked
    is found on the next round, so none is left carrying a tag that goes away.
    """
    kind = ContentType.objects.get_for_model(Article)
    locked: dict[int, Article] = {}
    while True:
        wanted = set(
            TaggedItem.objects.filter(
                tag_id__in=tag_ids, content_type=kind
            ).values_list("object_id", flat=True)
        )
        wanted |= _pending_naming(renames)
        missing = sorted(wanted - locked.keys())
        if not missing:
            return [locked[pk] for pk in sorted(locked)]
        for start in range(0, len(missing), CHUNK):
            for article in (
                Article.objects.select_for_update(of=("self",))
                .select_related("section")
                .filter(pk__in=missing[start : start + CHUNK])
                .order_by("pk")
            ):
                locked[article.pk] = article


def _pending_naming(renames: dict[str, str]) -> set[int]:
    lowered = {old.lower() for old in renames}
    if not lowered:
        return set()
    return {
        article_id
        for article_id, content in PendingChange.objects.values_list(
            "article_id", "content"
        )
        if any(t.lower() in lowered for t in content.get("tags", []))
    }


def _move_tagged_items(merged_ids: list[int], into: Tag) -> None:
    items = TaggedItem.objects.filter(tag_id__in=merged_ids).order_by("pk")
    already = set(
        TaggedItem.objects.filter(tag=into).values_list("content_type_id", "object_id")
    )
    keep, drop = [], []
    touched: set[tuple[int, int]] = set()
    for pk, content_type_id, object_id in items.values_list(
        "pk", "content_type_id", "object_id"
    ):
        key = (content_type_id, object_id)
        (drop if key in already or key in touched else keep).append(pk)
        touched.add(key)
    for start in range(0, len(drop), CHUNK):
        TaggedItem.objects.filter(pk__in=drop[start : start + CHUNK]).delete()
    for start in range(0, len(keep), CHUNK):
        TaggedItem.objects.filter(pk__in=keep[start : start + CHUNK]).update(tag=into)


def _rename_in_pending_changes(articles: list[Article], names: dict[str, str]) -> None:
    """Pending changes hold tags by name: carry a rename or merge into them, so
    that publishing them later does not bring the old tag back."""
    lowered = {old.lower(): new for old, new in names.items()}
    if not lowered:
        return
    for pending in PendingChange.objects.filter(article__in=articles):
        tags = pending.content.get("tags", [])
        renamed = list(dict.fromkeys(lowered.get(t.lower(), t) for t in tags))
        if renamed != tags:
            pending.content["tags"] = renamed
            pending.save(update_fields=["content"])


def _record(articles: list[Article], by: User, comment: str) -> None:
    """Each story changed: new version, event, revision; then the indexes and
    the announcement, once for all of them."""
    actor = recording.actor_of(by)
    for article in articles:
        recording.bump_version(article)
        recording.event(article, Action.RETAG, actor, comment=comment)
        recording.revision(article, actor, comment)
    ids = [article.pk for article in articles]
    if len(ids) <= REFRESH_AT_ONCE:
        related.refresh_articles(ids)
    else:
        # A common tag's thousands of articles are re-indexed by the task
        # worker; pages read through live() meanwhile, so nothing leaks.
        for start in range(0, len(ids), CHUNK):
            enqueue(refresh_related, ids[start : start + CHUNK])
    announce_content_changed(Article, keys=edge_keys.for_articles(ids))
