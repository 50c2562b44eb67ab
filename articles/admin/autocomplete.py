"""Autocomplete fields that re-show a refused form without failing.

Django's autocomplete widgets look up the submitted value to show it again; a
value that is not an id of the right type (a hand-made POST) makes that lookup
raise, and the page answers 500 instead of the form's own error. These widgets
leave such a value out of the lookup; the form still reports it as invalid.
"""

from django.contrib.admin import widgets
from django.core.exceptions import ValidationError


class _ShowsOnlyValidValues:
    def optgroups(self, name, value, attr=None):
        target = self.field.target_field
        valid = []
        for item in value:
            try:
                target.to_python(item)
            except ValidationError:
                continue
            valid.append(item)
        return super().optgroups(name, valid, attr)


class AutocompleteSelect(_ShowsOnlyValidValues, widgets.AutocompleteSelect):
    pass


class AutocompleteSelectMultiple(
    _ShowsOnlyValidValues, widgets.AutocompleteSelectMultiple
):
    pass


class SafeAutocomplete:
    """Mixed into a ModelAdmin or an inline whose `autocomplete_fields` take
    ids from the request."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(
            request
        ):
            kwargs["widget"] = AutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(
            request
        ):
            kwargs["widget"] = AutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)
