"""The buttons on an article's admin page, as a table: each action's name, who may
press it, and the one workflow function it calls. The view looks the name up,
checks the permission, calls the function and reports its message."""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone

from articles import workflow
from articles.admin.article_form import parse_local_datetime
from articles.models import Article, ArticleEvent, ChecklistRule, Correction
from articles.site.preview import share_url
from articles.workflow.embargo import describe

Action = ArticleEvent.Action


@dataclass(frozen=True)
class Pressed:
    """What a button's form sent, read once."""

    request: HttpRequest
    article: Article

    @property
    def user(self):
        return self.request.user

    @property
    def post(self):
        return self.request.POST

    @property
    def headline(self) -> str:
        return f"“{self.article.headline}”"

    @property
    def version(self) -> int | None:
        seen = self.post.get("version", "")
        return int(seen) if seen.isascii() and seen.isdigit() else None

    @property
    def comment(self) -> str:
        return self.post.get("comment", "").strip()

    @property
    def reason(self) -> str:
        return self.post.get("reason", "")

    @property
    def embargo_confirmed(self) -> bool:
        return self.post.get("confirm_embargo") == "yes"


@dataclass(frozen=True)
class ArticleAction:
    allowed: Callable[..., bool]  # (user, article): may this person press it?
    refusal: str
    run: Callable[[Pressed], str]  # calls the workflow; says what happened


def _editor(user, article) -> bool:
    return workflow.is_editor(user)


def _submit(p: Pressed) -> str:
    workflow.submit(p.article, by=p.user, comment=p.comment, version=p.version)
    return f"{p.headline} was submitted for review."


def _return(p: Pressed) -> str:
    workflow.return_to_writer(
        p.article, by=p.user, comment=p.comment, version=p.version
    )
    return f"{p.headline} was returned to the writer."


def _schedule(p: Pressed) -> str:
    workflow.schedule(
        p.article,
        by=p.user,
        at=parse_local_datetime(p.post.get("publish_at", "")),
        comment=p.comment,
        version=p.version,
        confirm_embargo=p.embargo_confirmed,
    )
    when = timezone.localtime(p.article.publish_at)
    return (
        f"{p.headline} is scheduled for {when:%b} {when.day}, {when:%Y %H:%M} "
        f"({when:%Z})."
    )


def _publish(p: Pressed) -> str:
    workflow.publish(
        p.article,
        by=p.user,
        comment=p.comment,
        version=p.version,
        confirm_embargo=p.embargo_confirmed,
    )
    return f"{p.headline} is published."


def _unpublish(p: Pressed) -> str:
    workflow.unpublish(p.article, by=p.user, comment=p.comment, version=p.version)
    return f"{p.headline} is unpublished; readers no longer see it."


def _publish_changes(p: Pressed) -> str:
    article = workflow.publish_changes(
        p.article, by=p.user, version=p.version, note=p.post.get("note", "")
    )
    return f"The changes to “{article.headline}” are published."


def _schedule_changes(p: Pressed) -> str:
    scheduled = workflow.schedule_changes(
        p.article,
        by=p.user,
        at=parse_local_datetime(p.post.get("publish_at", "")),
        note=p.post.get("note", ""),
        version=p.version,
    )
    when = timezone.localtime(scheduled.publish_at)
    return (
        f"The changes to {p.headline} go live {when:%b} {when.day}, "
        f"{when:%Y %H:%M} ({when:%Z})."
    )


def _unschedule_changes(p: Pressed) -> str:
    workflow.unschedule_changes(p.article, by=p.user, version=p.version)
    return f"The changes to {p.headline} are no longer scheduled; they stay pending."


def _discard_changes(p: Pressed) -> str:
    workflow.discard_changes(p.article, by=p.user, version=p.version)
    return f"The pending changes to {p.headline} were discarded."


def _share(p: Pressed) -> str:
    url = p.request.build_absolute_uri(share_url(p.article))
    # The page shows it next time with a copy button (workflow_context).
    p.request.session[shared_preview_key(p.article)] = url
    return f"Preview link for {p.headline} (valid for a limited time): {url}"


def shared_preview_key(article: Article) -> str:
    return f"shared-preview-{article.pk}"


def _override(p: Pressed) -> str:
    rule = posted_object(ChecklistRule, p.post.get("rule", ""), "checklist rule")
    workflow.override_rule(p.article, rule, by=p.user, reason=p.reason)
    return f"“{rule.name}” no longer holds back {p.headline}."


def _correct(p: Pressed) -> str:
    kind = p.post.get("kind", Correction.Kind.CORRECTION)
    workflow.add_correction(p.article, p.post.get("text", ""), by=p.user, kind=kind)
    return f"The {Correction.Kind(kind).label.lower()} is published on {p.headline}."


