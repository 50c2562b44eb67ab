"""Live coverage: starting and ending it, and posting, editing and deleting
its updates.

Each function runs in one transaction that locks the article, checks the
person's rights, records an event and a revision of the article, and announces
the change (`follow_up.pages_changed`), so that the page cache, the edge and
webhooks follow every update as they follow an edit. Editors post directly;
a writer on the article's byline posts for review, and an editor publishes
the update (`edit_update(..., publish=True)`). Updates readers see go into the
photo checks of the publishing checklist (credit, alt text, licence), and a
taken-down article takes no updates. Corrections of an update are
`articles.workflow.corrections.add_correction(..., live_update=...)`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from articles.body import inline_photos, with_library_text
from articles.models import (
    Article,
    ArticleEvent,
    Author,
    ChecklistRule,
    LiveUpdate,
    Photo,
)
from articles.models.photos import alt_text_problem, credit_problem, licence_problem
from articles.photos.usage import record_uses
from articles.sanitize import sanitize_html
from articles.workflow import follow_up, recording
from articles.workflow.permissions import User, is_author_of, is_editor, require
from articles.workflow.rules import InvalidTransition

Action = ArticleEvent.Action
Status = LiveUpdate.Status
Code = ChecklistRule.Code

# The checklist's rules that apply to an update: those about its photos.
PHOTO_CHECKS = {
    Code.PHOTO_CREDIT: lambda photo, alt: credit_problem(photo),
    Code.PHOTO_ALT_TEXT: alt_text_problem,
    Code.PHOTO_LICENCE: lambda photo, alt: licence_problem(photo),
}


@dataclass
class UpdateContent:
    """What an update says, as a form or an import gives it."""

    body: str
    headline: str = ""
    authors: list[Author] = field(default_factory=list)
    is_key_event: bool = False
    is_pinned: bool = False
    published_at: datetime | None = None


def may_post_updates(user: User, article: Article) -> bool:
    """Editors, and the writers on the article's byline (through review)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return is_editor(user) or (
        user.has_perm("articles.change_article") and is_author_of(user, article)
    )


def start_coverage(article: Article, *, by: User, at: datetime | None = None) -> None:
    with transaction.atomic():
        locked = recording.lock(article)
        require(is_editor(by), "Only editors can start live coverage.")
        _require_not_taken_down(locked)
        if locked.is_live_coverage:
            raise InvalidTransition(f"“{locked.headline}” is already covered live.")
        start = at or timezone.now()
        _require_not_future(start)
        Article.objects.filter(pk=locked.pk).update(
            coverage_start_at=start, coverage_end_at=None
        )
        locked.coverage_start_at, locked.coverage_end_at = start, None
        _recorded(locked, Action.START_COVERAGE, by, "Started live coverage")
    article.refresh_from_db()


def end_coverage(article: Article, *, by: User, at: datetime | None = None) -> None:
    with transaction.atomic():
        locked = recording.lock(article)
        require(is_editor(by), "Only editors can end live coverage.")
        if not locked.is_live_coverage:
            raise InvalidTransition(f"“{locked.headline}” is not covered live.")
        end = at or timezone.now()
        _require_not_future(end)
        if end < locked.coverage_start_at:
            raise InvalidTransition("Coverage cannot end before it started.")
        Article.objects.filter(pk=locked.pk).update(coverage_end_at=end)
        locked.coverage_end_at = end
        _recorded(locked, Action.END_COVERAGE, by, "Ended live coverage")
    article.refresh_from_db()


def post_update(article: Article, content: UpdateContent, *, by: User) -> LiveUpdate:
    """A new update: published at once by an editor, in review from a writer."""
    with transaction.atomic():
        locked = recording.lock(article)
        require(
            may_post_updates(by, locked),
            "Only editors and the article's writers can post live updates.",
        )
        _require_not_taken_down(locked)
        if not locked.has_live_coverage:
            raise InvalidTransition(
                f"“{locked.headline}” is not covered live: start the coverage first."
            )
        status = Status.PUBLISHED if is_editor(by) else Status.IN_REVIEW
        update = LiveUpdate(
            article=locked, status=status, created_by=recording.actor_of(by)
        )
        _write(update, content, locked)
        published = status == Status.PUBLISHED
        action = Action.POST_UPDATE if published else Action.SUBMIT_UPDATE
        _recorded(locked, action, by, _describe(update))
    return update


