"""The change page's workflow part: buttons for each allowed move, the history,
previews, and the body editor's photo picker."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    JsonResponse,
)
from django.urls import path, reverse
from django.utils import timezone

from articles import body, workflow
from articles.admin import article_actions
from articles.admin.article_form import refusal
from articles.admin.lookups import viewable_article
from articles.models import Article, ArticleEvent, Photo
from articles.sanitize import PHOTO_ID
from articles.views import render_article

Action = ArticleEvent.Action
PHOTO_LIBRARY_PAGE = 30


class WorkflowAdmin:
    """Mixed into ArticleAdmin."""

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        if obj is not None:
            context.update(self.workflow_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def workflow_context(self, request, article: Article) -> dict:
        user = request.user
        actions = workflow.allowed_actions(user, article)
        pending = workflow.has_pending_changes(article)
        events = list(article.events.select_related("actor")[:50])
        last = events[0] if events else None
        return {
            "workflow_actions": [(action, BUTTONS[action]) for action in actions],
            "can_manage_pending": pending and workflow.is_editor(user),
            "has_pending_changes": pending,
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
            **self.integrity_context(request, article),
            **self.live_context(request, article),
        }

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/workflow/<str:action>/",
                view(self.workflow_view),
                name="articles_article_workflow",
            ),
            path(
                "<path:object_id>/preview/",
                view(self.preview_view),
                name="articles_article_preview",
            ),
            path(
                "photos/",
                view(self.photo_library_view),
                name="articles_article_photos",
            ),
            *self.related_urls(),
            *self.live_urls(),
            *super().get_urls(),
        ]

    def workflow_view(self, request, object_id, action):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = viewable_article(request, object_id)
        change_url = reverse("admin:articles_article_change", args=[article.pk])
        try:
            message = article_actions.press(request, article, action)
        except (PermissionDenied, ValidationError) as error:
            self.message_user(request, refusal(error), messages.ERROR)
        else:
            self.message_user(request, message, messages.SUCCESS)
        return HttpResponseRedirect(change_url)

    def preview_view(self, request, object_id):
        article = viewable_article(request, object_id)
        return render_article(request, article, preview=True)

    def photo_library_view(self, request):
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
            photo_admin = self.admin_site.get_model_admin(Photo)
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
