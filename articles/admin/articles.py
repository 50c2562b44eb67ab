"""Articles in the admin: the form, workflow buttons, revisions, related stories."""

from datetime import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.http import (
    Http404,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import slugify
from reversion.models import Version
from reversion_compare.admin import CompareVersionAdmin
from taggit.models import Tag

from articles import body, related, workflow

# Photos whose credit changes get new renditions at once up to this many; the
# rest are brought up to date by `manage.py regenerate_renditions`.
from articles.admin.photos import HeroPhotoLicenceFilter, licence_note
from articles.models import (
    Article,
    ArticleEvent,
    ArticleRedirect,
    Byline,
    Photo,
    RelatedExclusion,
    RelatedLink,
    photo_problems,
)
from articles.preview import share_url
from articles.sanitize import PHOTO_ID, sanitize_html
from articles.views import render_article
from articles.widgets import TagAutocompleteWidget, TagNamesField

Status = Article.Status
Action = ArticleEvent.Action

PHOTO_LIBRARY_PAGE = 30
# Automatic candidates listed for an editor to pin or exclude.
ADMIN_CANDIDATES = 10
RELATED_VERBS = {"pin", "unpin", "exclude", "allow"}


class ArticleInline(admin.TabularInline):
    """Inlines of an article follow the article's own edit rights."""

    def has_add_permission(self, request, obj=None):
        return obj is None or workflow.can_edit(request.user, obj)

    def has_change_permission(self, request, obj=None):
        return obj is None or workflow.can_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return obj is None or workflow.can_edit(request.user, obj)


class BylineInline(ArticleInline):
    model = Byline
    extra = 0
    autocomplete_fields = ["author"]
    verbose_name = "author"
    verbose_name_plural = "Byline (in order)"


class RelatedLinkInline(ArticleInline):
    model = RelatedLink
    fk_name = "from_article"
    extra = 0
    autocomplete_fields = ["to_article"]
    verbose_name = "pinned related story"
    verbose_name_plural = "Pinned related stories (shown first, in this order)"


# Live character counts on the article form: field -> (guide, what the guide is for).
WRITING_GUIDES = {
    "headline": (
        60,
        "Search results show about 60 characters of a title; for a longer "
        "headline, write a shorter SEO title.",
    ),
    "standfirst": (
        155,
        "Search results show about 155 characters of it when the SEO description "
        "is empty.",
    ),
    "seo_title": (60, "Search results show about 60 characters."),
    "seo_description": (155, "Search results show about 155 characters."),
}


class ArticleForm(forms.ModelForm):
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Article
        fields = [
            "headline",
            "slug",
            "section",
            "standfirst",
            "body",
            "hero_photo",
            "tags",
            "seo_title",
            "seo_description",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["loaded_version"].initial = self.instance.version
        for name, (guide, help_text) in WRITING_GUIDES.items():
            if name in self.fields:
                field = self.fields[name]
                field.widget.attrs["data-count-guide"] = guide
                field.help_text = " ".join(filter(None, [field.help_text, help_text]))
        if "body" in self.fields:
            self.fields["body"].help_text = (
                "Headings, emphasis, links, lists, quotes and photos from the photo "
                "library. Anything else, including formatting pasted from elsewhere, "
                "is cleaned away on save."
            )
        if "slug" in self.fields:
            self.fields["slug"].required = False
            if self.slug_is_locked:
                self.fields["slug"].widget.attrs["data-slug-locked"] = "true"
                self.fields["slug"].help_text = (
                    "The article has been published, so its address no longer "
                    "follows the headline. If you change it, the old address "
                    "keeps working and redirects here."
                )
            else:
                self.fields["slug"].help_text = (
                    "The last part of the article's URL. It follows the headline "
                    "until the article is first published, unless you type your own."
                )

    @property
    def slug_is_locked(self) -> bool:
        return bool(self.instance.pk and self.instance.first_published_at)

    def clean_slug(self):
        slug = self.cleaned_data.get("slug")
        if slug:
            return slug
        if self.slug_is_locked:
            return self.instance.slug
        return slugify(self.cleaned_data.get("headline", ""))[:200]

    def clean_body(self):
        html = sanitize_html(self.cleaned_data.get("body", ""))
        wanted = set(body.photo_ids(html))
        if wanted:
            found = set(
                Photo.objects.filter(pk__in=wanted).values_list("pk", flat=True)
            )
            if missing := sorted(wanted - found):
                raise ValidationError(
                    "The body shows photos that are no longer in the photo library "
                    "(%(ids)s). Remove them from the body and save again.",
                    params={"ids": ", ".join(f"#{pk}" for pk in missing)},
                )
        return html

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            loaded = cleaned.get("loaded_version")
            current = (
                Article.objects.select_for_update()
                .values_list("version", flat=True)
                .get(pk=self.instance.pk)
            )
            if loaded != current:
                raise ValidationError(edit_conflict_message(self.instance, loaded))
        if self.instance.is_live() and "hero_photo" in self.fields:
            for problem in photo_problems(cleaned.get("hero_photo")):
                self.add_error(
                    "hero_photo", f"Cannot publish with this photo. {problem}"
                )
        return cleaned


def edit_conflict_message(article: Article, loaded_version: int | None) -> str:
    """Say who saved the article meanwhile and which fields they changed."""
    versions = list(
        Version.objects.get_for_object(article).select_related("revision__user")
    )
    latest = versions[0] if versions else None
    opened = next(
        (v for v in versions if v.field_dict.get("version") == loaded_version), None
    )
    who = ""
    if latest:
        user = latest.revision.user
        when = timezone.localtime(latest.revision.date_created)
        who = f" ({user.get_username() if user else 'the scheduler'}, {when:%H:%M})"
    changed = []
    if latest and opened:
        for field in Article._meta.concrete_fields:
            if field.name in workflow.WORKFLOW_FIELDS or not field.editable:
                continue
            if latest.field_dict.get(field.attname) != opened.field_dict.get(
                field.attname
            ):
                changed.append(str(field.verbose_name))
    changes = f" They changed: {', '.join(changed)}." if changed else ""
    return (
        f"Someone else saved this article while you were editing{who}.{changes} "
        "Your changes were not saved and nothing was overwritten: copy what you "
        "need, reload the page and apply your changes again."
    )


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


def candidates_table(candidates, actions=None):
    """Rows of automatic related stories with their score and shared tags."""
    rows = format_html_join(
        "",
        '<tr><td>{}</td><td><a href="{}">{}</a></td><td>{}</td><td>{}</td>'
        "<td>{}</td>{}</tr>",
        (
            (
                f"{candidate.score:.2f}",
                reverse("admin:articles_article_change", args=[candidate.article.pk]),
                candidate.article.headline,
                candidate.article.section.name,
                candidate.article.publish_at.date().isoformat(),
                ", ".join(tag.name for tag in candidate.shared_tags),
                actions(candidate) if actions else "",
            )
            for candidate in candidates
        ),
    )
    return format_html(
        '<table class="related-candidates"><thead><tr><th>Score</th>'
        "<th>Story</th><th>Section</th><th>Published</th><th>Shared tags</th>{}"
        "</tr></thead><tbody>{}</tbody></table>",
        format_html("<th>{}</th>", "Editor") if actions else "",
        rows,
    )


@admin.register(Article)
class ArticleAdmin(CompareVersionAdmin):
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
        "automatic_related",
    ]
    inlines = [BylineInline, RelatedLinkInline]
    actions = ["publish_selected", "unpublish_selected"]
    history_latest_first = True
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
        ("Photo and topics", {"fields": ["hero_photo", "hero_photo_status", "tags"]}),
        (
            "Publishing",
            {"fields": ["status", "publish_at", "first_published_at", "updated_at"]},
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
        if not super().has_delete_permission(request, obj):
            return False
        if obj is None or workflow.is_editor(request.user):
            return True
        return obj.status == Status.DRAFT and workflow.is_author_of(request.user, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not workflow.is_editor(request.user):
            actions.pop("publish_selected", None)
            actions.pop("unpublish_selected", None)
        return actions

    class Media:
        css = {"all": ["articles/article-body.css", "articles/admin/article-form.css"]}
        js = ["admin/js/urlify.js", "articles/admin/article-form.js"]

    def related_urls(self):
        return [
            path(
                "<int:pk>/related/",
                self.admin_site.admin_view(self.related_view),
                name="articles_article_related",
            ),
            path(
                "<int:pk>/related/<str:verb>/<int:candidate>/",
                self.admin_site.admin_view(self.related_action_view),
                name="articles_article_related_action",
            ),
        ]

    @admin.display(description="Automatic candidates")
    def automatic_related(self, article):
        if not article.pk:
            return "Shown once the article is saved with tags."
        candidates = related.automatic_candidates(
            article, ADMIN_CANDIDATES, explain=True
        )
        link = format_html(
            '<p><a class="button" href="{}">Pin or exclude candidates</a></p>',
            reverse("admin:articles_article_related", args=[article.pk]),
        )
        if not candidates:
            return format_html(
                "<p>No live article shares a tag with this one.</p>{}", link
            )
        return format_html(
            "<p>Filled in after the pinned stories, best first. The score adds the "
            "rarity of each shared tag, with a bonus for the same section, and "
            "falls with the time between the two stories.</p>{}{}",
            candidates_table(candidates),
            link,
        )

    def related_view(self, request, pk):
        article = get_object_or_404(Article.objects.prefetch_related("tags"), pk=pk)
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        can_change = self.has_change_permission(request, article)
        pinned = list(article.related_links.select_related("to_article__section"))
        excluded = list(
            article.related_exclusions.select_related("to_article__section")
        )
        candidates = related.automatic_candidates(
            article,
            ADMIN_CANDIDATES,
            exclude=[link.to_article_id for link in pinned],
            explain=True,
        )

        def buttons(candidate):
            if not can_change:
                return format_html("<td></td>")
            return format_html(
                "<td>{}{}</td>",
                self._action_button(article, "pin", candidate.article.pk, "Pin"),
                self._action_button(
                    article, "exclude", candidate.article.pk, "Exclude"
                ),
            )

        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Related stories for “{article.headline}”",
            "article": article,
            "pinned": pinned,
            "excluded": excluded,
            "table": candidates_table(candidates, buttons) if candidates else "",
            "can_change": can_change,
            "excluded_rows": [
                (e, self._action_button(article, "allow", e.to_article_id, "Allow"))
                for e in excluded
            ],
            "pinned_rows": [
                (p, self._action_button(article, "unpin", p.to_article_id, "Unpin"))
                for p in pinned
            ],
        }
        return TemplateResponse(request, "admin/articles/article/related.html", context)

    def _action_button(self, article, verb, candidate, label):
        return format_html(
            '<button type="submit" class="button" form="related-actions" '
            'formaction="{}">{}</button>',
            reverse(
                "admin:articles_article_related_action",
                args=[article.pk, verb, candidate],
            ),
            label,
        )

    def related_action_view(self, request, pk, verb, candidate):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if verb not in RELATED_VERBS:
            raise Http404("Unknown action.")
        article = get_object_or_404(Article, pk=pk)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        other = get_object_or_404(Article, pk=candidate)
        with transaction.atomic():
            if verb == "pin":
                RelatedExclusion.objects.filter(
                    from_article=article, to_article=other
                ).delete()
                if other.pk != article.pk:
                    last = article.related_links.aggregate(n=Max("position"))["n"]
                    RelatedLink.objects.get_or_create(
                        from_article=article,
                        to_article=other,
                        defaults={"position": 0 if last is None else last + 1},
                    )
                message = f"“{other}” is pinned."
            elif verb == "unpin":
                RelatedLink.objects.filter(
                    from_article=article, to_article=other
                ).delete()
                message = f"“{other}” is no longer pinned."
            elif verb == "exclude":
                RelatedLink.objects.filter(
                    from_article=article, to_article=other
                ).delete()
                RelatedExclusion.objects.get_or_create(
                    from_article=article, to_article=other
                )
                message = f"“{other}” will not be suggested for this article."
            elif verb == "allow":
                RelatedExclusion.objects.filter(
                    from_article=article, to_article=other
                ).delete()
                message = f"“{other}” may be suggested again."
        self.message_user(request, message, messages.SUCCESS)
        return redirect("admin:articles_article_related", pk=article.pk)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "body":
            kwargs["widget"] = body.editor_widget()
        if db_field.name == "tags":
            kwargs["widget"] = TagAutocompleteWidget()
            kwargs["form_class"] = TagNamesField
        if db_field.name in {"headline", "seo_title", "seo_description"}:
            kwargs["widget"] = forms.TextInput(attrs={"class": "vLargeTextField"})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    # Saving ---------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        old_path = None
        if change:
            previous = Article.objects.select_related("section").get(pk=obj.pk)
            if previous.first_published_at:
                old_path = previous.get_absolute_url()
            obj.version = previous.version + 1
        else:
            obj.created_by = request.user
        obj.edited_by = request.user
        super().save_model(request, obj, form, change)
        if old_path:
            ArticleRedirect.remember(old_path, obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        related.refresh_for(form.instance)
        request.form_changed = form.has_changed() or any(
            formset.has_changed() for formset in formsets
        )
        article = form.instance
        author = getattr(request.user, "author", None)
        if not change and author and not article.bylines.exists():
            Byline.objects.create(article=article, author=author)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        article = self.get_object(request, unquote(object_id))
        if article is None or not self.edits_are_pending(article):
            return super().change_view(request, object_id, form_url, extra_context)
        # A live article is edited as pending changes: the form is shown and saved
        # against the pending state, the save is captured as a revision, and the
        # database is rolled back so that readers keep the published version.
        with transaction.atomic():
            savepoint = transaction.savepoint()
            pending = (
                article.pending_change
                if workflow.has_pending_changes(article)
                else None
            )
            if pending:
                workflow._apply(article, pending.revision)
            request.saving_pending_changes = True
            response = super().change_view(request, object_id, form_url, extra_context)
            if hasattr(response, "render"):
                response.render()
            saved = getattr(request, "saved_pending_changes", False)
            state = workflow.snapshot(article) if saved else None
            transaction.savepoint_rollback(savepoint)
        if state:
            workflow.store_pending(article, by=request.user, snapshot=state)
        return response

    @staticmethod
    def edits_are_pending(article: Article) -> bool:
        return article.is_live() or workflow.has_pending_changes(article)

    def response_change(self, request, obj):
        if getattr(request, "saving_pending_changes", False):
            request.saved_pending_changes = request.form_changed
            if request.form_changed:
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
            "default_schedule_at": (timezone.localtime() + timezone.timedelta(hours=1))
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
            text = refusal(error)
            self.message_user(request, text, messages.ERROR)
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
            return f"{headline} is scheduled for {when:%b %-d, %Y %H:%M}."
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
                text = refusal(error)
                self.message_user(request, text, messages.ERROR)
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
        if not photo.alt_text.strip():
            notes.append("No alt text yet: needed before publishing.")
        notes = [note for note in notes if note] or ["Ready to publish."]
        return format_html(
            '{} <a href="{}">Edit the photo</a>',
            " ".join(notes),
            reverse("admin:articles_photo_change", args=[photo.pk]),
        )

    @admin.display(description="Last edited", ordering="edited_at")
    def edited(self, article):
        when = timezone.localtime(article.edited_at)
        who = article.edited_by.get_username() if article.edited_by else ""
        return f"{when:%b %-d, %H:%M} {who}".strip()

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
                reason = refusal(error)
                refused.append(reason)
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


def refusal(error: PermissionDenied | ValidationError) -> str:
    """The message to show for a refused action."""
    if isinstance(error, ValidationError):
        return error.messages[0]
    return str(error) or "You may not do that."


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
class ArticleRedirectAdmin(admin.ModelAdmin):
    list_display = ["old_path", "article", "created_at"]
    list_select_related = ["article"]
    search_fields = ["old_path", "article__headline"]
    readonly_fields = ["old_path", "article"]

    def has_add_permission(self, request):
        return False
