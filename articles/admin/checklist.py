"""The publishing checklist in the admin: rules on or off, their limits, and
each section's own settings. The checks themselves are in the workflow."""

from django.contrib import admin

from articles.admin.autocomplete import SafeAutocomplete
from articles.models import ChecklistRule, Correction, SectionRule


class SectionRuleInline(SafeAutocomplete, admin.TabularInline):
    model = SectionRule
    extra = 0
    autocomplete_fields = ["section"]
    verbose_name = "setting for one section"
    verbose_name_plural = "Settings for single sections (they win over the above)"


@admin.register(ChecklistRule)
class ChecklistRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "rule", "enabled", "limit", "sections"]
    list_editable = ["enabled", "limit"]
    readonly_fields = ["name", "rule"]
    fields = ["name", "rule", "enabled", "limit"]
    inlines = [SectionRuleInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("section_rules__section")

    def has_add_permission(self, request):
        return False  # every rule is a check in code; its row only configures it

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Rule")
    def rule(self, rule):
        return rule.description.format(limit=rule.limit)

    @admin.display(description="Per section")
    def sections(self, rule):
        rows = rule.section_rules.all()
        return (
            ", ".join(
                f"{row.section.name}: {'on' if row.enabled else 'off'}"
                + (f" ({row.limit})" if row.enabled and row.limit is not None else "")
                for row in rows
            )
            or "—"
        )


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    """The record of corrections; they are added and withdrawn on the article."""

    list_display = ["published_at", "article", "kind", "text", "withdrawn_at"]
    list_filter = ["kind", ("withdrawn_at", admin.EmptyFieldListFilter)]
    list_select_related = ["article"]
    search_fields = ["text", "article__headline"]
    date_hierarchy = "published_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
