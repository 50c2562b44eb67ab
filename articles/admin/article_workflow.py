"""The change page's workflow part: what its panels show (buttons for each
allowed move, the history, the integrity panel), and the pages behind it: a
button pressed, previews, the body editor's photo picker."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    JsonResponse,
)
from django.urls import reverse
from django.utils import timezone

from articles import body, workflow
from articles.admin import article_actions
from articles.admin.article_form import proposal, refusal
from articles.admin.article_integrity import integrity_context
from articles.admin.lookups import viewable_article
from articles.models import Article, ArticleEvent, Photo
from articles.sanitize import PHOTO_ID
from articles.site.article_page import render_article
from articles.workflow.comments import EVENT_ACTIONS

Action = ArticleEvent.Action
PHOTO_LIBRARY_PAGE = 30


def panel_context(request, article: Article) -> dict:
    """What the change page's workflow and integrity panels show this person."""
    user = request.user
    actions = workflow.allowed_actions(user, article)
    pending = proposal(article).pending
    events = list(article.events.select_related("actor")[:50])
    # The latest move, comments aside.
    last = next((e for e in events if e.action not in EVENT_ACTIONS), None)
    return {
        "workflow_actions": [(action, BUTTONS[action]) for action in actions],
        "can_manage_pending": pending and workflow.is_editor(user),
        "has_pending_changes": pending,
        "scheduled_update": workflow.scheduled_update(article) if pending else None,
        "is_live": article.is_live(),
        "events": events,
        # Why a returned draft came back, where the writer looks first.
        "returned": last
        if last
        and last.action == Action.RETURN
        and article.status == Article.Status.DRAFT
        else None,
        "preview_url": reverse("admin:articles_article_preview", args=[article.pk]),
        "can_share_preview": workflow.is_editor(user),
        "shared_preview_url": request.session.pop(
            article_actions.shared_preview_key(article), None
        ),
        "default_schedule_at": (timezone.localtime() + timedelta(hours=1))
        .replace(second=0, microsecond=0)
        .strftime("%Y-%m-%dT%H:%M"),
        **integrity_context(user, article),
    }


def press_button(model_admin, request, object_id, action):
    """A button of the change page: its action run, its message shown."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    article = viewable_article(request, object_id)
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    try:
        message = article_actions.press(request, article, action)
    except (PermissionDenied, ValidationError) as error:
        model_admin.message_user(request, refusal(error), messages.ERROR)
    else:
        model_admin.message_user(request, message, messages.SUCCESS)
    return HttpResponseRedirect(change_url)


def preview(model_admin, request, object_id):
    article = viewable_article(request, object_id)
    return render_article(request, article, preview=True)


def photo_picker(model_admin, request):
    """Photos for the body editor: a search (?q=) or given ids (?ids=3,12)."""
    if not request.user.has_perm("articles.view_photo"):
        raise PermissionDenied
    photos = Photo.objects.select_related("credit")
    if "ids" in request.GET:
        ids = [
            int(part)
            for part in request.GET["ids"].split(",")[:PHOTO_LIBRARY_PAGE]
            if PHOTO_ID.fullmatch(part.strip())
        ]
        photos = photos.filter(pk__in=ids)
    else:
        photo_admin = model_admin.admin_site.get_model_admin(Photo)
        query = request.GET.get("q", "").strip()
        photos, _ = photo_admin.get_search_results(request, photos, query)
        photos = photos[:PHOTO_LIBRARY_PAGE]
    return JsonResponse({"photos": [body.editor_photo(p) for p in photos]})


# The workflow buttons on an article's page, by transition.
BUTTONS = {
    Action.SUBMIT: "Submit for review",
    Action.RETURN: "Return to writer",
    Action.SCHEDULE: "Schedule",
    Action.PUBLISH: "Publish now",
    Action.UNPUBLISH: "Unpublish",
}
