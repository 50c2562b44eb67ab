"""Which workflow events reach webhooks, and what their JSON says.

Published and updated articles carry the article as the read API shows it;
an unpublished one only says which article left (its content is no longer
public). Imports send nothing: an archive arriving is not news.
"""

import json

from django.conf import settings
from django.utils import timezone

from articles.api.schemas import ArticleDetail
from articles.models import Article, ArticleEvent, WebhookEvent

Action = ArticleEvent.Action

EVENT_FOR_ACTION = {
    Action.PUBLISH: WebhookEvent.PUBLISHED,
    Action.PUBLISH_CHANGES: WebhookEvent.UPDATED,
    Action.UNPUBLISH: WebhookEvent.UNPUBLISHED,
}


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
    if kind == WebhookEvent.UNPUBLISHED:
        data = {"article": {"id": article.pk, "slug": article.slug}}
    elif article.is_live():
        data = {"article": article_data(article)}
    else:
        return None  # published for a future time: its event comes when it is live
    return kind, data


def envelope(delivery_uid, kind: str, data: dict, when=None) -> str:
    """The exact body sent: {"id", "type", "created_at", "data"}."""
    document = {
        "id": str(delivery_uid),
        "type": kind,
        "created_at": (when or timezone.now()).isoformat(),
        "data": data,
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))
