"""The editorial workflow: the only code that changes an article's status.

    draft --submit--> in_review --publish--> published --unpublish--> unpublished
      ^                 |  \\--schedule--> scheduled --(publish_at)--> published
      +----return-------+

The five states and six moves fit in one mapping; a state-machine library such as
django-fsm-2 would move the transitions onto the model as decorated methods and
guard the field against direct assignment, which django-reversion's restore and
the JSON import legitimately need, while adding nothing for the part that matters
here: a conditional UPDATE so that two people (or two scheduler runs) moving the
same article at once produce exactly one transition and one event.

Each transition checks the actor's permission and the current state, records an
`ArticleEvent` and a revision, and either completes or changes nothing.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

import reversion
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from reversion.models import Revision, Version
from taggit.models import Tag, TaggedItem

from articles import related
from articles.body import photo_ids
from articles.models import (
    Article,
    ArticleEvent,
    ArticleRedirect,
    PendingChange,
    Photo,
    photo_problems,
)
from articles.signals import announce_content_changed, announce_event

Status = Article.Status
Action = ArticleEvent.Action
User = AbstractBaseUser | AnonymousUser

ALLOWED_MOVES: dict[str, set[str]] = {
    Status.DRAFT: {Status.IN_REVIEW},
    Status.IN_REVIEW: {Status.DRAFT, Status.SCHEDULED, Status.PUBLISHED},
    Status.SCHEDULED: {Status.DRAFT, Status.PUBLISHED},
    Status.PUBLISHED: {Status.UNPUBLISHED},
    Status.UNPUBLISHED: {Status.DRAFT, Status.SCHEDULED, Status.PUBLISHED},
}

ACTION_TARGETS: dict[str, str] = {
    Action.SUBMIT: Status.IN_REVIEW,
    Action.RETURN: Status.DRAFT,
    Action.SCHEDULE: Status.SCHEDULED,
    Action.PUBLISH: Status.PUBLISHED,
    Action.UNPUBLISH: Status.UNPUBLISHED,
}

# Fields that belong to the workflow, not to the content: restoring a revision or
# publishing pending changes never touches them.
WORKFLOW_FIELDS = (
    "status",
    "publish_at",
    "first_published_at",
    "updated_at",
    "version",
    "created_at",
    "created_by",
)


class InvalidTransition(ValidationError):
    """A move the workflow does not allow from the article's current state."""


# Permission checks ----------------------------------------------------------------


def is_editor(user: User) -> bool:
    return user.has_perm("articles.publish_article")


def is_author_of(user: User, article: Article) -> bool:
    if not user.is_authenticated:
        return False
    if article.created_by_id == user.pk:
        return True
    return any(byline.author.user_id == user.pk for byline in article.bylines.all())


def can_view(user: User, article: Article) -> bool:
    if not user.is_authenticated or not user.has_perm("articles.view_article"):
        return False
    return user.has_perm("articles.edit_any_article") or is_author_of(user, article)


def can_edit(user: User, article: Article) -> bool:
    """Editors edit anything; writers edit their own drafts only."""
    if not user.is_authenticated or not user.has_perm("articles.change_article"):
        return False
    if user.has_perm("articles.edit_any_article"):
        return True
    return article.status == Status.DRAFT and is_author_of(user, article)


def allowed_actions(user: User, article: Article) -> list[str]:
    """The transitions `user` may make on `article` now, in button order."""
    actions = []
    for action, target in ACTION_TARGETS.items():
        if target not in ALLOWED_MOVES[article.status]:
            continue
        if action == Action.SUBMIT and can_edit(user, article):
            actions.append(action)
        elif action != Action.SUBMIT and is_editor(user):
            actions.append(action)
    return actions


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _require_publishable(article: Article) -> None:
    """Readers must never get a photo without alt text, credit or a licence."""
    problems = photo_problems(article.hero_photo)
    inline = Photo.objects.select_related("credit").filter(
        pk__in=photo_ids(article.body)
    )
    for photo in inline:
        problems += [f"In the body: {problem}" for problem in photo_problems(photo)]
    if problems:
        raise InvalidTransition(f"“{article.headline}” cannot go live: {problems[0]}")


# Transitions ----------------------------------------------------------------------


