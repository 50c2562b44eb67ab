from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from taggit.models import Tag

from articles import related
from articles.models import (
    Article,
    Author,
    Byline,
    Photo,
    PhotoCredit,
    RelatedExclusion,
    RelatedLink,
    Section,
    TagRedirect,
)
from articles.tags import (
    comparison_key,
    merge_tags,
    near_duplicates,
    record_slug_change,
    with_usage,
)
from articles.widgets import TagAutocompleteWidget

# Automatic candidates listed for an editor to pin or exclude.
ADMIN_CANDIDATES = 10
RELATED_VERBS = {"pin", "unpin", "exclude", "allow"}


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position", "article_count"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    @admin.display(description="Articles", ordering="article_count")
    def article_count(self, section):
        return section.article_count


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "user"]
    list_select_related = ["user"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
    autocomplete_fields = ["user"]


@admin.register(PhotoCredit)
class PhotoCreditAdmin(admin.ModelAdmin):
    list_display = ["line", "photographer", "agency", "distributor"]
    search_fields = ["photographer", "agency", "distributor"]

    @admin.display(description="Credit line")
    def line(self, credit):
        return credit.line


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    list_display = ["thumbnail", "caption", "credit_line", "size", "licence_expires_on"]
    list_display_links = ["thumbnail", "caption"]
    list_select_related = ["credit"]
    search_fields = [
        "caption",
        "alt_text",
        "credit__photographer",
        "credit__agency",
        "credit__distributor",
    ]
    autocomplete_fields = ["credit"]
    readonly_fields = ["preview", "size"]
    fieldsets = [
        (
            None,
            {"fields": ["image", "preview", "size", "alt_text", "caption", "credit"]},
        ),
        (
            "Licence",
            {
                "fields": ["licence_terms", "licence_expires_on"],
                "classes": ["collapse"],
            },
        ),
    ]

    @admin.display(description="Photo")
    def thumbnail(self, photo):
        if not photo.image:
            return "—"
        return format_html(
            '<img src="{}" alt="" width="96" style="height:auto">', photo.image.url
        )

    @admin.display(description="Preview")
    def preview(self, photo):
        if not photo.image:
            return "—"
        return format_html(
            '<img src="{}" alt="" style="max-width:480px;height:auto">', photo.image.url
        )

    @admin.display(description="Credit")
    def credit_line(self, photo):
        return photo.credit_line

    @admin.display(description="Size")
    def size(self, photo):
        return f"{photo.width} × {photo.height}" if photo.width else "—"


class BylineInline(admin.TabularInline):
    model = Byline
    extra = 0
    min_num = 0
    autocomplete_fields = ["author"]
    verbose_name = "author"
    verbose_name_plural = "Byline (in order)"


class RelatedLinkInline(admin.TabularInline):
    model = RelatedLink
    fk_name = "from_article"
    extra = 0
    autocomplete_fields = ["to_article"]
    verbose_name = "pinned related story"
    verbose_name_plural = "Pinned related stories (shown first, in this order)"


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
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["headline", "section", "status", "publish_at", "byline", "live"]
    list_filter = ["status", "section", "authors", TagFilter]
    list_select_related = ["section"]
    search_fields = ["headline", "standfirst"]
    date_hierarchy = "publish_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["section", "hero_photo"]
    inlines = [BylineInline, RelatedLinkInline]
    readonly_fields = ["automatic_related"]
    fieldsets = [
        (None, {"fields": ["headline", "slug", "section", "standfirst", "body"]}),
        ("Photo and topics", {"fields": ["hero_photo", "tags"]}),
        ("Publishing", {"fields": ["status", "publish_at"]}),
        ("Related stories", {"fields": ["automatic_related"]}),
        (
            "Search engines",
            {"fields": ["seo_title", "seo_description"], "classes": ["collapse"]},
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("bylines__author")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        related.refresh_for(form.instance)

    def get_urls(self):
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
            *super().get_urls(),
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
        if db_field.name == "tags":
            kwargs["widget"] = TagAutocompleteWidget()
        if db_field.name in {"headline", "seo_title", "seo_description"}:
            kwargs["widget"] = forms.TextInput(attrs={"class": "vLargeTextField"})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description="Byline")
    def byline(self, article):
        return ", ".join(author.name for author in article.byline_authors)

    @admin.display(description="Live", boolean=True)
    def live(self, article):
        return article.is_live()


class TagForm(forms.ModelForm):
    class Meta:
        model = Tag
        fields = ["name", "slug"]

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        key = comparison_key(name)
        clash = [
            tag.name
            for tag in Tag.objects.exclude(pk=self.instance.pk).only("name")
            if comparison_key(tag.name) == key
        ]
        if clash:
            raise ValidationError(
                "“%(other)s” differs from this name only in case or spacing; "
                "merge the two tags instead (select both in the tag list, then "
                "“Merge selected tags”).",
                params={"other": clash[0]},
            )
        return name


class MergeForm(forms.Form):
    survivor = forms.ModelChoiceField(
        queryset=Tag.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        help_text="The tag that stays. The others are removed, their articles "
        "tagged with this one instead, and their pages redirect to its page.",
    )

    def __init__(self, *args, tags, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survivor"].queryset = tags
        self.fields["survivor"].label_from_instance = lambda tag: (
            f"{tag.name} ({tag.usage} articles)"
        )


admin.site.unregister(Tag)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    form = TagForm
    list_display = ["name", "slug", "usage", "public_page"]
    search_fields = ["name"]
    ordering = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["merge_selected"]
    change_list_template = "admin/articles/tag/change_list.html"

    def get_queryset(self, request):
        return with_usage(super().get_queryset(request))

    def get_urls(self):
        return [
            path(
                "near-duplicates/",
                self.admin_site.admin_view(self.near_duplicates_view),
                name="taggit_tag_near_duplicates",
            ),
            *super().get_urls(),
        ]

    @admin.display(description="Articles", ordering="usage")
    def usage(self, tag):
        url = reverse("admin:articles_article_changelist")
        return format_html(
            '<a href="{}?tags__id__exact={}">{}</a>', url, tag.pk, tag.usage
        )

    @admin.display(description="Page")
    def public_page(self, tag):
        url = reverse("articles:tag", args=[tag.slug])
        return format_html('<a href="{}">{}</a>', url, url)

    def save_model(self, request, obj, form, change):
        old_slug = form.initial.get("slug", "") if change else ""
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            record_slug_change(obj, old_slug)

    @admin.action(description="Merge selected tags…", permissions=["change"])
    def merge_selected(self, request, queryset):
        tags = with_usage(queryset).order_by("-usage", "name")
        if tags.count() < 2:
            self.message_user(
                request, "Select at least two tags to merge.", messages.WARNING
            )
            return None
        form = MergeForm(
            request.POST if "merge" in request.POST else None,
            tags=tags,
            initial={"survivor": tags.first()},
        )
        if form.is_valid():
            result = merge_tags(list(tags), into=form.cleaned_data["survivor"])
            self.message_user(
                request,
                f"Merged {', '.join(result.merged)} into {result.survivor.name}; "
                f"{result.articles} articles retagged.",
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Merge tags",
            "form": form,
            "tags": tags,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/articles/tag/merge.html", context)

    def near_duplicates_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Tags that differ only in case or spacing",
            "groups": near_duplicates(),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "changelist_url": reverse("admin:taggit_tag_changelist"),
        }
        return TemplateResponse(
            request, "admin/articles/tag/near_duplicates.html", context
        )


@admin.register(TagRedirect)
class TagRedirectAdmin(admin.ModelAdmin):
    list_display = ["old_slug", "tag"]
    list_select_related = ["tag"]
    search_fields = ["old_slug", "tag__name"]
    autocomplete_fields = ["tag"]
