"""Articles in the admin: the list, the change page with its workflow buttons,
previews and revisions. Saving hands the form's content to the workflow."""

from datetime import datetime, timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from reversion.models import Version
from reversion_compare.admin import CompareVersionAdmin
from reversion_compare.helpers import html_diff
from taggit.models import Tag

from articles import body, workflow
from articles.admin.announcing import AnnouncesContentChanges, AnnouncesDeletions
from articles.admin.article_form import (
    ArticleForm,
    BylineInline,
    RelatedLinkInline,
    refusal,
)
from articles.admin.photos import HeroPhotoLicenceFilter, licence_note
from articles.admin.related import RelatedStoriesAdmin
from articles.models import Article, ArticleEvent, ArticleRedirect, Photo
from articles.preview import share_url
from articles.sanitize import PHOTO_ID
from articles.views import render_article
from articles.widgets import TagAutocompleteWidget

Status = Article.Status
Action = ArticleEvent.Action

PHOTO_LIBRARY_PAGE = 30
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


class TagFilter(admin.SimpleListFilter):
    """Filter by one tag, chosen from the tag list's article counts.

    A newsroom has thousands of tags; listing them all in the sidebar made the
    article list slow and unusable, so only the chosen tag is shown here.
    """

    title = "tag"
    parameter_name = "tags__id__exact"

    def lookups(self, request, model_admin):
        value = self.value()
        tag = Tag.objects.filter(pk=value).first() if (value or "").isdigit() else None
        return [(str(tag.pk), tag.name)] if tag else []

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if not value.isdigit():
            raise IncorrectLookupParameters("A tag is chosen by its number.")
        return queryset.filter(tags__id=value)


