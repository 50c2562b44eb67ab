"""The editors' desk: what each person needs to act on, in a fixed number of queries."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from articles import workflow
from articles.health import scheduler_state
from articles.models import (
    Article,
    ArticleEvent,
    Byline,
    EditorialComment,
    Photo,
    ScheduledUpdate,
)
from articles.workflow.comments import EVENT_ACTIONS

ROWS = 10
# Panels count up to this many: "1,000+" says enough, and counting every
# published story of a large archive on each visit does not.
COUNT_UP_TO = 1000


@dataclass
class Panel:
    key: str
    title: str
    rows: list
    total: int
    empty: str
    more: bool = False  # more than `total`, which is then COUNT_UP_TO


def _panel(key: str, title: str, queryset: QuerySet, empty: str) -> Panel:
    # Two queries a panel whatever the archive's size: the first rows, and the
    # count along an index. A total riding on each row (a window) made the
    # database describe every matching story, last event and all, to show ten.
    rows = list(queryset[:ROWS])
    total = queryset.order_by().values("pk")[: COUNT_UP_TO + 1].count()
    more = total > COUNT_UP_TO
    return Panel(key, title, rows, min(total, COUNT_UP_TO), empty, more)


def _my_article_ids(user) -> QuerySet:
    """The ids of the stories a person created or has a byline on: two lookups
    along their own indexes, joined (a condition on both the article and its
    bylines read the whole archive)."""
    created = Article.objects.filter(created_by=user).order_by().values("pk")
    bylined = Byline.objects.filter(author__user=user).order_by().values("article_id")
    return created.union(bylined)


def _articles(user, *, everyone: bool) -> QuerySet:
    articles = Article.objects.select_related("section", "edited_by")
    if not everyone:
        articles = articles.filter(pk__in=_my_article_ids(user))
    last_event = (
        ArticleEvent.objects.filter(article=OuterRef("pk"))
        .exclude(action__in=EVENT_ACTIONS)
        .order_by("-created_at", "-pk")
    )
    return articles.annotate(
        last_action=Subquery(last_event.values("action")[:1]),
        last_comment=Subquery(last_event.values("comment")[:1]),
        last_actor=Subquery(last_event.values("actor__username")[:1]),
    )


def desk_title(user) -> str:
    if workflow.is_editor(user):
        return "Editor's desk"
    if workflow.can_create(user):
        return "Writer's desk"
    return "Your desk"


def scheduler_for(user) -> dict | None:
    """The scheduler's last run and what is overdue, for editors' desks."""
    if not workflow.is_editor(user):
        return None
    return scheduler_state()


def panels_for(user) -> list[Panel]:
    """The dashboard panels for `user`: their own work, and the desk's for editors.

    People who do not write (the Admin role) get none: their work is the team.
    """
    if not user.has_perm("articles.view_article"):
        return []
    now = timezone.now()
    editor = workflow.is_editor(user)
    mine = _articles(user, everyone=False)
    desk = _articles(user, everyone=editor)
    drafts = mine.filter(status=Article.Status.DRAFT)
    panels = [
        _panel(
            "returned",
            "Returned to me",
            drafts.filter(last_action=ArticleEvent.Action.RETURN).order_by(
                "-edited_at"
            ),
            "Nothing has been returned to you.",
        ),
        _panel(
            "drafts",
            "My drafts",
            # A returned draft is listed once, under "Returned to me".
            drafts.filter(
                Q(last_action__isnull=True) | ~Q(last_action=ArticleEvent.Action.RETURN)
            ).order_by("-edited_at"),
            "You have no drafts.",
        ),
    ]
    if editor:
        panels.append(
            _panel(
                "review",
                "Waiting for review",
                desk.filter(status=Article.Status.IN_REVIEW).order_by("edited_at"),
                "Nothing is waiting for review.",
            )
        )
        panels.append(
            _panel(
                "embargoed",
                "Under embargo",
                desk.filter(embargo_until__gt=now).order_by("embargo_until"),
                "Nothing is under embargo.",
            )
        )
    panels += [
        _panel(
            "scheduled",
            "Scheduled for the next 24 hours",
            desk.filter(
                status=Article.Status.SCHEDULED,
                publish_at__gt=now,
                publish_at__lte=now + timedelta(hours=24),
            ).order_by("publish_at"),
            "Nothing is scheduled for the next 24 hours.",
        ),
        _panel(
            "published",
            "Recently published",
            desk.filter(status__in=Article.LIVE_STATUSES, publish_at__lte=now).order_by(
                "-publish_at"
            ),
            "Nothing published yet.",
        ),
    ]
    panels += _editorial_panels(user, editor)
    if user.has_perm("articles.view_photo"):
        days = settings.NEWSROOM_LICENCE_WARNING_DAYS
        soon = timezone.localdate(now) + timedelta(days=days)
        panels.append(
            _panel(
                "licences",
                f"Photo licences ending within {days} days",
                Photo.objects.select_related("credit")
                .filter(licence_expires_on__isnull=False, licence_expires_on__lte=soon)
                .order_by("licence_expires_on"),
                "No photo licences end soon.",
            )
        )
    return panels


def _editorial_panels(user, editor: bool) -> list[Panel]:
    """Open comments that mention the person or are on their stories, and the
    scheduled updates of the stories they look after."""
    mine = _my_article_ids(user)
    comments = EditorialComment.objects.unresolved().select_related("article", "author")
    mentions = comments.filter(mentions=user)
    updates = ScheduledUpdate.objects.select_related("pending_change__article")
    if not user.has_perm("articles.edit_any_article"):
        # Only what the person may still see: bylines change.
        mentions = mentions.filter(article__in=mine)
    if not editor:
        updates = updates.filter(pending_change__article__in=mine)
    return [
        _panel(
            "mentions",
            "Comments mentioning me",
            mentions.order_by("-created_at", "-pk"),
            "No open comment mentions you.",
        ),
        _panel(
            "comments",
            "Open comments on my stories",
            comments.filter(article__in=mine)
            .exclude(author=user)
            .order_by("-created_at", "-pk"),
            "No open comments on your stories.",
        ),
        _panel(
            "updates",
            "Scheduled updates",
            updates.order_by("publish_at", "pk"),
            "No changes to live stories are scheduled.",
        ),
    ]


def task_panels(user) -> list[Panel]:
    """For those who look after the site: background tasks that gave up."""
    from django_tasks_db.models import DBTaskResult

    from articles.admin.tasks import gave_up

    if not user.has_perm("django_tasks_database.view_dbtaskresult"):
        return []
    since = timezone.now() - timedelta(days=7)
    failed = DBTaskResult.objects.filter(gave_up(), finished_at__gte=since)
    panel = _panel(
        "tasks",
        "Background tasks that failed in the last 7 days",
        failed.order_by("-finished_at"),
        "No background task has failed.",
    )
    for row in panel.rows:
        lines = row.traceback.strip().splitlines()
        row.reason = (
            lines[-1].removeprefix(f"{row.exception_class_path}: ") if lines else ""
        )
    return [panel]
