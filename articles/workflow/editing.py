"""Changing what an article says: create, edit, pending changes, restore.

A live article is never changed in place by an edit: the edit is kept as its
pending changes (`PendingChange`, holding the whole proposed content) until an
editor publishes or discards them. Every other article takes an edit at once.
Every function locks the article first and checks the version the editor
started from, so two people saving at once make one winner and one clear
refusal, never a silent overwrite.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from reversion.models import Version
from taggit.models import Tag, TaggedItem

from articles.body import photo_ids
from articles.models import (
    Article,
    ArticleEvent,
    Byline,
    PendingChange,
    Photo,
    RelatedLink,
)
from articles.photos.usage import record_uses
from articles.workflow import recording
from articles.workflow.content import ARTICLE_FIELDS, ArticleContent
from articles.workflow.permissions import (
    User,
    can_create,
    can_edit,
    is_editor,
    require,
)
from articles.workflow.rules import InvalidTransition, require_publishable

Status = Article.Status
Action = ArticleEvent.Action


class EditConflict(InvalidTransition):
    """Someone else saved the article after the editor opened it."""


class SlugTaken(InvalidTransition):
    """Another article took the address while this one was being saved."""


# How often a new draft whose slug comes from its headline tries the next free
# one, when other drafts with the same headline are created at the same moment.
SLUG_ATTEMPTS = 5


def create(content: ArticleContent, *, by: User) -> Article:
    """A new draft saying `content`; a writer's own byline when none is given.

    Without a slug, the draft takes a free one made from its headline; drafts
    created at the same moment with the same headline each get their own.
    """
    content = content.normalised()
    author = getattr(by, "author", None)
    if not content.authors and author is not None:
        content.authors = [author.pk]
    actor = recording.actor_of(by)
    chosen = content.slug
    for _attempt in range(SLUG_ATTEMPTS):
        try:
            with refusing_taken_slug(content), transaction.atomic():
                content.slug = chosen or free_slug(content.headline)
                check_edit(None, content, by=by)
                article = Article(
                    status=Status.DRAFT, created_by=actor, edited_by=actor
                )
                content.write_to(article)
                recording.saved(article, actor, comment="Created", old_path=None)
            return article
        except SlugTaken:
            if chosen:
                raise
    raise SlugTaken(
        "Other articles with this headline were being created at the same "
        "moment: give this one a slug of its own."
    )


def free_slug(headline: str) -> str:
    """A slug made from the headline that no article has yet."""
    base = slugify(headline)[:190] or "article"
    taken = set(
        Article.objects.filter(slug__startswith=base).values_list("slug", flat=True)
    )
    return next(
        slug
        for slug in (base, *(f"{base}-{n}" for n in range(2, len(taken) + 3)))
        if slug not in taken
    )


@contextmanager
def refusing_taken_slug(
    content: ArticleContent, article: Article | None = None
) -> Iterator[None]:
    """Around a transaction that writes `content.slug`: another article that
    took it at the same moment makes a clear refusal (`SlugTaken`), not a
    database error. Neither `check_edit` nor `full_clean` can see a row that
    another transaction has not committed yet; the database's unique index does.
    """
    try:
        yield
    except IntegrityError:
        if not _slug_taken(content.slug, article):
            raise
        raise SlugTaken(_slug_taken_message(content.slug)) from None


def _slug_taken(slug: str, article: Article | None) -> bool:
    others = Article.objects.filter(slug=slug)
    if article is not None and article.pk:
        others = others.exclude(pk=article.pk)
    return bool(slug) and others.exists()


def _slug_taken_message(slug: str) -> str:
    return (
        f"Another article has the address “{slug}”: nothing was saved. "
        "Choose another slug and save again."
    )


def edits_are_pending(article: Article) -> bool:
    """Whether saving `article` now makes pending changes rather than changing it."""
    return article.is_live() or has_pending_changes(article)


def edit(
    article: Article,
    content: ArticleContent,
    *,
    by: User,
    version: int | None = None,
) -> Article:
    """Save `content` as the article's new content (or pending changes, if live).

    `version` is the article's version when the editor opened it; a save from an
    older one is refused with `EditConflict`, naming who saved meanwhile.
    """
    content = content.normalised()
    with refusing_taken_slug(content, article), transaction.atomic():
        locked = check_edit(article, content, by=by, version=version)
        actor = recording.actor_of(by)
        if edits_are_pending(locked):
            _propose(locked, content, actor)
        else:
            old_path = recording.public_path(locked)
            content.write_to(locked)
            recording.saved(locked, actor, comment="Edited", old_path=old_path)
    article.refresh_from_db()
    return article


def edit_fields(
    article: Article,
    change: Callable[[ArticleContent], ArticleContent],
    *,
    by: User,
    version: int | None,
) -> Article:
    """Save `change` applied to what the article will say (with its pending
    changes), read once the article is locked: a client sending only some
    fields changes those and nothing another save wrote meanwhile."""
    with transaction.atomic():
        locked = recording.lock(article)
        require(can_edit(by, locked), "You may not edit this article.")
        check_version(locked, version)
        edit(locked, change(proposed_content(locked)), by=by, version=version)
    article.refresh_from_db()
    return article


def check_edit(
    article: Article | None,
    content: ArticleContent,
    *,
    by: User,
    version: int | None = None,
) -> Article | None:
    """Refuse a save that `edit` (or `create`, for no article) would refuse.

    Call inside a transaction: the article stays locked until it ends, so a form
    checked here and saved later in the same transaction cannot be overtaken.
    """
    _require_photos_exist(content)
    if problem := content.follows_problem(article):
        raise ValidationError(f"Follows: {problem}")
    if article is None:
        require(can_create(by), "You may not write articles.")
        _require_free_slug(content, None)
        return None
    locked = recording.lock(article)
    require(can_edit(by, locked), "You may not edit this article.")
    check_version(locked, version, content)
    _require_free_slug(content, locked)
    if locked.status == Status.SCHEDULED and not edits_are_pending(locked):
        require_publishable(content.normalised(), locked)
    return locked


def _require_free_slug(content: ArticleContent, article: Article | None) -> None:
    if _slug_taken(content.slug, article):
        raise SlugTaken(_slug_taken_message(content.slug))


def check_version(
    article: Article, version: int | None, content: ArticleContent | None = None
) -> None:
    """Refuse a save made from an older version than the article has now."""
    if version is None or version == article.version:
        return
    raise EditConflict(_conflict_message(article, content))


def has_pending_changes(article: Article) -> bool:
    return PendingChange.objects.filter(article=article).exists()


def proposed_content(article: Article) -> ArticleContent:
    """What the article will say once its pending changes are published."""
    pending = PendingChange.objects.filter(article=article).first()
    if pending is not None:
        return ArticleContent.from_json(pending.content)
    return ArticleContent.of(article)


def preview(article: Article) -> Article:
    """The article as it will read with its pending changes, written nowhere."""
    pending = PendingChange.objects.filter(article=article).first()
    if pending is None:
        return Article.objects.for_page().get(pk=article.pk)
    return ArticleContent.from_json(pending.content).as_unsaved_article(article)


def publish_changes(
    article: Article,
    *,
    by: User,
    comment: str = "",
    version: int | None = None,
    note: str = "",
) -> Article:
    """Make an editor-approved set of pending changes visible to readers.

    With `version`, only the pending changes the editor saw are published.
    `note` is the one-line reason readers see next to "Updated".
    """
    note = clean_update_note(note)
    # What the pending changes bring, to name their slug if another article
    # takes it meanwhile.
    proposed = proposed_content(article)
    with refusing_taken_slug(proposed, article), transaction.atomic():
        locked = recording.lock(article)
        require(is_editor(by), "Only editors can publish changes to live articles.")
        check_version(locked, version)
        pending = PendingChange.objects.filter(article=locked).first()
        if pending is None:
            raise InvalidTransition(
                "There are no pending changes to publish: someone may have "
                "published or discarded them meanwhile."
            )
        content = ArticleContent.from_json(pending.content)
        if locked.status in Article.LIVE_STATUSES:
            require_publishable(content, locked)
        write_pending(
            locked, pending, recording.actor_of(by), note=note, comment=comment
        )
    article.refresh_from_db()
    return article


def write_pending(
    locked: Article,
    pending: PendingChange,
    actor,
    *,
    note: str,
    comment: str,
    at: datetime | None = None,
) -> None:
    """Put pending changes, checked already, before readers, with their update
    note, as updated `at` (now); `locked` is locked by the caller's transaction."""
    old_path = recording.public_path(locked)
    pending.delete()
    ArticleContent.from_json(pending.content).write_to(locked)
    Article.objects.filter(pk=locked.pk).update(
        updated_at=at or timezone.now(), update_note=note
    )
    recording.event(locked, Action.PUBLISH_CHANGES, actor, comment=note or comment)
    recording.saved(
        locked, actor, comment=Action.PUBLISH_CHANGES.label, old_path=old_path
    )