def submit(article: Article, *, by: User, comment: str = "") -> Article:
    _require(can_edit(by, article), "You may only submit your own drafts.")
    return _move(article, Action.SUBMIT, by=by, comment=comment)


def return_to_writer(article: Article, *, by: User, comment: str) -> Article:
    _require(is_editor(by), "Only editors can return articles to the writer.")
    if not comment.strip():
        raise InvalidTransition("Tell the writer what to change: a comment is needed.")
    return _move(article, Action.RETURN, by=by, comment=comment)


def schedule(
    article: Article, *, by: User, at: datetime | None, comment: str = ""
) -> Article:
    _require(is_editor(by), "Only editors can schedule articles.")
    if at is None or at <= timezone.now():
        raise InvalidTransition(
            "Choose a publish time in the future; to publish now, use Publish."
        )
    _require_publishable(article)
    return _move(article, Action.SCHEDULE, by=by, comment=comment, publish_at=at)


def publish(article: Article, *, by: User, comment: str = "") -> Article:
    _require(is_editor(by), "Only editors can publish articles.")
    _require_publishable(article)
    now = timezone.now()
    if article.first_published_at:
        # Back after an unpublish: keeps its date, shows as updated.
        changes = {"updated_at": now}
        if article.publish_at is None or article.publish_at > now:
            changes["publish_at"] = now
    else:
        changes = {"publish_at": now, "first_published_at": now}
    return _move(article, Action.PUBLISH, by=by, comment=comment, **changes)


def unpublish(article: Article, *, by: User, comment: str = "") -> Article:
    _require(is_editor(by), "Only editors can unpublish articles.")
    return _move(article, Action.UNPUBLISH, by=by, comment=comment)


def publish_due(now: datetime | None = None) -> list[Article]:
    """Record the publication of scheduled articles whose time has come.

    Readers see them from `publish_at` anyway (`live()` compares the time); this
    writes the transition and its event. Safe to run repeatedly and concurrently:
    each article is moved by exactly one run.
    """
    now = now or timezone.now()
    due = Article.objects.filter(status=Status.SCHEDULED, publish_at__lte=now)
    published = []
    for article in due.order_by("publish_at", "pk"):
        try:
            published.append(
                _move(
                    article,
                    Action.PUBLISH,
                    by=None,
                    comment="Published at its scheduled time.",
                    first_published_at=article.first_published_at or article.publish_at,
                )
            )
        except InvalidTransition:
            continue  # moved meanwhile by another run or an editor
    return published


def _move(
    article: Article, action: str, *, by: User | None, comment: str = "", **changes
) -> Article:
    source = article.status
    target = ACTION_TARGETS[action]
    if target not in ALLOWED_MOVES[source]:
        raise InvalidTransition(
            f"“{article.headline}” is {article.get_status_display().lower()}; "
            f"it cannot be {Action(action).label.lower()}."
        )
    for name, value in {"status": target, **changes}.items():
        setattr(article, name, value)
    article.full_clean()
    actor = by if by is not None and by.is_authenticated else None
    with transaction.atomic(), reversion.create_revision():
        # The status condition makes concurrent moves of one article race safely:
        # only the first UPDATE matches, the others change nothing.
        moved = Article.objects.filter(pk=article.pk, status=source).update(
            status=target, edited_by=actor, edited_at=timezone.now(), **changes
        )
        if not moved:
            article.status = source
            raise InvalidTransition(
                f"“{article.headline}” was changed by someone else meanwhile; "
                "reload the page and try again."
            )
        announce_event(
            ArticleEvent.objects.create(
                article=article,
                action=action,
                actor=actor,
                from_status=source,
                to_status=target,
                comment=comment,
            )
        )
        announce_content_changed(Article)
        article.refresh_from_db()
        related.refresh_for(article)
        reversion.add_to_revision(article)
        reversion.set_user(actor)
        reversion.set_comment(Action(action).label)
    return article


# Revisions and pending changes ----------------------------------------------------


def _current_workflow_fields(article: Article) -> dict:
    return dict(Article.objects.filter(pk=article.pk).values(*WORKFLOW_FIELDS).get())


