"""Saving over a newer version: a three-way merge against the version the person
opened.

Whoever opens an article (its change page, the API) is handed its content at a
version, which is kept (`OpenedVersion`). A save from that version after
someone else saved compares three contents field by field: the one opened (the
base), the person's, and the one saved now. A field only one side changed is
taken from that side; a field both changed alike is kept; a field both changed
differently is a conflict, refused with `MergeConflict` naming it, so the
person can choose and save again. A merge is a new save at the current
version, through `editing.edit`, under the article's lock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields

from django.db import transaction

from articles.models import Article, OpenedVersion
from articles.workflow import recording
from articles.workflow.content import LABELS, ArticleContent, _verbose_name
from articles.workflow.editing import (
    EditConflict,
    check_version,
    edit,
    proposed_content,
)
from articles.workflow.permissions import User, can_edit, require

MERGED_FIELDS = tuple(f.name for f in fields(ArticleContent))
# Fields whose two versions can both be kept, one after the other.
TEXT_FIELDS = (
    "headline",
    "standfirst",
    "body",
    "hero_caption",
    "hero_alt_text",
    "seo_title",
    "seo_description",
)


class MergeConflict(EditConflict):
    """Both sides changed the same fields: the person chooses, then saves again."""

    def __init__(self, merge: Merge):
        self.merge = merge
        super().__init__(
            "Someone else saved this article while you were editing and changed "
            f"what you changed too: {', '.join(merge.conflict_labels)}. Nothing "
            "was saved; choose what to keep and save again."
        )


@dataclass
class Merge:
    """The outcome of merging a save into what is saved now."""

    content: ArticleContent
    theirs: ArticleContent
    mine: ArticleContent
    # The current version, which a second save (after choosing) must name.
    version: int
    conflicts: list[str] = field(default_factory=list)
    # Fields taken from the other side, to say what was kept of theirs.
    taken: list[str] = field(default_factory=list)

    @property
    def conflict_labels(self) -> list[str]:
        return [field_label(name) for name in self.conflicts]


def field_label(name: str) -> str:
    return LABELS.get(name) or _verbose_name(name)


def keep_opened_version(article: Article, content: ArticleContent) -> None:
    """Keep what the article says at its version, as someone is handed it.

    `content` was read after `article`: kept only if the article is still at
    that version, so no save that committed in between is filed under it.
    """
    if not Article.objects.filter(pk=article.pk, version=article.version).exists():
        return
    OpenedVersion.objects.bulk_create(
        [
            OpenedVersion(
                article=article, version=article.version, content=content.as_json()
            )
        ],
        ignore_conflicts=True,
    )


def content_opened_at(article: Article, version: int | None) -> ArticleContent | None:
    """The content the article had at `version`, if someone was handed it."""
    if version is None:
        return None
    row = OpenedVersion.objects.filter(article=article, version=version).first()
    return ArticleContent.from_json(row.content) if row else None


def _comparable(name: str, value):
    if name == "tags":
        return {tag.strip().lower() for tag in value}
    return value


def merge_three_ways(
    base: ArticleContent, mine: ArticleContent, theirs: ArticleContent, version: int
) -> Merge:
    merged = ArticleContent(**theirs.as_json())
    merge = Merge(content=merged, theirs=theirs, mine=mine, version=version)
    for name in MERGED_FIELDS:
        was, mine_now, theirs_now = (
            _comparable(name, getattr(side, name)) for side in (base, mine, theirs)
        )
        if mine_now == theirs_now:
            continue
        if mine_now == was:
            merge.taken.append(name)
        elif theirs_now == was:
            setattr(merged, name, getattr(mine, name))
        else:
            merge.conflicts.append(name)
            setattr(merged, name, getattr(mine, name))
    return merge


def plan_merge(
    locked: Article, mine: ArticleContent, version: int | None
) -> Merge | None:
    """How `mine`, made from `version`, merges into the locked article; None when
    the version opened is unknown (and so no merge is possible)."""
    base = content_opened_at(locked, version)
    if base is None:
        return None
    return merge_three_ways(
        base.normalised(),
        mine.normalised(),
        proposed_content(locked).normalised(),
        locked.version,
    )


def both_versions(name: str, mine, theirs):
    """Both versions of a field kept: the person's first, then the other."""
    if name == "tags":
        return [*mine, *theirs]
    if name == "body":
        return f"{mine}{theirs}"
    separator = "\n\n" if name in {"standfirst", "hero_caption"} else " "
    return f"{mine}{separator}{theirs}"


def edit_merging(
    article: Article,
    change: Callable[[ArticleContent], ArticleContent],
    *,
    by: User,
    version: int | None,
) -> Article:
    """Save `change` applied to what the article said at `version`.

    At the current version (or without one) this is `editing.edit_fields`; from
    an older one, the fields the person changed are merged into what is saved
    now, and the merge is saved at the current version, all under one lock.
    Refused with `MergeConflict` where both sides changed a field, and with
    `EditConflict` when the version opened is not known.
    """
    with transaction.atomic():
        locked = recording.lock(article)
        require(can_edit(by, locked), "You may not edit this article.")
        if version is None or version == locked.version:
            content = change(proposed_content(locked))
        else:
            base = content_opened_at(locked, version)
            if base is None:
                check_version(locked, version, change(proposed_content(locked)))
            merge = plan_merge(locked, change(base), version)
            if merge.conflicts:
                raise MergeConflict(merge)
            content = merge.content
        edit(locked, content, by=by, version=locked.version)
    article.refresh_from_db()
    return article