def clean_update_note(note: str) -> str:
    note = note.strip()
    if "\n" in note or "\r" in note:
        raise InvalidTransition(
            "The update note is one line: readers see it by the date."
        )
    limit = Article._meta.get_field("update_note").max_length
    if len(note) > limit:
        raise InvalidTransition(
            f"The update note has {len(note)} characters; at most {limit} fit."
        )
    return note


def discard_changes(article: Article, *, by: User, version: int | None = None) -> None:
    with transaction.atomic():
        locked = recording.lock(article)
        require(is_editor(by), "Only editors can discard pending changes.")
        check_version(locked, version)
        deleted, _ = PendingChange.objects.filter(article=locked).delete()
        if not deleted:
            raise InvalidTransition("There are no pending changes to discard.")
        record_uses(locked)
        recording.bump_version(locked)
        recording.event(locked, Action.DISCARD_CHANGES, recording.actor_of(by))


def restore(
    article: Article, revision: Version, *, by: User, version: int | None
) -> Article:
    """Bring back an earlier revision's content as a new revision.

    Restoring is an edit: `version` is the article's version when the editor
    chose the revision (a restore over changes saved since is refused with
    `EditConflict`), and a scheduled article takes it only if it passes the
    publishing checklist. A live article gets it as pending changes, so readers
    see it only once an editor publishes it; any other article is changed at
    once. The workflow state (status and dates) is never restored.
    """
    require(is_editor(by), "Only editors can restore revisions.")
    if (
        revision.object_id != str(article.pk)
        or revision.content_type.model_class() != Article
    ):
        raise InvalidTransition("That revision belongs to another article.")
    content = content_of_revision(revision).normalised()
    when = timezone.localtime(revision.revision.date_created)
    comment = f"Restored the revision of {when:%b} {when.day}, {when:%Y %H:%M}"
    with refusing_taken_slug(content, article), transaction.atomic():
        locked = check_edit(article, content, by=by, version=version)
        actor = recording.actor_of(by)
        if edits_are_pending(locked):
            _propose(locked, content, actor)
            recording.event(
                locked, Action.RESTORE, actor, comment=f"{comment} as pending changes"
            )
        else:
            old_path = recording.public_path(locked)
            content.write_to(locked)
            recording.event(locked, Action.RESTORE, actor, comment=comment)
            recording.saved(locked, actor, comment=comment, old_path=old_path)
    article.refresh_from_db()
    return article


