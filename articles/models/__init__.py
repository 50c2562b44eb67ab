"""The newsroom's models, one module per part of the newsroom.

All live in the one `articles` app; import them from here.
"""

from articles.models.api_tokens import ApiToken
from articles.models.articles import (
    Article,
    ArticleQuerySet,
    ArticleRedirect,
    Byline,
    RelatedLink,
)
from articles.models.checklist import ChecklistOverride, ChecklistRule, SectionRule
from articles.models.comments import EditorialComment
from articles.models.corrections import Correction
from articles.models.live import LiveUpdate, LiveUpdateQuerySet
from articles.models.outbox import OutboxTask
from articles.models.people import (
    RESERVED_SECTION_SLUGS,
    Author,
    Section,
    validate_section_slug,
)
from articles.models.photos import (
    Photo,
    PhotoCredit,
    PhotoUsage,
    file_sha256,
    photo_problems,
    photo_upload_to,
)
from articles.models.related import RelatedExclusion, RelatedIndexEntry
from articles.models.scheduled_updates import ScheduledUpdate
from articles.models.scheduler import SchedulerHeartbeat
from articles.models.search import SearchEntry
from articles.models.tags import TagRedirect
from articles.models.webhooks import Webhook, WebhookDelivery, WebhookEvent
from articles.models.wordpress import WordPressItem
from articles.models.workflow import ArticleEvent, PendingChange
from articles.models.working_copies import OpenedVersion, Presence, WorkingCopy

__all__ = [
    "ApiToken",
    "RESERVED_SECTION_SLUGS",
    "Article",
    "ArticleEvent",
    "ArticleQuerySet",
    "ArticleRedirect",
    "Author",
    "Byline",
    "ChecklistOverride",
    "ChecklistRule",
    "Correction",
    "EditorialComment",
    "LiveUpdate",
    "LiveUpdateQuerySet",
    "OpenedVersion",
    "OutboxTask",
    "PendingChange",
    "Presence",
    "Photo",
    "PhotoCredit",
    "PhotoUsage",
    "RelatedExclusion",
    "RelatedIndexEntry",
    "RelatedLink",
    "SearchEntry",
    "ScheduledUpdate",
    "SchedulerHeartbeat",
    "Section",
    "SectionRule",
    "TagRedirect",
    "Webhook",
    "WebhookDelivery",
    "WebhookEvent",
    "WordPressItem",
    "WorkingCopy",
    "file_sha256",
    "photo_problems",
    "photo_upload_to",
    "validate_section_slug",
]