def snapshot_of_revision(revision: Revision) -> Snapshot:
    versions = list(revision.version_set.all())
    tagged = ContentType.objects.get_for_model(TaggedItem)
    tag_ids = [
        json.loads(v.serialized_data)[0]["fields"]["tag"]
        for v in versions
        if v.content_type_id == tagged.pk
    ]
    names = dict(Tag.objects.filter(pk__in=tag_ids).values_list("pk", "name"))
    return Snapshot(versions, names)


# django-reversion's own Revision.revert() cannot recreate rows stored without a
# primary key: its deserializer matches a key-less TaggedItem to an existing one by
# natural key and overwrites it. This applies an article's revision exactly.
FOLLOWED = ("bylines", "related_links", "tagged_items")
NEW_ROW = "0"


def _revert(article: Article, revision: Revision) -> None:
    versions = list(revision.version_set.select_related("content_type"))
    keep = {(v.content_type_id, v.object_id) for v in versions}
    for name in FOLLOWED:
        related = getattr(article, name).all()
        content_type = ContentType.objects.get_for_model(related.model)
        stale = [o.pk for o in related if (content_type.pk, str(o.pk)) not in keep]
        related.model.objects.filter(pk__in=stale).delete()
    versions.sort(key=lambda version: version.content_type.model_class() is not Article)
    for version in versions:
        instance = next(
            serializers.deserialize(
                version.format, version.serialized_data, ignorenonexistent=True
            )
        ).object
        is_new = version.object_id == NEW_ROW
        if is_new:
            instance.pk = None
        instance._state.adding = is_new
        instance._state.db = version.db
        try:
            instance.full_clean()
        except ValidationError as error:
            raise InvalidTransition(
                f"This revision cannot be applied: {'; '.join(error.messages)}"
            ) from None
        instance.save(force_insert=is_new)


def _apply(article: Article, revision: Revision) -> None:
    """Write `revision`'s content onto the article, keeping its workflow state."""
    workflow = _current_workflow_fields(article)
    old_path = article.get_absolute_url()
    _revert(article, revision)
    Article.objects.filter(pk=article.pk).update(**workflow)
    article.refresh_from_db()
    related.refresh_for(article)
    if article.first_published_at:
        ArticleRedirect.remember(old_path, article)


@contextmanager
def pending_applied(article: Article):
    """Show the article with its pending changes inside the block, then undo them.

    Used to render previews and the admin form of a live article with pending
    changes: everything reads the database as it will be once published, and the
    rollback guarantees readers never see it early.
    """
    pending = PendingChange.objects.filter(article=article).first()
    with transaction.atomic():
        savepoint = transaction.savepoint()
        try:
            if pending:
                _apply(article, pending.revision)
            yield article
        finally:
            transaction.savepoint_rollback(savepoint)
            article.refresh_from_db()


def has_pending_changes(article: Article) -> bool:
    return PendingChange.objects.filter(article=article).exists()


@dataclass
class Snapshot:
    """An article's latest revision, read inside a savepoint that is rolled back."""

    versions: list[Version]
    tag_names: dict[int, str]


def snapshot(article: Article) -> Snapshot | None:
    latest = Version.objects.get_for_object(article).select_related("revision").first()
    return snapshot_of_revision(latest.revision) if latest else None


def _detached(snapshot: Snapshot) -> list[Version]:
    """Versions safe to keep after the savepoint that made them is rolled back.

    Rows first created in that savepoint (a new byline, a new tag) no longer exist,
    and their primary keys may be handed out again; they are stored without one,
    so that publishing creates them afresh. New tags are created for real: an
    unused tag shows nowhere.
    """
    tagged = ContentType.objects.get_for_model(TaggedItem)
    detached = []
    for version in snapshot.versions:
        data = json.loads(version.serialized_data)
        model = version.content_type.model_class()
        if version.content_type_id == tagged.pk:
            name = snapshot.tag_names[data[0]["fields"]["tag"]]
            data[0]["fields"]["tag"] = Tag.objects.get_or_create(name=name)[0].pk
        object_id = version.object_id
        if model is not Article and not model.objects.filter(pk=object_id).exists():
            data[0]["pk"] = None
            object_id = NEW_ROW
        version.serialized_data = json.dumps(data)
        version.object_id = object_id
        detached.append(version)
    return detached


