"""Tags in the admin: usage, renaming, merging, near-duplicates."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from taggit.models import Tag

from articles import workflow
from articles.admin.announcing import AnnouncesContentChanges
from articles.admin.autocomplete import SafeAutocomplete
from articles.models import (
    TagRedirect,
)
from articles.tags import comparison_key, near_duplicates, with_usage


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
class TagAdmin(AnnouncesContentChanges, admin.ModelAdmin):
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

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except workflow.InvalidTransition as refusal:
            # Another rename took the name after this form was checked.
            self.message_user(request, " ".join(refusal.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        if change:
            workflow.rename_tag(obj, name=obj.name, slug=obj.slug, by=request.user)
        else:
            super().save_model(request, obj, form, change)

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
            result = workflow.merge_tags(
                list(tags), into=form.cleaned_data["survivor"], by=request.user
            )
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
class TagRedirectAdmin(SafeAutocomplete, AnnouncesContentChanges, admin.ModelAdmin):
    list_display = ["old_slug", "tag"]
    list_select_related = ["tag"]
    search_fields = ["old_slug", "tag__name"]
    autocomplete_fields = ["tag"]
