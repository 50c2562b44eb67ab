"""Pickers built on the admin's bundled Select2: tags, and credit parts."""

from types import SimpleNamespace

from django import forms
from django.urls import reverse_lazy
from taggit.forms import TagField
from taggit.models import Tag
from taggit.utils import edit_string_for_tags, parse_tags

TAG_NAME_MAX_LENGTH = Tag._meta.get_field("name").max_length


def select2_media(script: str) -> forms.Media:
    """The admin's bundled Select2, with the script that sets one picker up."""
    return forms.Media(
        js=[
            "admin/js/vendor/jquery/jquery.min.js",
            "admin/js/vendor/select2/select2.full.min.js",
            "admin/js/jquery.init.js",
            script,
        ],
        css={
            "screen": [
                "admin/css/vendor/select2/select2.min.css",
                "admin/css/autocomplete.css",
            ]
        },
    )


class TagAutocompleteWidget(forms.SelectMultiple):
    """Tag picker that suggests existing tags and still lets editors type new ones.

    Django's admin autocomplete only picks existing rows, and taggit's own widget
    is a bare text box; this reuses the admin's bundled Select2 in "tags" mode and
    hands taggit the comma-separated string its TagField expects.
    """

    template_name = "django/forms/widgets/select.html"

    def __init__(self, attrs=None):
        attrs = {
            "class": "tag-autocomplete",
            "data-autocomplete-url": reverse_lazy("admin:autocomplete"),
            "data-app-label": "articles",
            "data-model-name": "article",
            "data-field-name": "tags",
            "style": "width: 40em",
            **(attrs or {}),
        }
        super().__init__(attrs)

    @property
    def media(self):
        return select2_media("articles/admin/tag-autocomplete.js")

    @staticmethod
    def names(value) -> list[str]:
        if not value:
            return []
        if isinstance(value, str):
            return parse_tags(value)
        return [getattr(tag, "name", tag) for tag in value]

    def optgroups(self, name, value, attrs=None):
        options = [
            self.create_option(name, tag, tag, True, index)
            for index, tag in enumerate(self.names(value))
        ]
        return [(None, options, 0)]

    def format_value(self, value):
        return self.names(value)

    def value_from_datadict(self, data, files, name):
        if hasattr(data, "getlist"):
            # One value per tag, as typed: TagNamesField keeps quotes and commas.
            return [n.strip() for n in data.getlist(name) if n.strip()]
        names = self.names(data.get(name))
        return edit_string_for_tags([SimpleNamespace(name=n) for n in names])


class TagNamesField(TagField):
    """Tag names one per value, so a name may contain quotes or commas.

    taggit's own field parses one string, where a name with a double quote
    cannot be written: "Say "no"" came back as several tags.
    """

    def clean(self, value):
        if not isinstance(value, list):
            return super().clean(value)
        names = list(dict.fromkeys(value))
        if self.required and not names:
            raise forms.ValidationError(self.error_messages["required"])
        too_long = [name for name in names if len(name) > TAG_NAME_MAX_LENGTH]
        if too_long:
            raise forms.ValidationError(
                f"A tag name has at most {TAG_NAME_MAX_LENGTH} characters; "
                f"“{too_long[0][:40]}…” is longer."
            )
        return names
