"""Sections and authors in the admin."""

from django.contrib import admin
from django.db.models import Count

from articles.admin.announcing import AnnouncesContentChanges
from articles.admin.autocomplete import SafeAutocomplete
from articles.models import (
    Author,
    Section,
)


@admin.register(Section)
class SectionAdmin(AnnouncesContentChanges, admin.ModelAdmin):
    list_display = ["name", "slug", "position", "article_count"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]

    def get_queryset(self, request):
        # Meta.ordering does not apply to an aggregated query: order it again, or the
        # section picker's pages come in no defined order.
        return (
            super()
            .get_queryset(request)
            .annotate(article_count=Count("articles"))
            .order_by(*Section._meta.ordering)
        )

    @admin.display(description="Articles", ordering="article_count")
    def article_count(self, section):
        return section.article_count


@admin.register(Author)
class AuthorAdmin(SafeAutocomplete, AnnouncesContentChanges, admin.ModelAdmin):
    list_display = ["name", "slug", "user"]
    list_select_related = ["user"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
    autocomplete_fields = ["user"]
