"""The change page's editorial-integrity part: the publishing checklist with its
overrides, corrections, embargo and takedown. Each button calls one workflow
function; this only reads the form and reports."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone

from articles import workflow
from articles.admin.article_form import parse_local_datetime
from articles.models import Article, ChecklistRule, Correction
from articles.workflow.embargo import describe

Status = Article.Status
TAKEN_DOWN_FROM = {Status.PUBLISHED, Status.SCHEDULED, Status.UNPUBLISHED}
ACTIONS = {
    "override",
    "correct",
    "withdraw_correction",
    "embargo",
    "lift_embargo",
    "take_down",
    "reinstate",
}


class IntegrityAdmin:
    """Mixed into ArticleAdmin, next to WorkflowAdmin."""

    def integrity_context(self, request, article: Article) -> dict:
        user = request.user
        results = workflow.checklist(workflow.proposed_content(article), article)
        editor = workflow.is_editor(user)
        return {
            "checklist": results,
            "checklist_blocking": [result for result in results if result.blocks],
            "can_override": workflow.can_override_checklist(user),
            "corrections": article.corrections.select_related(
                "created_by", "withdrawn_by"
            ),
            "correction_kinds": Correction.Kind.choices,
            "can_correct": editor and article.is_live(),
            "can_withdraw": editor,
            "embargoed": article.is_embargoed(),
            "embargo_default": embargo_default(),
            "can_embargo": editor and not article.is_taken_down,
            "can_take_down": workflow.can_take_down(user)
            and article.status in TAKEN_DOWN_FROM,
            "can_reinstate": workflow.can_take_down(user) and article.is_taken_down,
            "takedown_is_others": editor
            and not workflow.can_take_down(user)
            and article.status in TAKEN_DOWN_FROM,
        }

    def run_integrity_action(self, request, article: Article, action: str) -> str:
        user, post = request.user, request.POST
        headline = f"“{article.headline}”"
        seen = post.get("version", "")
        version = int(seen) if seen.isdigit() else None
        reason = post.get("reason", "")
        if action == "override":
            rule = get_object_or_404(ChecklistRule, pk=post.get("rule", "0") or 0)
            workflow.override_rule(article, rule, by=user, reason=reason)
            return f"“{rule.name}” no longer holds back {headline}."
        if action == "correct":
            kind = post.get("kind", Correction.Kind.CORRECTION)
            workflow.add_correction(article, post.get("text", ""), by=user, kind=kind)
            return (
                f"The {Correction.Kind(kind).label.lower()} is published on {headline}."
            )
        if action == "withdraw_correction":
            correction = get_object_or_404(
                Correction, pk=post.get("correction", "0") or 0, article=article
            )
            workflow.withdraw_correction(correction, by=user, reason=reason)
            return "The correction is withdrawn; readers see that it was."
        if action == "embargo":
            until = parse_local_datetime(post.get("embargo_until", ""))
            if until is None:
                raise ValidationError("Give the embargo's date and time.")
            workflow.set_embargo(article, until, by=user, version=version)
            return f"{headline} is under embargo until {describe(until)}."
        if action == "lift_embargo":
            workflow.set_embargo(article, None, by=user, version=version)
            return f"The embargo on {headline} is lifted."
        if action == "take_down":
            workflow.take_down(article, by=user, reason=reason, version=version)
            return f"{headline} is taken down: every address it had answers 410 Gone."
        if action == "reinstate":
            workflow.reinstate(article, by=user, reason=reason, version=version)
            return f"{headline} is reinstated."
        raise ValidationError(f"Unknown action “{action}”.")


def embargo_default() -> str:
    later = timezone.localtime() + timedelta(days=1)
    return later.replace(second=0, microsecond=0).strftime("%Y-%m-%dT%H:%M")
