from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils.html import format_html

from articles.models import (
    Article,
    Author,
    Byline,
    Photo,
    PhotoCredit,
    RelatedLink,
    Section,
)
from articles.widgets import TagAutocompleteWidget


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


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["headline", "section", "status", "publish_at", "byline", "live"]
    list_filter = ["status", "section", "authors", "tags"]
    list_select_related = ["section"]
    search_fields = ["headline", "standfirst"]
    date_hierarchy = "publish_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["section", "hero_photo"]
    inlines = [BylineInline, RelatedLinkInline]
    fieldsets = [
        (None, {"fields": ["headline", "slug", "section", "standfirst", "body"]}),
        ("Photo and topics", {"fields": ["hero_photo", "tags"]}),
        ("Publishing", {"fields": ["status", "publish_at"]}),
        (
            "Search engines",
            {"fields": ["seo_title", "seo_description"], "classes": ["collapse"]},
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("bylines__author")

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