def store_pending(article: Article, *, by: User, snapshot: Snapshot) -> None:
    """Keep `snapshot` of the edited article as its pending changes."""
    actor = by if by.is_authenticated else None
    versions = _detached(snapshot)
    with transaction.atomic():
        discard_pending_silently(article)
        revision = Revision.objects.create(
            date_created=timezone.now(), user=actor, comment="Pending changes"
        )
        Version.objects.bulk_create(
            Version(
                revision=revision,
                object_id=version.object_id,
                content_type_id=version.content_type_id,
                db=version.db,
                format=version.format,
                serialized_data=version.serialized_data,
                object_repr=version.object_repr,
            )
            for version in versions
        )
        PendingChange.objects.create(
            article=article, revision=revision, created_by=actor
        )
        Article.objects.filter(pk=article.pk).update(version=F("version") + 1)


def discard_pending_silently(article: Article) -> None:
    for pending in PendingChange.objects.filter(article=article):
        revision = pending.revision
        pending.delete()
        revision.delete()


def publish_changes(article: Article, *, by: User, comment: str = "") -> Article:
    """Make an editor-approved set of pending changes visible to readers."""
    _require(is_editor(by), "Only editors can publish changes to live articles.")
    pending = PendingChange.objects.filter(article=article).first()
    if pending is None:
        raise InvalidTransition("There are no pending changes to publish.")
    now = timezone.now()
    actor = by if by.is_authenticated else None
    with transaction.atomic(), reversion.create_revision():
        _apply(article, pending.revision)
        discard_pending_silently(article)
        Article.objects.filter(pk=article.pk).update(
            updated_at=now, edited_by=actor, edited_at=now, version=F("version") + 1
        )
        article.refresh_from_db()
        announce_event(
            ArticleEvent.objects.create(
                article=article,
                action=Action.PUBLISH_CHANGES,
                actor=actor,
                from_status=article.status,
                to_status=article.status,
                comment=comment,
            )
        )
        announce_content_changed(Article)
        reversion.add_to_revision(article)
        reversion.set_user(actor)
        reversion.set_comment(Action.PUBLISH_CHANGES.label)
    return article


def discard_changes(article: Article, *, by: User) -> None:
    _require(is_editor(by), "Only editors can discard pending changes.")
    if not has_pending_changes(article):
        raise InvalidTransition("There are no pending changes to discard.")
    with transaction.atomic():
        discard_pending_silently(article)
        ArticleEvent.objects.create(
            article=article,
            action=Action.DISCARD_CHANGES,
            actor=by if by.is_authenticated else None,
            from_status=article.status,
            to_status=article.status,
        )


def restore(article: Article, version: Version, *, by: User) -> Article:
    """Bring back an earlier revision's content as a new revision.

    A live article gets it as pending changes, so readers see it only once an
    editor publishes it; any other article is changed at once.
    """
    _require(is_editor(by), "Only editors can restore revisions.")
    if (
        version.object_id != str(article.pk)
        or version.content_type.model_class() != Article
    ):
        raise InvalidTransition("That revision belongs to another article.")
    actor = by if by.is_authenticated else None
    when = timezone.localtime(version.revision.date_created)
    comment = f"Restored the revision of {when:%b %-d, %Y %H:%M}"
    if article.is_live() or has_pending_changes(article):
        with transaction.atomic():
            savepoint = transaction.savepoint()
            _apply(article, version.revision)
            state = snapshot_of_revision(version.revision)
            transaction.savepoint_rollback(savepoint)
        store_pending(article, by=by, snapshot=state)
        _event(article, Action.RESTORE, actor, comment + " as pending changes")
        return article
    with transaction.atomic(), reversion.create_revision():
        _apply(article, version.revision)
        Article.objects.filter(pk=article.pk).update(
            edited_by=actor, edited_at=timezone.now(), version=F("version") + 1
        )
        article.refresh_from_db()
        _event(article, Action.RESTORE, actor, comment)
        reversion.add_to_revision(article)
        reversion.set_user(actor)
        reversion.set_comment(comment)
    return article


def _event(article: Article, action: str, actor, comment: str = "") -> ArticleEvent:
    return ArticleEvent.objects.create(
        article=article,
        action=action,
        actor=actor,
        from_status=article.status,
        to_status=article.status,
        comment=comment,
    )
