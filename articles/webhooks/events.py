"""Which workflow events reach webhooks, and what their JSON says.

`article.published` means readers can now see the article: published now, at
its scheduled time, when its embargo ends or is lifted, or when it is
reinstated. Published, updated and corrected articles carry the article as the
read API shows it; an unpublished or taken-down one only says which article
left (its content is no longer public). Imports send nothing: an archive
arriving is not news.
"""

import json

from django.conf import settings
from django.utils import timezone

from articles.api.schemas import ArticleDetail
from articles.models import Article, ArticleEvent, WebhookEvent

Action = ArticleEvent.Action

EVENT_FOR_ACTION = {
    Action.PUBLISH: WebhookEvent.PUBLISHED,
    Action.REINSTATE: WebhookEvent.PUBLISHED,
    Action.EMBARGO_ENDED: WebhookEvent.PUBLISHED,
    Action.LIFT_EMBARGO: WebhookEvent.PUBLISHED,
    Action.PUBLISH_CHANGES: WebhookEvent.UPDATED,
    Action.RETAG: WebhookEvent.UPDATED,
    Action.WITHDRAW_CORRECTION: WebhookEvent.UPDATED,
    Action.CORRECT: WebhookEvent.CORRECTED,
    Action.START_COVERAGE: WebhookEvent.UPDATED,
    Action.END_COVERAGE: WebhookEvent.UPDATED,
    Action.POST_UPDATE: WebhookEvent.UPDATED,
    Action.EDIT_UPDATE: WebhookEvent.UPDATED,
    Action.DELETE_UPDATE: WebhookEvent.UPDATED,
    Action.UNPUBLISH: WebhookEvent.UNPUBLISHED,
    Action.EMBARGO: WebhookEvent.UNPUBLISHED,
    Action.TAKE_DOWN: WebhookEvent.TAKEN_DOWN,
}
LEAVING = {WebhookEvent.UNPUBLISHED, WebhookEvent.TAKEN_DOWN}


class SiteAddress:
    """Stands in for a request where the API's schemas build absolute URLs."""

    def __init__(self, base: str):
        self.base = base.rstrip("/")

    def build_absolute_uri(self, path: str) -> str:
        return self.base + path


def article_data(article: Article) -> dict:
    context = {"request": SiteAddress(settings.NEWSROOM_SITE_URL)}
    return ArticleDetail.from_orm(article, context=context).model_dump(mode="json")


def body_for(event: ArticleEvent) -> tuple[str, str] | None:
    """(webhook event, JSON data) for a workflow event, or None if none is sent."""
    kind = EVENT_FOR_ACTION.get(event.action)
    if kind is None:
        return None
    article = Article.objects.for_page().filter(pk=event.article_id).first()
    if article is None:
        return None
    if event.action == Action.EMBARGO and not _was_live(event, article):
        return None  # an embargo on a story readers never saw says nothing to them
    if kind in LEAVING:
        return kind, {"article": {"id": article.pk, "slug": article.slug}}
    if not article.is_live():
        return None  # published for a future time: its event comes when it is live
    data = {"article": article_data(article)}
    if kind == WebhookEvent.CORRECTED:
        correction = article.corrections.order_by("-published_at", "-pk").first()
        data["correction"] = {
            "kind": correction.kind,
            "text": correction.text,
            "published_at": correction.published_at.isoformat(),
        }
    return kind, data


def _was_live(event: ArticleEvent, article: Article) -> bool:
    return (
        event.from_status in Article.LIVE_STATUSES
        and article.publish_at is not None
        and article.publish_at <= event.created_at
    )


def envelope(delivery_uid, kind: str, data: dict, when=None) -> str:
    """The exact body sent: {"id", "type", "created_at", "data"}."""
    document = {
        "id": str(delivery_uid),
        "type": kind,
        "created_at": (when or timezone.now()).isoformat(),
        "data": data,
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))
