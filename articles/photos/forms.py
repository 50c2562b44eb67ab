"""Forms of the photo library: one photo, or many at once."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from articles.models import Photo, PhotoCredit
from articles.photos.metadata import FileMetadata
from articles.photos.validation import PreparedImage, prepare_image
from articles.photos.widgets import CreditPartWidget

ACCEPT = "image/jpeg,image/png,image/webp"
CREDIT_HELP = {
    "photographer": "Who took the picture.",
    "agency": "The photographer's agency, e.g. Imaginechina.",
    "distributor": "The wire that supplies it, e.g. AFP.",
}
NO_CREDIT = (
    "Give the credit: at least a photographer, agency or distributor "
    "(the file's own metadata names none)."
)


def credit_fields() -> dict[str, forms.CharField]:
    return {
        part: forms.CharField(
            required=False,
            max_length=120,
            widget=CreditPartWidget(part),
            help_text=CREDIT_HELP[part],
        )
        for part in PhotoCredit.PARTS
    }


def new_credit_confirmation() -> forms.BooleanField:
    return forms.BooleanField(
        required=False,
        label="Keep the credit as typed",
        help_text="Tick when a name close to one in use is really a new one.",
    )


def check_near_duplicates(
    form: forms.Form, cleaned: dict, current: PhotoCredit | None = None
) -> None:
    """A new credit part that looks like one in use is refused until confirmed,
    so "Harbour" typed in haste does not become a second agency beside
    "Harbour Light Images". Correcting the photo's own spelling is not flagged."""
    if cleaned.get("new_credit_confirmed"):
        return
    for part in PhotoCredit.PARTS:
        value = cleaned.get(part) or ""
        own = getattr(current, part, None)
        near = [
            name
            for name in PhotoCredit.objects.near_spellings(part, value)
            if name != own
        ]
        if near:
            names = " or ".join(f"“{name}”" for name in near)
            form.add_error(
                part,
                f"“{value}” is not in use yet, but {names} is: pick it, or tick "
                "“Keep the credit as typed” if this is a new name.",
            )


def prefill(cleaned: dict, metadata: FileMetadata) -> list[str]:
    """Fill the fields an editor left empty from the file's metadata.

    The credit is taken whole: when the editor gives any part of it, the file's
    credit is ignored. Returns the names of the fields filled.
    """
    filled = []
    for name in ("caption", "alt_text", "copyright_holder"):
        if name in cleaned and not cleaned[name] and getattr(metadata, name):
            cleaned[name] = getattr(metadata, name)
            filled.append(name.replace("_", " "))
    if metadata.has_credit and not any(cleaned.get(p) for p in PhotoCredit.PARTS):
        for part in PhotoCredit.PARTS:
            cleaned[part] = getattr(metadata, part)
        filled.append("credit")
    return filled


