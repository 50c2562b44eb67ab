"""Articles in the admin: the list, the change page with its workflow buttons,
previews and revisions. Saving hands the form's content to the workflow.

ArticleAdmin is Django's admin for the article (with the revisions of
`RevisionsAdmin`); what its change page shows beside the form is in
`article_workflow.panel_context`, its extra pages are views of their own modules,
listed in `get_urls`."""

from functools import cached_property, partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import SEARCH_VAR
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, F, OuterRef, Q
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from taggit.models import Tag, TaggedItem

from articles import body, workflow, working_copies
from articles.admin import article_actions, article_workflow, comments, related
from articles.admin import live as live_coverage
from articles.admin import working_copies as working_copy_pages
from articles.admin.announcing import AnnouncesContentChanges, AnnouncesDeletions
from articles.admin.article_form import (
    ArticleForm,
    BylineInline,
    RelatedLinkInline,
    changed_fields,
    refusal,
)
from articles.admin.autocomplete import SafeAutocomplete
from articles.admin.listing import selection_box
from articles.admin.photos import NO_RENDITIONS, HeroPhotoLicenceFilter, licence_note
from articles.admin.revisions import NOT_COMPARED, RevisionsAdmin
from articles.cache.fragments import remember
from articles.models import (
    Article,
    ArticleEvent,
    ArticleRedirect,
    Author,
    Byline,
    Correction,
)
from articles.photos.renditions import picture_sources
from articles.widgets import TagAutocompleteWidget, TagNamesField

Status = Article.Status
Action = ArticleEvent.Action


def local_time(when) -> str:
    """“Dec 7, 2026 14:05 CET”: the site's time, saying which zone it is."""
    if when is None:
        return "—"
    when = timezone.localtime(when)
    return f"{when:%b} {when.day}, {when:%Y %H:%M %Z}"


def article_type() -> ContentType:
    return ContentType.objects.get_for_model(Article)


class TagFilter(admin.SimpleListFilter):
    """Filter by one tag, chosen from the tag list's article counts.

    A newsroom has thousands of tags; listing them all in the sidebar made the
    article list slow and unusable, so only the chosen tag is shown here.
    """

    title = "tag"
    parameter_name = "tags__id__exact"

    def lookups(self, request, model_admin):
        value = self.value()
        chosen = (value or "").isdecimal()
        tag = Tag.objects.filter(pk=value).first() if chosen else None
        return [(str(tag.pk), tag.name)] if tag else []

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if not value.isdecimal():
            raise IncorrectLookupParameters("A tag is chosen by its number.")
        return queryset.filter(tags__id=value)


class SearchPaginator(Paginator):
    """Pages of a search, counted up to COUNT_UP_TO matches: a word every
    story's byline holds matches the whole archive, and counting it all on
    each page costs more than the page ("More than 1,000 articles" says
    enough; the first pages are read along the list's order)."""

    COUNT_UP_TO = 1000

    @cached_property
    def count(self) -> int:
        found = self.object_list.order_by().values("pk")[: self.COUNT_UP_TO + 1]
        return found.count()

    @property
    def more(self) -> bool:
        return self.count > self.COUNT_UP_TO


class EmbargoFilter(admin.SimpleListFilter):
    title = "embargo"
    parameter_name = "embargo"

    def lookups(self, request, model_admin):
        return [("running", "Under embargo"), ("none", "No embargo")]

    def queryset(self, request, queryset):
        if self.value() == "running":
            return queryset.filter(embargo_until__gt=timezone.now())
        if self.value() == "none":
            return queryset.exclude(embargo_until__gt=timezone.now())
        return queryset


# The moves a save can make at once, and the drafts they are offered on.
SAVE_AND = {
    Action.SUBMIT: "Save and submit for review",
    Action.PUBLISH: "Save and publish",
}
SAVED_AND_MOVED_FROM = {Status.DRAFT, Status.IN_REVIEW}


