"""The change page's editorial-integrity part: the publishing checklist with its
overrides, corrections, embargo and takedown: what the panel shows. Its buttons
are actions of the table in article_actions.py, like the workflow's."""

from datetime import timedelta

from django.utils import timezone

from articles import workflow
from articles.admin.article_form import proposal
from articles.models import Article, Correction

Status = Article.Status
TAKEN_DOWN_FROM = {Status.PUBLISHED, Status.SCHEDULED, Status.UNPUBLISHED}


def integrity_context(user, article: Article) -> dict:
    """What the integrity panel shows this person, and which buttons."""
    results = workflow.checklist(proposal(article).content, article)
    editor = workflow.is_editor(user)
    return {
        "checklist": results,
        "checklist_blocking": [result for result in results if result.blocks],
        "can_override": workflow.can_override_checklist(user),
        "corrections": article.corrections.select_related("created_by", "withdrawn_by"),
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


def embargo_default() -> str:
    later = timezone.localtime() + timedelta(days=1)
    return later.replace(second=0, microsecond=0).strftime("%Y-%m-%dT%H:%M")
