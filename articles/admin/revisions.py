"""Revisions in the admin: django-reversion's history and comparison, with
restoring done by the workflow (a restore never changes an article's status)."""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from reversion.models import Version
from reversion_compare.admin import CompareVersionAdmin
from reversion_compare.helpers import html_diff

from articles import workflow
from articles.admin.article_form import refusal
from articles.admin.lookups import viewable_article
from articles.models import Article

# What the revision comparison leaves out: bookkeeping, not what the story says.
NOT_COMPARED = [
    "tags",
    "version",
    "edited_at",
    "edited_by",
    "created_at",
    "created_by",
    "imported_rule_breaks",
]


class RevisionsAdmin(CompareVersionAdmin):
    """django-reversion's history and comparison of an article, with restores
    through the workflow and no recovery of deleted articles: ArticleAdmin's base."""

    compare_exclude = NOT_COMPARED

    def revision_view(self, request, object_id, version_id, extra_context=None):
        article = get_object_or_404(Article, pk=unquote(object_id))
        version = get_object_or_404(
            Version.objects.get_for_object(article).select_related("revision__user"),
            pk=version_id,
        )
        if not workflow.can_view(request.user, article):
            raise PermissionDenied
        if request.method == "POST":
            seen = request.POST.get("version", "")
            try:
                if not seen.isdigit():
                    raise ValidationError(
                        "This page did not say which version of the article you "
                        "saw: reload it and restore again."
                    )
                workflow.restore(article, version, by=request.user, version=int(seen))
            except (PermissionDenied, ValidationError) as error:
                self.message_user(request, refusal(error), messages.ERROR)
            else:
                pending = workflow.has_pending_changes(article)
                self.message_user(
                    request,
                    "The revision was restored as pending changes; publish them to "
                    "show readers."
                    if pending
                    else "The revision was restored.",
                    messages.SUCCESS,
                )
            return HttpResponseRedirect(
                reverse("admin:articles_article_change", args=[article.pk])
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": article,
            "version": version,
            "fields": version.field_dict,
            "can_restore": workflow.is_editor(request.user),
            "title": f"Restore a revision of “{article.headline}”",
        }
        return TemplateResponse(
            request, "admin/articles/article/revision_confirm.html", context
        )

    def recover_view(self, request, version_id, extra_context=None):
        raise PermissionDenied  # a recovered article would skip the workflow

    def recoverlist_view(self, request, extra_context=None):
        raise PermissionDenied

    def history_view(self, request, object_id, extra_context=None):
        viewable_article(request, object_id)  # 404 or 403 before the library reads it
        return super().history_view(request, object_id, extra_context)

    def compare_view(self, request, object_id, extra_context=None):
        viewable_article(request, object_id)  # 404 or 403 before the library reads it
        return super().compare_view(request, object_id, extra_context)

    def compare(self, obj, version1, version2):
        """reversion-compare's field diff, plus the tags, which it cannot read
        from taggit's manager."""
        diff, has_unfollowed_fields = super().compare(obj, version1, version2)
        tags1 = workflow.content_of_revision(version1).tags
        tags2 = workflow.content_of_revision(version2).tags
        if sorted(tags1, key=str.lower) != sorted(tags2, key=str.lower):
            diff.append(
                {
                    "field": Article._meta.get_field("tags"),
                    "is_related": False,
                    "follow": True,
                    "diff": html_diff(
                        "\n".join(sorted(tags1, key=str.lower)),
                        "\n".join(sorted(tags2, key=str.lower)),
                    ),
                }
            )
        return diff, has_unfollowed_fields