class PhotoForm(forms.ModelForm):
    upload = forms.FileField(
        label="Picture",
        required=False,
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
        help_text="A JPEG, PNG or WebP photo. Caption, credit and copyright are "
        "read from its IPTC/XMP metadata where you leave them empty; location "
        "data is removed.",
    )
    photographer, agency, distributor = credit_fields().values()
    new_credit_confirmed = new_credit_confirmation()

    class Meta:
        model = Photo
        fields = [
            "alt_text",
            "caption",
            "copyright_holder",
            "licence_terms",
            "licence_expires_on",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.prepared: PreparedImage | None = None
        self.prefilled: list[str] = []
        credit = self.instance.credit if self.instance.credit_id else None
        for part in PhotoCredit.PARTS:
            self.fields[part].initial = getattr(credit, part, "")
        if not self.instance.pk:
            self.fields["upload"].required = True
        else:
            self.fields["upload"].label = "Replace the picture"

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if not upload:
            return None
        prepared = prepare_image(upload, upload.name)
        duplicate = (
            Photo.objects.filter(sha256=prepared.sha256)
            .exclude(pk=self.instance.pk)
            .first()
        )
        if duplicate:
            raise ValidationError(
                "This picture is already in the library as photo %(pk)s "
                "(“%(photo)s”); use that one.",
                params={"pk": duplicate.pk, "photo": duplicate},
                code="duplicate",
            )
        self.prepared = prepared
        return upload

    def clean(self):
        cleaned = super().clean()
        if "upload" in self.errors:
            return cleaned
        if self.prepared:
            self.prefilled = prefill(cleaned, self.prepared.metadata)
        if not any(cleaned.get(part) for part in PhotoCredit.PARTS):
            self.add_error(None, NO_CREDIT)
        current = self.instance.credit if self.instance.credit_id else None
        check_near_duplicates(self, cleaned, current)
        return cleaned

    def save(self, commit=True):
        self.instance.credit = PhotoCredit.objects.for_parts(
            **{part: self.cleaned_data.get(part, "") for part in PhotoCredit.PARTS}
        )
        return super().save(commit)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput(attrs={"accept": ACCEPT})

    def clean(self, data, initial=None):
        files = [item for item in (data or []) if item]
        if not files:
            raise ValidationError("Choose one or more pictures.", code="required")
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class PhotoUploadForm(forms.Form):
    """Many photos at once: each checked like a single upload, and all stored or,
    if any one is refused, none."""

    files = MultipleFileField(
        label="Pictures",
        help_text="Select several JPEG, PNG or WebP photos at once. Caption and "
        "credit are read from each file's metadata.",
    )
    photographer, agency, distributor = credit_fields().values()
    new_credit_confirmed = new_credit_confirmation()
    copyright_holder = forms.CharField(
        required=False,
        max_length=120,
        help_text="Leave empty to take it from each file, or from the credit.",
    )
    licence_terms = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    licence_expires_on = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Last day the pictures may be shown.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for part in PhotoCredit.PARTS:
            self.fields[part].help_text += " Used for files whose metadata names none."
        self.prepared: list[PreparedImage] = []

    def clean_files(self):
        files = self.cleaned_data["files"]
        limit = settings.NEWSROOM_MAX_UPLOAD_FILES
        if len(files) > limit:
            raise ValidationError(
                f"{len(files)} files chosen; upload at most {limit} at a time."
            )
        errors, seen = [], {}
        for upload in files:
            try:
                prepared = prepare_image(upload, upload.name)
            except ValidationError as error:
                errors.append(f"{upload.name}: {error.message}")
                continue
            known = Photo.objects.filter(sha256=prepared.sha256).first()
            if known:
                errors.append(
                    f"{upload.name}: already in the library as photo {known.pk} "
                    f"(“{known}”)."
                )
            elif prepared.sha256 in seen:
                errors.append(
                    f"{upload.name}: the same picture as {seen[prepared.sha256]}."
                )
            else:
                seen[prepared.sha256] = upload.name
                self.prepared.append((upload.name, prepared))
        if errors:
            self.prepared = []
            raise ValidationError(
                ["Fix or remove these files, then choose them again:", *errors]
            )
        return files

    def clean(self):
        cleaned = super().clean()
        given = any(cleaned.get(part) for part in PhotoCredit.PARTS)
        if not given:
            missing = [n for n, p in self.prepared if not p.metadata.has_credit]
            if missing:
                self.add_error(
                    None,
                    f"{NO_CREDIT} Files without a credit: {', '.join(missing)}.",
                )
        check_near_duplicates(self, cleaned)
        return cleaned

    def photos(self) -> list[tuple[Photo, PreparedImage]]:
        """The photos to create, not yet saved, each with its prepared picture."""
        cleaned = self.cleaned_data
        batch = []
        for _, prepared in self.prepared:
            fields = {
                "caption": "",
                "alt_text": "",
                "copyright_holder": cleaned.get("copyright_holder", ""),
            }
            prefill(fields, prepared.metadata)
            for part in PhotoCredit.PARTS:
                fields.setdefault(part, cleaned.get(part, ""))
            photo = Photo(
                caption=fields["caption"],
                alt_text=fields["alt_text"],
                copyright_holder=fields["copyright_holder"],
                licence_terms=cleaned.get("licence_terms", ""),
                licence_expires_on=cleaned.get("licence_expires_on"),
                credit=PhotoCredit.objects.for_parts(
                    **{part: fields[part] for part in PhotoCredit.PARTS}
                ),
            )
            batch.append((photo, prepared))
        return batch
