"""Editors' hand on the related stories under an article: pin, unpin, exclude, allow.

Curating the list is an editor's call that readers see at once, also on a live
article (unlike an edit, it is not held as pending changes); a pin or unpin is
carried into the pending changes too, so publishing them later keeps it.
"""

from __future__ import annotations

from django.db import transaction

from articles.models import Article, PendingChange, RelatedExclusion
from articles.workflow import recording
from articles.workflow.content import ArticleContent
from articles.workflow.permissions import User, can_edit, is_editor, require

VERBS = ("pin", "unpin", "exclude", "allow")


def may_curate(user: User, article: Article) -> bool:
    return can_edit(user, article) and (is_editor(user) or not article.is_live())


def curate(article: Article, verb: str, other: Article, *, by: User) -> None:
    """Apply one of `VERBS` to `other` in the related list of `article`."""
    if verb not in VERBS:
        raise ValueError(f"Unknown verb {verb!r}")
    with transaction.atomic():
        locked = recording.lock(article)
        require(may_curate(by, locked), "You may not change this article's stories.")
        exclusions = RelatedExclusion.objects.filter(
            from_article=locked, to_article=other
        )
        if verb in ("pin", "allow"):
            exclusions.delete()
        if verb == "exclude":
            RelatedExclusion.objects.get_or_create(
                from_article=locked, to_article=other
            )
        if verb in ("pin", "unpin", "exclude"):
            _change_pins(locked, other, pin=verb == "pin", actor=recording.actor_of(by))
        else:
            recording.saved(
                locked, recording.actor_of(by), comment="Related stories", old_path=None
            )


def _change_pins(article: Article, other: Article, *, pin: bool, actor) -> None:
    def changed(related: list[int]) -> list[int]:
        if not pin:
            return [pk for pk in related if pk != other.pk]
        if other.pk in related or other.pk == article.pk:
            return related
        return [*related, other.pk]

    content = ArticleContent.of(article)
    content.related = changed(content.related)
    content.write_to(article)
    pending = PendingChange.objects.filter(article=article).first()
    if pending is not None:
        pending.content["related"] = changed(pending.content.get("related", []))
        pending.save(update_fields=["content"])
    recording.saved(article, actor, comment="Related stories", old_path=None)