def _withdraw_correction(p: Pressed) -> str:
    correction = posted_object(
        Correction, p.post.get("correction", ""), "correction", article=p.article
    )
    workflow.withdraw_correction(correction, by=p.user, reason=p.reason)
    return "The correction is withdrawn; readers see that it was."


def _embargo(p: Pressed) -> str:
    until = parse_local_datetime(p.post.get("embargo_until", ""))
    if until is None:
        raise ValidationError("Give the embargo's date and time.")
    workflow.set_embargo(p.article, until, by=p.user, version=p.version)
    return f"{p.headline} is under embargo until {describe(until)}."


def _lift_embargo(p: Pressed) -> str:
    workflow.set_embargo(p.article, None, by=p.user, version=p.version)
    return f"The embargo on {p.headline} is lifted."


def _take_down(p: Pressed) -> str:
    workflow.take_down(p.article, by=p.user, reason=p.reason, version=p.version)
    return f"{p.headline} is taken down: every address it had answers 410 Gone."


def _reinstate(p: Pressed) -> str:
    workflow.reinstate(p.article, by=p.user, reason=p.reason, version=p.version)
    return f"{p.headline} is reinstated."


def _takes_down(user, article) -> bool:
    return workflow.can_take_down(user)


def _overrides(user, article) -> bool:
    return workflow.can_override_checklist(user)


EDITORS_ONLY = "Only editors can do that."

ACTIONS: dict[str, ArticleAction] = {
    Action.SUBMIT: ArticleAction(
        workflow.can_edit, "You may only submit your own drafts.", _submit
    ),
    Action.RETURN: ArticleAction(
        _editor, "Only editors can return articles to the writer.", _return
    ),
    Action.SCHEDULE: ArticleAction(
        _editor, "Only editors can schedule articles.", _schedule
    ),
    Action.PUBLISH: ArticleAction(
        _editor, "Only editors can publish articles.", _publish
    ),
    Action.UNPUBLISH: ArticleAction(
        _editor, "Only editors can unpublish articles.", _unpublish
    ),
    Action.PUBLISH_CHANGES: ArticleAction(
        _editor,
        "Only editors can publish changes to live articles.",
        _publish_changes,
    ),
    Action.SCHEDULE_CHANGES: ArticleAction(
        _editor,
        "Only editors can schedule changes to live articles.",
        _schedule_changes,
    ),
    Action.UNSCHEDULE_CHANGES: ArticleAction(
        _editor, "Only editors can cancel scheduled changes.", _unschedule_changes
    ),
    Action.DISCARD_CHANGES: ArticleAction(
        _editor, "Only editors can discard pending changes.", _discard_changes
    ),
    "share": ArticleAction(_editor, "Only editors can share previews.", _share),
    Action.OVERRIDE: ArticleAction(
        _overrides, "You may not override the publishing checklist.", _override
    ),
    Action.CORRECT: ArticleAction(_editor, EDITORS_ONLY, _correct),
    Action.WITHDRAW_CORRECTION: ArticleAction(
        _editor, EDITORS_ONLY, _withdraw_correction
    ),
    Action.EMBARGO: ArticleAction(_editor, EDITORS_ONLY, _embargo),
    Action.LIFT_EMBARGO: ArticleAction(_editor, EDITORS_ONLY, _lift_embargo),
    Action.TAKE_DOWN: ArticleAction(
        _takes_down,
        "Only a managing editor (or someone granted the permission) can take "
        "articles down.",
        _take_down,
    ),
    Action.REINSTATE: ArticleAction(
        _takes_down,
        "Only a managing editor (or someone granted the permission) can reinstate "
        "articles.",
        _reinstate,
    ),
}


def press(request: HttpRequest, article: Article, name: str) -> str:
    """Run the named action for the person asking; its message, or the refusal
    (PermissionDenied, ValidationError) raised."""
    action = ACTIONS.get(name)
    if action is None:
        raise ValidationError(f"Unknown action “{name}”.")
    if not action.allowed(request.user, article):
        raise PermissionDenied(action.refusal)
    return action.run(Pressed(request, article))


def posted_object(model, raw: str, name: str, **filters):
    """The object a button names by id; an id that is not a number, or names
    nothing here, is refused with a message like any other refusal."""
    raw = raw.strip()
    found = None
    if raw.isascii() and raw.isdigit() and len(raw) <= 18:
        found = model.objects.filter(pk=int(raw), **filters).first()
    if found is None:
        raise ValidationError(f"No such {name}.")
    return found