def edit_update(
    update: LiveUpdate, content: UpdateContent, *, by: User, publish: bool = False
) -> LiveUpdate:
    """Change an update; `publish` lets an editor publish one in review."""
    with transaction.atomic():
        locked = recording.lock(update.article)
        update = LiveUpdate.objects.select_for_update().get(pk=update.pk)
        _require_may_change(by, locked, update)
        _require_not_taken_down(locked)
        publishing = publish and update.status == Status.IN_REVIEW
        if publishing:
            require(is_editor(by), "Only editors publish live updates.")
            update.status = Status.PUBLISHED
            # Readers' pages ask for what is newer than what they show.
            content.published_at = timezone.now()
        else:
            update.edited_at = timezone.now()
        _write(update, content, locked)
        verb = "Published" if publishing else "Edited"
        _recorded(locked, Action.EDIT_UPDATE, by, f"{verb} {_describe(update)}")
    return update


def delete_update(update: LiveUpdate, *, by: User) -> None:
    with transaction.atomic():
        locked = recording.lock(update.article)
        update = LiveUpdate.objects.select_for_update().get(pk=update.pk)
        _require_may_change(by, locked, update)
        comment = f"Deleted {_describe(update)}"
        update.delete()
        _recorded(locked, Action.DELETE_UPDATE, by, comment)


def update_problems(update: LiveUpdate, article: Article) -> list[str]:
    """The publishing checklist's photo rules, applied to the update's photos."""
    uses = inline_photos(update.body)
    if not uses:
        return []
    rules = _enabled_photo_rules(article)
    photos = Photo.objects.select_related("credit").in_bulk(u.photo_id for u in uses)
    problems = []
    for use in uses:
        photo = photos.get(use.photo_id)
        if photo is None:
            problems.append("A photo in the update has left the library.")
            continue
        alt = use.alt_text_for(photo)
        for code in rules:
            if problem := PHOTO_CHECKS[code](photo, alt):
                problems.append(f"{Code(code).label}: {problem}")
    return list(dict.fromkeys(problems))


def _enabled_photo_rules(article: Article) -> list[str]:
    from articles.models import SectionRule

    own = {
        rule.rule.code: rule.enabled
        for rule in SectionRule.objects.filter(
            section=article.section_id, rule__code__in=PHOTO_CHECKS
        ).select_related("rule")
    }
    return [
        code
        for code, enabled in ChecklistRule.objects.filter(
            code__in=PHOTO_CHECKS
        ).values_list("code", "enabled")
        if own.get(code, enabled)
    ]


def _write(update: LiveUpdate, content: UpdateContent, article: Article) -> None:
    """Check the content, then save it onto `update` (which may be new)."""
    body = with_library_text(sanitize_html(content.body or ""))
    if not body:
        raise InvalidTransition(
            f"“{article.headline}”, body: write what the update says."
        )
    published_at = content.published_at or update.published_at or timezone.now()
    if published_at > timezone.now():
        raise InvalidTransition(
            f"“{article.headline}”, published_at: an update is posted when it "
            "happens, not dated in the future."
        )
    if published_at < article.coverage_start_at:
        raise InvalidTransition(
            f"“{article.headline}”, published_at: an update cannot be earlier "
            "than the coverage's start."
        )
    update.body = body
    update.headline = (content.headline or "").strip()
    update.is_key_event = content.is_key_event
    update.published_at = published_at
    if update.status == Status.PUBLISHED and (
        problems := update_problems(update, article)
    ):
        raise InvalidTransition(f"The update cannot go live: {'; '.join(problems)}")
    if content.is_pinned and not update.is_pinned:
        article.live_updates.filter(is_pinned=True).update(is_pinned=False)
    update.is_pinned = content.is_pinned
    update.full_clean(exclude=["article", "authors", "created_by"])
    update.save()
    update.authors.set(_authors(content.authors))


def _authors(authors: Iterable[Author]) -> list[int]:
    return list(dict.fromkeys(author.pk for author in authors))


def _require_may_change(by: User, article: Article, update: LiveUpdate) -> None:
    if is_editor(by):
        return
    require(
        update.status == Status.IN_REVIEW
        and update.created_by_id == getattr(by, "pk", None)
        and may_post_updates(by, article),
        "Only editors change live updates once they are published.",
    )


def _require_not_future(moment: datetime) -> None:
    # Coverage starts and ends as it happens: the badge and the pages change
    # with the change, which a time to come would not announce.
    if moment > timezone.now():
        raise InvalidTransition("Live coverage starts and ends now, not later.")