@admin.register(Article)
class ArticleAdmin(AnnouncesDeletions, RelatedStoriesAdmin, CompareVersionAdmin):
    form = ArticleForm
    list_display = [
        "headline",
        "section",
        "status",
        "publish_at",
        "byline",
        "live",
        "edited",
    ]
    list_filter = [
        "status",
        "section",
        "authors",
        TagFilter,
        ("publish_at", admin.DateFieldListFilter),
        HeroPhotoLicenceFilter,
    ]
    list_select_related = ["section", "edited_by"]
    search_fields = ["headline", "standfirst", "bylines__author__name", "tags__name"]
    date_hierarchy = "publish_at"
    # No prepopulated_fields: articles/admin/article-form.js makes the slug follow
    # the headline on drafts too, and stop once the article has been published.
    autocomplete_fields = ["section", "hero_photo"]
    readonly_fields = [
        "status",
        "publish_at",
        "first_published_at",
        "updated_at",
        "hero_photo_status",
        "rule_breaks",
        "automatic_related",
    ]
    inlines = [BylineInline, RelatedLinkInline]
    actions = ["publish_selected", "unpublish_selected"]
    history_latest_first = True
    compare_exclude = NOT_COMPARED
    change_form_template = "admin/articles/article/change_form.html"
    # Not reversion's list template: deleted articles are not recovered here,
    # since a recovered article would skip the workflow.
    change_list_template = "admin/articles/article/change_list.html"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "headline",
                    "slug",
                    "section",
                    "standfirst",
                    "body",
                    "loaded_version",
                ]
            },
        ),
        (
            "Photo and topics",
            {
                "fields": [
                    "hero_photo",
                    "hero_photo_status",
                    "hero_caption",
                    "hero_alt_text",
                    "tags",
                ]
            },
        ),
        (
            "Publishing",
            {
                "fields": [
                    "status",
                    "publish_at",
                    "first_published_at",
                    "updated_at",
                    "rule_breaks",
                ]
            },
        ),
        ("Related stories", {"fields": ["automatic_related"]}),
        (
            "Search engines",
            {"fields": ["seo_title", "seo_description"], "classes": ["collapse"]},
        ),
    ]

    # Who sees and edits what ----------------------------------------------------

    def get_queryset(self, request):
        articles = super().get_queryset(request).prefetch_related("bylines__author")
        if request.user.has_perm("articles.edit_any_article"):
            return articles
        user = request.user
        return articles.filter(
            Q(created_by=user) | Q(bylines__author__user=user)
        ).distinct()

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return super().has_view_permission(request)
        return workflow.can_view(request.user, obj)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return workflow.can_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return super().has_delete_permission(request)
        return workflow.can_delete(request.user, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not workflow.is_editor(request.user):
            actions.pop("publish_selected", None)
            actions.pop("unpublish_selected", None)
        return actions

    class Media:
        css = {"all": ["articles/article-body.css", "articles/admin/article-form.css"]}
        js = ["admin/js/urlify.js", "articles/admin/article-form.js"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "body":
            kwargs["widget"] = body.editor_widget()
        if db_field.name == "tags":
            kwargs["widget"] = TagAutocompleteWidget()
        if db_field.name in {"headline", "seo_title", "seo_description"}:
            kwargs["widget"] = forms.TextInput(attrs={"class": "vLargeTextField"})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user
        return form

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        return {**kwargs, **inline.formset_kwargs(obj)}

    # Saving: the workflow writes, the admin only reports ----------------------------

    def save_model(self, request, obj, form, change):
        """Nothing is written here: `save_related` hands the form and its inlines
        to the workflow together."""

    def save_related(self, request, form, formsets, change):
        inlines = self.get_inline_instances(request, form.instance)
        rows = {
            inline.content_list: inline.chosen(formset)
            for formset, inline in zip(formsets, inlines, strict=True)
        }
        content = form.content(rows.get("authors"), rows.get("related"))
        if change:
            workflow.edit(
                form.instance,
                content,
                by=request.user,
                version=form.cleaned_data.get("loaded_version"),
            )
        else:
            article = workflow.create(content, by=request.user)
            # The admin goes on to log and redirect to the object it was given.
            form.instance.pk = article.pk
            form.instance.refresh_from_db()

    def construct_change_message(self, request, form, formsets, add=False):
        # The inlines were not saved by their formsets; the revision history and
        # the workflow history record what changed.
        return [{"added": {}}] if add else [{"changed": {"fields": form.changed_data}}]

    def response_change(self, request, obj):
        if workflow.edits_are_pending(obj) or obj.is_live():
            if workflow.has_pending_changes(obj):
                message = (
                    "Saved as pending changes. Readers still see the published "
                    "version until an editor publishes the changes."
                )
            else:
                message = "Nothing was changed."
            self.message_user(request, message, messages.WARNING)
            url = reverse("admin:articles_article_change", args=[obj.pk])
            if "_continue" not in request.POST and "_addanother" not in request.POST:
                url = reverse("admin:articles_article_changelist")
            return HttpResponseRedirect(url)
        return super().response_change(request, obj)

    # The change page: workflow buttons, history, preview --------------------------

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
        article = get_object_or_404(Article, pk=unquote(object_id))
        if not workflow.can_view(request.user, article):
            raise PermissionDenied
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
        if action == Action.SUBMIT:
            workflow.submit(article, by=user, comment=comment)
            return f"{headline} was submitted for review."
        if action == Action.RETURN:
            workflow.return_to_writer(article, by=user, comment=comment)
            return f"{headline} was returned to the writer."
        if action == Action.SCHEDULE:
            at = parse_local_datetime(request.POST.get("publish_at", ""))
            workflow.schedule(article, by=user, at=at, comment=comment)
            when = timezone.localtime(article.publish_at)
            return f"{headline} is scheduled for {when:%b} {when.day}, {when:%Y %H:%M}."
        if action == Action.PUBLISH:
            workflow.publish(article, by=user, comment=comment)
            return f"{headline} is published."
        if action == Action.UNPUBLISH:
            workflow.unpublish(article, by=user, comment=comment)
            return f"{headline} is unpublished; readers no longer see it."
        if action == Action.PUBLISH_CHANGES:
            workflow.publish_changes(article, by=user, comment=comment)
            return f"The changes to {headline} are published."
        if action == Action.DISCARD_CHANGES:
            workflow.discard_changes(article, by=user)
            return f"The pending changes to {headline} were discarded."
        if action == "share":
            if not workflow.is_editor(user):
                raise PermissionDenied("Only editors can share previews.")
            url = request.build_absolute_uri(share_url(article))
            return f"Preview link for {headline} (valid for a limited time): {url}"
        raise ValidationError(f"Unknown action “{action}”.")

    def preview_view(self, request, object_id):
        article = get_object_or_404(Article, pk=unquote(object_id))
        if not workflow.can_view(request.user, article):
            raise PermissionDenied
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
        return JsonResponse(
            {
                "photos": [
                    {
                        "id": photo.pk,
                        "thumbnail": photo.image.url,
                        "caption": photo.caption,
                        "alt": photo.alt_text,
                        "credit": photo.credit_line,
                        "figure": body.render_photo(photo),
                    }
                    for photo in photos
                ]
            }
        )

    # Revisions: restore through the workflow, never by reverting status ----------

    def revision_view(self, request, object_id, version_id, extra_context=None):
        article = get_object_or_404(Article, pk=unquote(object_id))
        version = get_object_or_404(
            Version.objects.get_for_object(article).select_related("revision__user"),
            pk=version_id,
        )
        if not workflow.can_view(request.user, article):
            raise PermissionDenied
        if request.method == "POST":
            try:
                workflow.restore(article, version, by=request.user)
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
        article = get_object_or_404(Article, pk=unquote(object_id))
        if not workflow.can_view(request.user, article):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)

    def compare_view(self, request, object_id, extra_context=None):
        article = get_object_or_404(Article, pk=unquote(object_id))
        if not workflow.can_view(request.user, article):
            raise PermissionDenied
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

    # List columns and bulk actions -------------------------------------------------

    @admin.display(description="Byline")
    def byline(self, article):
        return ", ".join(author.name for author in article.byline_authors)

    @admin.display(description="Live", boolean=True)
    def live(self, article):
        return article.is_live()

    @admin.display(description="Photo status")
    def hero_photo_status(self, article):
        photo = article.hero_photo
        if not photo:
            return "—"
        notes = [licence_note(photo)]
        if not (article.hero_alt_text or photo.alt_text).strip():
            notes.append("No alt text yet: needed before publishing.")
        notes = [note for note in notes if note] or ["Ready to publish."]
        return format_html(
            '{} <a href="{}">Edit the photo</a>',
            " ".join(notes),
            reverse("admin:articles_photo_change", args=[photo.pk]),
        )

    @admin.display(description="Imported with")
    def rule_breaks(self, article):
        if not article.imported_rule_breaks:
            return "—"
        return format_html(
            "<strong>Still to fix</strong> (imported although it breaks the "
            "publishing rules): {}",
            "; ".join(article.imported_rule_breaks),
        )

    @admin.display(description="Last edited", ordering="edited_at")
    def edited(self, article):
        when = timezone.localtime(article.edited_at)
        who = article.edited_by.get_username() if article.edited_by else ""
        return f"{when:%b} {when.day}, {when:%H:%M} {who}".strip()

    @admin.action(description="Publish selected articles now")
    def publish_selected(self, request, queryset):
        self.bulk(request, queryset, workflow.publish, "published")

    @admin.action(description="Unpublish selected articles")
    def unpublish_selected(self, request, queryset):
        self.bulk(request, queryset, workflow.unpublish, "unpublished")

    def bulk(self, request, queryset, transition, done: str) -> None:
        moved, refused = [], []
        for article in queryset.select_related("section"):
            try:
                transition(article, by=request.user)
            except (PermissionDenied, ValidationError) as error:
                refused.append(refusal(error))
            else:
                moved.append(f"“{article.headline}”")
        if moved:
            self.message_user(
                request, f"{len(moved)} {done}: {', '.join(moved)}.", messages.SUCCESS
            )
        for reason in refused:
            self.message_user(request, f"Refused: {reason}", messages.ERROR)


# The workflow buttons on an article's page, by transition.
BUTTONS = {
    Action.SUBMIT: "Submit for review",
    Action.RETURN: "Return to writer",
    Action.SCHEDULE: "Schedule",
    Action.PUBLISH: "Publish now",
    Action.UNPUBLISH: "Unpublish",
}


def parse_local_datetime(value: str) -> datetime | None:
    """Read a datetime-local input ("2026-11-28T14:30") in the site's time zone."""
    try:
        naive = datetime.fromisoformat(value)
    except ValueError:
        return None
    if timezone.is_aware(naive):
        return naive
    return timezone.make_aware(naive)


@admin.register(ArticleEvent)
class ArticleEventAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "article",
        "action",
        "actor",
        "from_status",
        "to_status",
    ]
    list_filter = ["action", "to_status"]
    list_select_related = ["article", "actor"]
    search_fields = ["article__headline", "comment"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ArticleRedirect)
class ArticleRedirectAdmin(AnnouncesContentChanges, admin.ModelAdmin):
    list_display = ["old_path", "article", "created_at"]
    list_select_related = ["article"]
    search_fields = ["old_path", "article__headline"]
    readonly_fields = ["old_path", "article"]

    def has_add_permission(self, request):
        return False
