"""Overriding a rule of the publishing checklist for one article, with a reason.

The rules and their checks are in `rules`; an override recorded here makes one
rule stop holding back one article, on every path (`rules.checklist` reads it).
"""

from __future__ import annotations

from django.db import transaction

from articles.models import Article, ArticleEvent, ChecklistOverride, ChecklistRule
from articles.workflow import recording
from articles.workflow.permissions import User, can_override_checklist, require
from articles.workflow.rules import InvalidTransition

Action = ArticleEvent.Action


def override_rule(
    article: Article, rule: ChecklistRule, *, by: User, reason: str
) -> ChecklistOverride:
    reason = reason.strip()
    if not reason:
        raise InvalidTransition(f"Say why “{rule.name}” may be overridden.")
    with transaction.atomic():
        locked = recording.lock(article)
        require(
            can_override_checklist(by),
            "You may not override the publishing checklist.",
        )
        actor = recording.actor_of(by)
        override, _ = ChecklistOverride.objects.update_or_create(
            article=locked,
            rule=rule,
            defaults={"reason": reason, "created_by": actor},
        )
        comment = f"{rule.name}: {reason}"
        recording.event(locked, Action.OVERRIDE, actor, comment=comment)
        recording.revision(locked, actor, f"Overrode {comment}")
    return override