def _require_not_taken_down(article: Article) -> None:
    if article.is_taken_down:
        raise InvalidTransition(
            f"“{article.headline}” is taken down: it takes no live updates."
        )


def _describe(update: LiveUpdate) -> str:
    what = f"“{update.headline}”" if update.headline else "an update"
    local = timezone.localtime(update.published_at)
    return f"{what} at {local:%H:%M}"


def _recorded(article: Article, action: str, by: User, comment: str) -> None:
    """The steps after every change of the coverage, in order."""
    actor = recording.actor_of(by)
    _note_last_update(article)
    recording.event(article, action, actor, comment=comment)
    record_uses(article)
    recording.revision(article, actor, comment)
    follow_up.pages_changed(article)


def _note_last_update(article: Article) -> None:
    """The time of the newest update readers see, for feeds and sitemaps."""
    latest = (
        article.live_updates.public().values_list("published_at", flat=True).first()
    )
    Article.objects.filter(pk=article.pk).update(live_updated_at=latest)
    article.live_updated_at = latest


@dataclass
class ImportedUpdate:
    """An update as an interchange file gives it (`articles.interchange`)."""

    content: UpdateContent
    status: str = Status.PUBLISHED
    corrections: list[dict] = field(default_factory=list)


def import_coverage(
    article: Article,
    *,
    started_at: datetime,
    ended_at: datetime | None,
    updates: list[ImportedUpdate],
    allow_rule_breaks: bool = False,
) -> bool:
    """The article's coverage and updates as an import file says: updates it
    lacks (matched by their time) are added, those it has take the file's
    content; none is removed. Returns whether anything changed."""
    for moment in (started_at, ended_at):
        if moment is not None:
            _require_not_future(moment)
    with transaction.atomic():
        locked = recording.lock(article)
        changed = (locked.coverage_start_at, locked.coverage_end_at) != (
            started_at,
            ended_at,
        )
        if changed:
            Article.objects.filter(pk=locked.pk).update(
                coverage_start_at=started_at, coverage_end_at=ended_at
            )
            locked.coverage_start_at, locked.coverage_end_at = started_at, ended_at
        existing = {
            u.published_at: u for u in locked.live_updates.prefetch_related("authors")
        }
        pinned = [
            item.content.published_at for item in updates if item.content.is_pinned
        ]
        for update in existing.values():
            if update.is_pinned and pinned and update.published_at != pinned[0]:
                update.is_pinned = False
                update.save(update_fields=["is_pinned"])
                changed = True
        for item in updates:
            update = existing.get(item.content.published_at) or LiveUpdate(
                article=locked
            )
            if update.pk and _says(update, item):
                changed = _add_update_corrections(locked, update, item) or changed
                continue
            update.status = item.status
            try:
                _write(update, item.content, locked)
            except InvalidTransition:
                if not allow_rule_breaks:
                    raise
                update.is_pinned = item.content.is_pinned
                update.save()
                update.authors.set(_authors(item.content.authors))
            _add_update_corrections(locked, update, item)
            changed = True
        if changed:
            _recorded(locked, Action.IMPORT, None, "Imported live coverage")
    return changed


def _says(update: LiveUpdate, item: ImportedUpdate) -> bool:
    content = item.content
    return (
        update.status == item.status
        and update.headline == (content.headline or "").strip()
        and update.body == with_library_text(sanitize_html(content.body))
        and update.is_key_event == content.is_key_event
        and update.is_pinned == content.is_pinned
        and {a.pk for a in update.authors.all()} == {a.pk for a in content.authors}
    )


def _add_update_corrections(
    article: Article, update: LiveUpdate, item: ImportedUpdate
) -> bool:
    from articles.models import Correction

    added = False
    known = {(c.kind, c.text, c.published_at) for c in update.corrections.all()}
    for correction in item.corrections:
        key = (correction["kind"], correction["text"], correction["published_at"])
        if key in known:
            continue
        Correction.objects.create(
            article=article,
            live_update=update,
            kind=correction["kind"],
            text=correction["text"],
            published_at=correction["published_at"],
            withdrawn_at=correction.get("withdrawn_at"),
            withdrawal_reason=correction.get("withdrawal_reason", ""),
        )
        added = True
    if added:
        latest = max(
            filter(
                None,
                [article.corrected_at, *(c["published_at"] for c in item.corrections)],
            )
        )
        Article.objects.filter(pk=article.pk).update(corrected_at=latest)
        article.corrected_at = latest
    return added
