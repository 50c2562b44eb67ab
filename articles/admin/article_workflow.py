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
from articles.admin import article_integrity
from articles.admin.article_form import parse_local_datetime, refusal
from articles.admin.lookups import viewable_article
from articles.models import Article, ArticleEvent, Photo
from articles.preview import share_url
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
        return {
            "workflow_actions": [(action, BUTTONS[action]) for action in actions],
            "can_manage_pending": pending and workflow.is_editor(user),
            "has_pending_changes": pending,
            "is_live": article.is_live(),
            "events": article.events.select_related("actor")[:50],
            "preview_url": reverse("admin:articles_article_preview", args=[article.pk]),
            "can_share_preview": workflow.is_editor(user),
            "default_schedule_at": (timezone.localtime() + timedelta(hours=1))
            .replace(second=0, microsecond=0)
            .strftime("%Y-%m-%dT%H:%M"),
            **self.integrity_context(request, article),
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
            *super().get_urls(),
        ]

    def workflow_view(self, request, object_id, action):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = viewable_article(request, object_id)
        comment = request.POST.get("comment", "").strip()
        change_url = reverse("admin:articles_article_change", args=[article.pk])
        try:
            message = self.run_action(request, article, action, comment)
        except (PermissionDenied, ValidationError) as error:
            self.message_user(request, refusal(error), messages.ERROR)
        else:
            self.message_user(request, message, messages.SUCCESS)
        return HttpResponseRedirect(change_url)

    def run_action(self, request, article, action, comment) -> str:
        user = request.user
        headline = f"“{article.headline}”"
        seen = request.POST.get("version", "")
        version = int(seen) if seen.isascii() and seen.isdigit() else None
        confirmed = request.POST.get("confirm_embargo") == "yes"
        if action in article_integrity.ACTIONS:
            return self.run_integrity_action(request, article, action)
        if action == Action.SUBMIT:
            workflow.submit(article, by=user, comment=comment, version=version)
            return f"{headline} was submitted for review."
        if action == Action.RETURN:
            workflow.return_to_writer(
                article, by=user, comment=comment, version=version
            )
            return f"{headline} was returned to the writer."
        if action == Action.SCHEDULE:
            at = parse_local_datetime(request.POST.get("publish_at", ""))
            workflow.schedule(
                article,
                by=user,
                at=at,
                comment=comment,
                version=version,
                confirm_embargo=confirmed,
            )
            when = timezone.localtime(article.publish_at)
            return f"{headline} is scheduled for {when:%b} {when.day}, {when:%Y %H:%M}."
        if action == Action.PUBLISH:
            workflow.publish(
                article,
                by=user,
                comment=comment,
                version=version,
                confirm_embargo=confirmed,
            )
            return f"{headline} is published."
        if action == Action.UNPUBLISH:
            workflow.unpublish(article, by=user, comment=comment, version=version)
            return f"{headline} is unpublished; readers no longer see it."
        if action == Action.PUBLISH_CHANGES:
            article = workflow.publish_changes(
                article, by=user, version=version, note=request.POST.get("note", "")
            )
            return f"The changes to “{article.headline}” are published."
        if action == Action.DISCARD_CHANGES:
            workflow.discard_changes(article, by=user, version=version)
            return f"The pending changes to {headline} were discarded."
        if action == "share":
            if not workflow.is_editor(user):
                raise PermissionDenied("Only editors can share previews.")
            url = request.build_absolute_uri(share_url(article))
            return f"Preview link for {headline} (valid for a limited time): {url}"
        raise ValidationError(f"Unknown action “{action}”.")

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
