"""The change page's live coverage: start and end it, post updates, edit,
publish, correct or delete them. Each button calls `articles.workflow`;
a refusal is shown with its reason and changes nothing."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse

from articles import body, workflow
from articles.admin.article_form import refusal
from articles.admin.lookups import viewable_article
from articles.models import Article, Author, LiveUpdate
from articles.workflow import UpdateContent


class LiveUpdateForm(forms.Form):
    headline = forms.CharField(
        required=False,
        max_length=200,
        help_text="Optional: a few words over the update.",
    )
    body = forms.CharField(widget=body.editor_widget())
    authors = forms.ModelMultipleChoiceField(
        queryset=Author.objects.order_by("name"),
        required=False,
        help_text="Empty: the article's byline.",
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    is_key_event = forms.BooleanField(required=False, label="Key event")
    is_pinned = forms.BooleanField(required=False, label="Pin at the top")

    def content(self) -> UpdateContent:
        data = self.cleaned_data
        return UpdateContent(
            body=data["body"],
            headline=data["headline"],
            authors=list(data["authors"]),
            is_key_event=data["is_key_event"],
            is_pinned=data["is_pinned"],
        )

    @classmethod
    def of(cls, update: LiveUpdate) -> LiveUpdateForm:
        return cls(
            initial={
                "headline": update.headline,
                "body": update.body,
                "authors": list(update.authors.all()),
                "is_key_event": update.is_key_event,
                "is_pinned": update.is_pinned,
            },
            prefix="update",
        )


def live_context(request, article: Article) -> dict:
    user = request.user
    may_post = workflow.may_post_updates(user, article)
    return {
        "live_updates": list(
            article.live_updates.select_related("created_by").prefetch_related(
                "authors"
            )
        )
        if article.has_live_coverage
        else [],
        "live_form": LiveUpdateForm(prefix="update") if may_post else None,
        "may_manage_coverage": workflow.is_editor(user) and not article.is_taken_down,
    }


def coverage(model_admin, request, object_id, verb):
    """Start or end the coverage, or post an update (POST)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    article = viewable_article(request, object_id)
    user = request.user
    if verb == "post":
        form = LiveUpdateForm(request.POST, prefix="update")
        if not form.is_valid():
            return _refused(
                model_admin, request, article, "Write what the update says."
            )
        return _done(
            model_admin,
            request,
            article,
            lambda: workflow.post_update(article, form.content(), by=user),
            "Update posted."
            if workflow.is_editor(user)
            else "Update sent to an editor for review.",
        )
    verbs = {
        "start": (workflow.start_coverage, "Live coverage started."),
        "end": (workflow.end_coverage, "Live coverage ended."),
    }
    if verb not in verbs:
        raise PermissionDenied
    function, done = verbs[verb]
    return _done(
        model_admin, request, article, lambda: function(article, by=user), done
    )


def update_page(model_admin, request, object_id, update_id):
    """Edit one update (and publish it, for an update in review)."""
    article = viewable_article(request, object_id)
    update = get_object_or_404(LiveUpdate, pk=update_id, article=article)
    if request.method == "POST":
        form = LiveUpdateForm(request.POST, prefix="update")
        if form.is_valid():
            content = form.content()
            content.published_at = update.published_at
            publish = "publish" in request.POST
            try:
                workflow.edit_update(update, content, by=request.user, publish=publish)
            except (PermissionDenied, ValidationError) as error:
                form.add_error(None, refusal(error))
            else:
                done = "Update published." if publish else "Update saved."
                model_admin.message_user(request, done, messages.SUCCESS)
                return HttpResponseRedirect(_change_url(article) + "#live-coverage")
    else:
        form = LiveUpdateForm.of(update)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Edit the update of “{article.headline}”",
        "article": article,
        "update": update,
        "form": form,
        "opts": Article._meta,
        "media": model_admin.media + form.media,
        "may_publish": workflow.is_editor(request.user)
        and update.status == LiveUpdate.Status.IN_REVIEW,
    }
    return TemplateResponse(request, "admin/articles/article/live_update.html", context)


def update_action(model_admin, request, object_id, update_id, verb):
    """Delete or correct one update (POST)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    article = viewable_article(request, object_id)
    update = get_object_or_404(LiveUpdate, pk=update_id, article=article)
    user = request.user
    if verb == "delete":
        action, done = (
            (lambda: workflow.delete_update(update, by=user)),
            ("Update deleted."),
        )
    elif verb == "correct":
        text, kind = request.POST.get("text", ""), request.POST.get("kind", "")
        action, done = (
            (
                lambda: workflow.add_correction(
                    article, text, by=user, kind=kind, live_update=update
                )
            ),
            "Correction added to the update.",
        )
    else:
        raise PermissionDenied
    return _done(model_admin, request, article, action, done)


def _done(model_admin, request, article, action, message):
    try:
        action()
    except (PermissionDenied, ValidationError) as error:
        return _refused(model_admin, request, article, refusal(error))
    model_admin.message_user(request, message, messages.SUCCESS)
    return HttpResponseRedirect(_change_url(article) + "#live-coverage")


def _refused(model_admin, request, article, message):
    model_admin.message_user(request, message, messages.ERROR)
    return HttpResponseRedirect(_change_url(article) + "#live-coverage")


def _change_url(article: Article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])