def content_of_revision(version: Version) -> ArticleContent:
    """The content stored in a revision of an article, as far as it still exists:
    authors, tags, pinned stories and a followed story deleted since are left
    out."""
    fields = version.field_dict
    followed: dict[type, list[dict]] = {}
    for other in version.revision.version_set.exclude(pk=version.pk):
        model = other.content_type.model_class()
        followed.setdefault(model, []).append(other.field_dict)

    def ordered(model, key):
        rows = sorted(followed.get(model, []), key=lambda row: row["position"])
        return [row[key] for row in rows]

    tag_ids = [row["tag_id"] for row in followed.get(TaggedItem, [])]
    tags = Tag.objects.filter(pk__in=tag_ids).values_list("name", flat=True)
    earlier = fields.get("follows_id")
    if earlier is not None and not Article.objects.filter(pk=earlier).exists():
        earlier = None
    return ArticleContent(
        **{name: fields.get(name, "") for name in ARTICLE_FIELDS},
        section=fields["section_id"],
        hero_photo=fields.get("hero_photo_id"),
        tags=list(tags),
        authors=ordered(Byline, "author_id"),
        related=ordered(RelatedLink, "to_article_id"),
        follows=earlier,
    )


def _propose(article: Article, content: ArticleContent, actor) -> None:
    """Keep `content` as the live article's pending changes (or drop them when
    it says what readers already see)."""
    if content == ArticleContent.of(article).normalised():
        PendingChange.objects.filter(article=article).delete()
    else:
        PendingChange.objects.update_or_create(
            article=article,
            defaults={
                "content": content.as_json(),
                "created_by": actor,
                "created_at": timezone.now(),
            },
        )
    record_uses(article)
    recording.bump_version(article)


def _require_photos_exist(content: ArticleContent) -> None:
    wanted = set(photo_ids(content.body))
    if content.hero_photo:
        wanted.add(content.hero_photo)
    if not wanted:
        return
    # Held until the save commits: a photo being deleted (`photos.delete_photo`
    # locks it first) is either gone, and the save refused, or kept for it.
    found = set(
        Photo.objects.select_for_update(no_key=True)
        .filter(pk__in=wanted)
        .values_list("pk", flat=True)
    )
    if missing := sorted(wanted - found):
        raise ValidationError(
            "The article shows photos that are no longer in the photo library "
            f"({', '.join(f'#{pk}' for pk in missing)}). Remove them and save again."
        )


def _conflict_message(article: Article, content: ArticleContent | None) -> str:
    pending = PendingChange.objects.filter(article=article).select_related("created_by")
    latest = pending.first()
    if latest is not None:
        user, when = latest.created_by, latest.created_at
    else:
        version = (
            Version.objects.get_for_object(article)
            .select_related("revision__user")
            .first()
        )
        user = version.revision.user if version else article.edited_by
        when = version.revision.date_created if version else article.edited_at
    when = timezone.localtime(when)
    who = f" ({user.get_username() if user else 'the scheduler'}, {when:%H:%M})"
    changed = ""
    if content is not None:
        differs = content.differences(proposed_content(article).normalised())
        if differs:
            changed = f" What is saved now differs from yours in: {', '.join(differs)}."
    return (
        f"Someone else saved this article while you were editing{who}.{changed} "
        "Your changes were not saved and nothing was overwritten: open the "
        "article again, where your unsaved work is offered back, and save it "
        "onto what is saved now."
    )
