"""The photo library: pictures, their credits and their licences."""

import hashlib
import re
from datetime import date, timedelta
from difflib import SequenceMatcher

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from articles.photos.originals import original_storage


class PhotoCreditQuerySet(models.QuerySet):
    def for_parts(
        self, photographer: str = "", agency: str = "", distributor: str = ""
    ) -> "PhotoCredit | None":
        """The credit for these parts, created if new; None when all are empty.

        Each part takes the spelling already in use, compared without regard to
        case or spacing, so "AFP", "afp" and "AFP " are one distributor.
        """
        parts = {
            "photographer": _squash_spaces(photographer)[:120],
            "agency": _squash_spaces(agency)[:120],
            "distributor": _squash_spaces(distributor)[:120],
        }
        if not any(parts.values()):
            return None
        for name, value in parts.items():
            if value:
                known = (
                    self.filter(**{f"{name}__iexact": value})
                    .order_by("pk")
                    .values_list(name, flat=True)
                    .first()
                )
                parts[name] = known or value
        return self.get_or_create(**parts)[0]

    def spellings(self, part: str, term: str = "", limit: int = 20) -> list[str]:
        """Distinct values of one credit part containing `term`, for autocomplete."""
        if part not in PhotoCredit.PARTS:
            return []
        values = (
            self.exclude(**{part: ""})
            .filter(**{f"{part}__icontains": term.strip()})
            .order_by(part)
            .values_list(part, flat=True)
            .distinct()
        )
        return list(values[:limit])

    def near_spellings(self, part: str, value: str) -> list[str]:
        """Spellings in use that look like `value` without being it: "Harbour"
        for "Harbour Light Images", "Imaginchina" for "Imaginechina". Empty when
        `value` is in use already (in any case or spacing)."""
        wanted = _squash_spaces(value).casefold()
        if part not in PhotoCredit.PARTS or not wanted:
            return []
        spellings = set(
            self.exclude(**{part: ""}).values_list(part, flat=True).distinct()
        )
        known = {_squash_spaces(s).casefold(): s for s in spellings}
        if wanted in known:
            return []
        return sorted(
            spelling
            for key, spelling in known.items()
            if key.startswith(f"{wanted} ")
            or wanted.startswith(f"{key} ")
            or SequenceMatcher(None, wanted, key).ratio() >= 0.85
        )


class PhotoCredit(models.Model):
    """Who made a photo and who supplies it, as printed under the picture."""

    PARTS = ("photographer", "agency", "distributor")

    photographer = models.CharField(max_length=120, blank=True)
    agency = models.CharField(max_length=120, blank=True)
    distributor = models.CharField(
        max_length=120, blank=True, help_text="The wire that supplies it, e.g. AFP."
    )

    objects = PhotoCreditQuerySet.as_manager()

    class Meta:
        ordering = ["photographer", "agency", "distributor"]
        constraints = [
            models.UniqueConstraint(
                fields=["photographer", "agency", "distributor"],
                name="unique_photo_credit",
            ),
            models.CheckConstraint(
                condition=~Q(photographer="", agency="", distributor=""),
                name="photo_credit_not_empty",
            ),
        ]

    def __str__(self) -> str:
        return self.line

    def clean(self) -> None:
        if not (self.photographer or self.agency or self.distributor):
            raise ValidationError(
                "Give at least a photographer, agency or distributor."
            )

    @property
    def line(self) -> str:
        """The credit line: "Photo: Feng Fei / Imaginechina via AFP"."""
        maker = " / ".join(part for part in (self.photographer, self.agency) if part)
        if maker and self.distributor:
            return f"Photo: {maker} via {self.distributor}"
        return f"Photo: {maker or self.distributor}"

    @property
    def creator(self) -> str:
        """Who made the picture, for the Artist field written into its files."""
        return self.photographer or self.agency or self.distributor


def _squash_spaces(value: str) -> str:
    return re.sub(r"\s+", " ", value or "").strip()


def photo_upload_to(instance: "Photo", filename: str) -> str:
    return timezone.now().strftime("photos/%Y/%m/") + filename


class PhotoQuerySet(models.QuerySet):
    def licence_expired(self, today: date | None = None) -> "PhotoQuerySet":
        """Photos whose last licensed day has passed: readers no longer see them."""
        return self.filter(licence_expires_on__lt=today or timezone.localdate())

    def licence_expiring(
        self, days: int | None = None, today: date | None = None
    ) -> "PhotoQuerySet":
        """Photos still licensed today whose licence ends within `days` days."""
        today = today or timezone.localdate()
        days = settings.NEWSROOM_LICENCE_WARNING_DAYS if days is None else days
        return self.filter(
            licence_expires_on__gte=today,
            licence_expires_on__lte=today + timedelta(days=days),
        )


