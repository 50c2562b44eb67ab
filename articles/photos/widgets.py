"""The credit-part picker of the photo form."""

from django import forms
from django.urls import reverse_lazy

from articles.widgets import select2_media


class CreditPartWidget(forms.Select):
    """One credit part (photographer, agency or distributor) picked from the
    spellings already in use, or typed in when new.

    Like the tag picker, it reuses the admin's bundled Select2, so an editor who
    types "ima" is offered "Imaginechina" and the agency keeps one spelling.
    """

    template_name = "django/forms/widgets/select.html"

    def __init__(self, part: str, attrs=None):
        article = "an" if part[0] in "aeiou" else "a"
        attrs = {
            "class": "credit-autocomplete",
            "data-autocomplete-url": reverse_lazy("admin:articles_photocredit_suggest"),
            "data-part": part,
            "data-placeholder": f"Type to find or add {article} {part}",
            "style": "width: 24em",
            **(attrs or {}),
        }
        super().__init__(attrs)

    @property
    def media(self):
        return select2_media("articles/admin/credit-autocomplete.js")

    def format_value(self, value):
        return [value] if value else []

    def optgroups(self, name, value, attrs=None):
        current = value[0] if value else ""
        options = [self.create_option(name, "", "", not current, 0)]
        if current:
            options.append(self.create_option(name, current, current, True, 1))
        return [(None, options, 0)]

    def value_from_datadict(self, data, files, name):
        return (data.get(name) or "").strip()