@admin.register(Article)
class ArticleAdmin(SafeAutocomplete, AnnouncesDeletions, RevisionsAdmin):
    form = ArticleForm
    list_display = [
        "headline",
        "section",
        "status",
        "publish_time",
        "byline",
        "live",
        "flags",
        "edited",
    ]
    list_filter = [
        "status",
        EmbargoFilter,
        "section",
        "authors",
        TagFilter,
        ("publish_at", admin.DateFieldListFilter),
        HeroPhotoLicenceFilter,
    ]
    list_select_related = ["section", "edited_by"]
    list_per_page = 50
    # "Show all" instead of a count of the whole archive beside every search.
    show_full_result_count = False
    search_fields = ["headline", "standfirst", "bylines__author__name", "tags__name"]
    date_hierarchy = "publish_at"
    # No prepopulated_fields: articles/admin/article-form.js makes the slug follow
    # the headline on drafts too, and stop once the article has been published.
    autocomplete_fields = ["section", "hero_photo", "follows"]
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
    # The revision comparison shows what the story says; who took it down, and
    # when, is on its page.
    compare_exclude = [
        *NOT_COMPARED,
        "taken_down_at",
        "taken_down_by",
        "takedown_reason",
    ]
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
        ("Related stories", {"fields": ["follows", "automatic_related"]}),
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
        # The writer's own stories, read first along their indexes: a few
        # hundred ids, from which the list, its filters and a search start,
        # rather than from the archive (no join, so no DISTINCT either).
        created = Article.objects.filter(created_by=user).order_by()
        bylined = Byline.objects.filter(author__user=user).order_by()
        own = created.values_list("pk", flat=True).union(
            bylined.values_list("article_id", flat=True)
        )
        return articles.filter(pk__in=list(own))

    def get_object(self, request, object_id, from_field=None):
        """The change page's article with its hero photo and credit, whose status
        it shows."""
        articles = self.get_queryset(request)
        field = Article._meta.get_field(from_field) if from_field else Article._meta.pk
        try:
            return articles.select_related("hero_photo__credit").get(
                **{field.name: field.to_python(object_id)}
            )
        except (Article.DoesNotExist, ValidationError, ValueError):
            return None

    def get_paginator(self, request, queryset, per_page, *args, **kwargs):
        if request.GET.get(SEARCH_VAR, "").strip():
            return SearchPaginator(queryset, per_page, *args, **kwargs)
        return super().get_paginator(request, queryset, per_page, *args, **kwargs)

    def get_search_results(self, request, queryset, search_term):
        """Articles whose headline, standfirst, byline or tags name every word.

        The bylines and tags that name a word are looked up first in their own
        small tables, so the database knows how many stories they bring (a
        word every byline holds brings the whole archive, to be read along
        the list's order; a rare one, a few, read along their index)."""
        words = search_term.split()
        if not words:
            return queryset, False
        for word in words:
            found = Q(headline__icontains=word) | Q(standfirst__icontains=word)
            authors = list(
                Author.objects.filter(name__icontains=word).values_list("pk", flat=True)
            )
            if authors:
                found |= Exists(
                    Byline.objects.filter(article=OuterRef("pk"), author__in=authors)
                )
            tags = list(
                Tag.objects.filter(name__icontains=word).values_list("pk", flat=True)
            )
            if tags:
                found |= Exists(
                    TaggedItem.objects.filter(
                        object_id=OuterRef("pk"),
                        content_type=article_type(),
                        tag__in=tags,
                    )
                )
            queryset = queryset.filter(found)
        return queryset, False

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

    def get_deleted_objects(self, objs, request):
        """An article's records (events, corrections) go with it, though none can
        be deleted on its own; whether the article may go is `can_delete`'s."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(
            objs, request
        )
        records = {ArticleEvent._meta.verbose_name, Correction._meta.verbose_name}
        return deleted, counts, perms_needed - records, protected

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not workflow.is_editor(request.user):
            actions.pop("publish_selected", None)
            actions.pop("unpublish_selected", None)
        return actions

    class Media:
        css = {
            "all": [
                "articles/article-body.css",
                "articles/admin/article-form.css",
                "articles/admin/workflow.css",
            ]
        }
        js = ["admin/js/urlify.js", "articles/admin/article-form.js"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "body":
            kwargs["widget"] = body.editor_widget()
        if db_field.name == "tags":
            kwargs["widget"] = TagAutocompleteWidget()
            kwargs["form_class"] = TagNamesField
        if db_field.name in {"headline", "seo_title", "seo_description"}:
            kwargs["widget"] = forms.TextInput(attrs={"class": "vLargeTextField"})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user
        form.restored = working_copy_pages.restored(request, obj)
        hero = form.base_fields.get("hero_photo")
        if hero is not None:
            # article-form.js fills the hero's caption and alt text from here
            # as soon as a photo is chosen.
            widget = getattr(hero.widget, "widget", hero.widget)
            widget.attrs["data-library-url"] = reverse("admin:articles_article_photos")
        return form

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        return {**kwargs, **inline.formset_kwargs(obj)}

    # The change page's panels and pages -----------------------------------------

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        if obj is not None:
            context.update(article_workflow.panel_context(request, obj))
            context.update(comments.comments_context(request, obj))
            context.update(live_coverage.live_context(request, obj))
            if workflow.can_edit(request.user, obj):
                context.update(working_copy_pages.working_copy_context(request, obj))
        if add or self.has_change_permission(request, obj):
            context["save_and_actions"] = self.save_and_actions(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        def page(view):
            return self.admin_site.admin_view(partial(view, self))

        return [
            path(
                "<path:object_id>/workflow/<str:action>/",
                page(article_workflow.press_button),
                name="articles_article_workflow",
            ),
            path(
                "<path:object_id>/preview/",
                page(article_workflow.preview),
                name="articles_article_preview",
            ),
            path(
                "photos/",
                page(article_workflow.photo_picker),
                name="articles_article_photos",
            ),
            path(
                "<int:pk>/related/",
                page(related.related_page),
                name="articles_article_related",
            ),
            path(
                "<int:pk>/related/<str:verb>/<int:candidate>/",
                page(related.related_action),
                name="articles_article_related_action",
            ),
            path(
                "<path:object_id>/comments/",
                page(comments.post_comment),
                name="articles_article_comment",
            ),
            path(
                "<path:object_id>/comments/<str:comment_id>/<str:verb>/",
                page(comments.comment_thread),
                name="articles_article_comment_thread",
            ),
            path(
                "<path:object_id>/live/<str:verb>/",
                page(live_coverage.coverage),
                name="articles_article_live",
            ),
            path(
                "<path:object_id>/live/update/<int:update_id>/",
                page(live_coverage.update_page),
                name="articles_article_live_update",
            ),
            path(
                "<path:object_id>/live/update/<int:update_id>/<str:verb>/",
                page(live_coverage.update_action),
                name="articles_article_live_update_action",
            ),
            path(
                "<path:object_id>/working-copy/",
                page(working_copy_pages.autosave),
                name="articles_article_working_copy",
            ),
            path(
                "<path:object_id>/working-copy/discard/",
                page(working_copy_pages.discard),
                name="articles_article_discard_working_copy",
            ),
            path(
                "<path:object_id>/presence/",
                page(working_copy_pages.presence),
                name="articles_article_presence",
            ),
            *super().get_urls(),
        ]

    @admin.display(description="Automatic candidates")
    def automatic_related(self, article):
        # Ranked across the archive, the costliest part of the page: kept until
        # the article is saved (a new version) or the content readers see
        # changes (a new generation), either of which can change the ranking.
        return remember(
            f"related-candidates:{article.pk}:{article.version}",
            lambda: related.candidates_panel(article),
        )

    # Saving ----------------------------------------------------------------------
    # An article's row, bylines and pinned stories are one change, written by the
    # workflow in one transaction (`save_article`). Django's change view writes a
    # row (save_model) before its inlines (save_related) and hands the inlines'
    # formsets only to the second, so the save happens there; save_model writes
    # nothing.

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except workflow.MergeConflict as conflict:
            # Both changed bylines or pinned stories, which the form's check
            # cannot see: the person's work stays as their unsaved work.
            self.message_user(request, refusal(conflict), messages.ERROR)
            return HttpResponseRedirect(request.path)
        except workflow.SlugTaken:
            # Another article took the slug after this form was checked (nothing
            # was saved). Checked again, the form says so and keeps what was typed.
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        """Nothing yet: `save_article` writes the row with its inlines."""

    def save_related(self, request, form, formsets, change):
        self.save_article(request, form, formsets, change)

    def save_article(self, request, form, formsets, change) -> Article:
        """The form and its inlines as one `ArticleContent`, created or edited by
        the workflow (in one transaction, refused whole when it must be)."""
        inlines = self.get_inline_instances(request, form.instance)
        rows = {
            inline.content_list: inline.chosen(formset)
            for formset, inline in zip(formsets, inlines, strict=True)
        }
        content = form.content(rows.get("authors"), rows.get("related"))
        if change:
            # From an older version, merged into what is saved now.
            loaded = form.cleaned_data.get("loaded_version")
            article = workflow.edit_merging(
                form.instance, lambda opened: content, by=request.user, version=loaded
            )
            working_copies.discard_working_copy(request.user, article)
            if loaded is not None and article.version > loaded + 1:
                self.message_user(
                    request,
                    "Someone else saved this article while you were editing: "
                    "what they changed is kept with your changes.",
                    messages.INFO,
                )
            return article
        article = workflow.create(content, by=request.user)
        # The admin goes on to log and redirect to the object it was given.
        form.instance.pk = article.pk
        form.instance.refresh_from_db()
        return article

    def construct_change_message(self, request, form, formsets, add=False):
        # The inlines were not saved by their formsets; the revision history and
        # the workflow history record what changed.
        return (
            [{"added": {}}] if add else [{"changed": {"fields": changed_fields(form)}}]
        )

    # Save and move on: the form's save, then one button of the action table,
    # so that a finished draft goes to review (or live) in one click.

    def save_and_actions(self, request, article: Article | None) -> list:
        """The moves offered beside Save: those the person may make on the
        draft once saved (a new one is their own draft)."""
        if article is None:
            article = Article(status=Status.DRAFT, created_by=request.user)
        elif article.status not in SAVED_AND_MOVED_FROM:
            return []
        allowed = workflow.allowed_actions(request.user, article)
        return [
            (action, label) for action, label in SAVE_AND.items() if action in allowed
        ]

    def move_on_after_save(self, request, article: Article):
        """The move pressed with the save, if any: its message and the article's
        page, or None to answer as Django does."""
        action = request.POST.get("_save_and", "")
        if action not in SAVE_AND:
            return None
        try:
            message = article_actions.press(request, article, action)
        except (PermissionDenied, ValidationError) as error:
            self.message_user(
                request, f"Saved, but not moved on: {refusal(error)}", messages.ERROR
            )
        else:
            self.message_user(request, f"Saved. {message}", messages.SUCCESS)
        return HttpResponseRedirect(
            reverse("admin:articles_article_change", args=[article.pk])
        )

    def response_add(self, request, obj, post_url_continue=None):
        moved = self.move_on_after_save(request, obj)
        return moved or super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        moved = self.move_on_after_save(request, obj)
        if moved:
            return moved
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

    # List columns and bulk actions -------------------------------------------------

    def action_checkbox(self, article):
        return selection_box(article)

    @admin.display(description="Byline")
    def byline(self, article):
        return ", ".join(author.name for author in article.byline_authors)

    @admin.display(description="Live", boolean=True)
    def live(self, article):
        return article.is_live()

    @admin.display(description="Integrity")
    def flags(self, article):
        if article.is_taken_down:
            return format_html('<span class="badge badge--takedown">Taken down</span>')
        if article.is_embargoed():
            when = timezone.localtime(article.embargo_until)
            return format_html(
                '<span class="badge badge--embargo">Embargo until {} {}</span>',
                f"{when:%b} {when.day},",
                f"{when:%H:%M %Z}",
            )
        return ""

    @admin.display(description="Photo status")
    def hero_photo_status(self, article):
        photo = article.hero_photo
        if not photo:
            return "—"
        notes = [licence_note(photo)]
        if not photo.is_licence_expired() and not picture_sources(photo):
            notes.append(NO_RENDITIONS)
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

    # Undated drafts last when newest come first, as the list's own order and
    # its index have them.
    @admin.display(
        description="Publish at", ordering=F("publish_at").asc(nulls_first=True)
    )
    def publish_time(self, article):
        return local_time(article.publish_at)

    @admin.display(description="Last edited", ordering="edited_at")
    def edited(self, article):
        who = article.edited_by.get_username() if article.edited_by else ""
        return f"{local_time(article.edited_at)} {who}".strip()

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