class Photo(models.Model):
    # The picture as uploaded, where no public address serves it; readers get
    # `renditions` (articles/photos/originals.py).
    image = models.ImageField(
        upload_to=photo_upload_to,
        storage=original_storage,
        width_field="width",
        height_field="height",
    )
    width = models.PositiveIntegerField(editable=False, null=True)
    height = models.PositiveIntegerField(editable=False, null=True)
    sha256 = models.CharField(
        max_length=64,
        editable=False,
        blank=True,
        db_index=True,
        help_text="Fingerprint of the file, so the same picture is stored once.",
    )
    alt_text = models.CharField(
        max_length=250,
        blank=True,
        help_text="What the picture shows, read aloud to blind readers. Required "
        "before an article using the photo can be published.",
    )
    caption = models.TextField(blank=True, help_text="Printed under the picture.")
    credit = models.ForeignKey(
        PhotoCredit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="photos",
    )
    copyright_holder = models.CharField(
        max_length=120,
        blank=True,
        help_text="Who owns the rights, written into every copy of the picture. "
        "Empty: the agency, else the distributor, else the photographer.",
    )
    licence_terms = models.TextField(blank=True, help_text="Usage terms agreed.")
    licence_expires_on = models.DateField(
        null=True,
        blank=True,
        db_index=True,
        help_text="Last day the picture may be shown. From the next day public "
        "pages show the article without it.",
    )
    renditions = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text="The resized copies served to readers (made at upload).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PhotoQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Two uploads of one picture at the same moment both pass the form's
            # check; the database lets only one in (articles/photos/storage.py).
            models.UniqueConstraint(
                fields=["sha256"],
                condition=~Q(sha256=""),
                name="unique_photo_sha256",
            ),
        ]

    def __str__(self) -> str:
        return self.caption[:60] or self.alt_text[:60] or self.image.name

    def save(self, *args, **kwargs):
        if self.image and not self.sha256:
            self.sha256 = file_sha256(self.image)
        super().save(*args, **kwargs)

    @property
    def credit_line(self) -> str:
        return self.credit.line if self.credit_id else ""

    @property
    def rights_holder(self) -> str:
        if self.copyright_holder:
            return self.copyright_holder
        if not self.credit_id:
            return ""
        credit = self.credit
        return credit.agency or credit.distributor or credit.photographer

    def is_licence_expired(self, today: date | None = None) -> bool:
        if self.licence_expires_on is None:
            return False
        return self.licence_expires_on < (today or timezone.localdate())

    @property
    def is_shown_to_readers(self) -> bool:
        """False once the licence has expired, or while the photo has no
        renditions (readers never get the original): pages then leave it out."""
        return (
            bool(self.image) and bool(self.renditions) and not self.is_licence_expired()
        )

    @property
    def licence_days_left(self) -> int | None:
        if self.licence_expires_on is None:
            return None
        return (self.licence_expires_on - timezone.localdate()).days


def photo_problems(
    photo: Photo | None, today: date | None = None, alt_text: str | None = None
) -> list[str]:
    """Why an article cannot be published with this photo; empty when it can.

    `alt_text` is the story's own alt text for the photo, when it has one.
    """
    if photo is None:
        return []
    found = [
        alt_text_problem(photo, alt_text),
        credit_problem(photo),
        licence_problem(photo, today),
    ]
    return [problem for problem in found if problem]


def alt_text_problem(photo: Photo, alt_text: str | None = None) -> str:
    if not (photo.alt_text if alt_text is None else alt_text).strip():
        return "The photo has no alt text: describe what it shows on the photo's page."
    return ""


def credit_problem(photo: Photo) -> str:
    if not photo.credit_id:
        return "The photo has no credit: give its photographer or agency."
    return ""


def licence_problem(photo: Photo, today: date | None = None) -> str:
    if photo.is_licence_expired(today):
        return (
            f"The photo's licence expired on {photo.licence_expires_on:%d %b %Y}: "
            "choose another photo."
        )
    return ""


def file_sha256(file) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in iter(lambda: file.read(1 << 16), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


class PhotoUsage(models.Model):
    """One article's use of a library photo, kept as the article is saved.

    A row per photo and article, and a second one when the article's pending
    changes use it (`pending`), so the library can count and list uses without
    reading every article's body (articles/photos/usage.py keeps them).
    """

    photo = models.ForeignKey(Photo, on_delete=models.CASCADE, related_name="usages")
    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="photo_usages"
    )
    as_hero = models.BooleanField(default=False)
    in_body = models.BooleanField(default=False)
    pending = models.BooleanField(
        default=False, help_text="Only in changes not published yet."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["photo", "article", "pending"], name="photo_usage_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Photo {self.photo_id} in article {self.article_id}"
