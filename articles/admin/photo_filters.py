"""How photo licences and alt text stand, for the photo and article lists."""

from django.conf import settings
from django.contrib import admin

from articles.models import Photo


def licence_note(photo: Photo) -> str:
    """How the licence stands today, in words an editor acts on; "" when fine."""
    if photo.licence_expires_on is None:
        return ""
    day = f"{photo.licence_expires_on:%d %b %Y}"
    if photo.is_licence_expired():
        return f"Licence expired on {day}: no longer shown on public pages."
    days = photo.licence_days_left
    if days <= settings.NEWSROOM_LICENCE_WARNING_DAYS:
        when = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
        return f"Licence ends on {day} ({when}); after that readers no longer see it."
    return ""


class LicenceFilter(admin.SimpleListFilter):
    title = "licence"
    parameter_name = "licence"

    def lookups(self, request, model_admin):
        return [
            ("expired", "Expired"),
            (
                "expiring",
                f"Ends within {settings.NEWSROOM_LICENCE_WARNING_DAYS} days",
            ),
            ("none", "No end date"),
        ]

    def queryset(self, request, queryset):
        photos = Photo.objects.all()
        wanted = {
            "expired": photos.licence_expired(),
            "expiring": photos.licence_expiring(),
            "none": photos.filter(licence_expires_on=None),
        }.get(self.value())
        if wanted is None:
            return queryset
        field = "pk" if queryset.model is Photo else "hero_photo"
        return queryset.filter(**{f"{field}__in": wanted.values("pk")})


class HeroPhotoLicenceFilter(LicenceFilter):
    title = "photo licence"


class AltTextFilter(admin.SimpleListFilter):
    title = "alt text"
    parameter_name = "alt"

    def lookups(self, request, model_admin):
        return [("missing", "Missing"), ("given", "Given")]

    def queryset(self, request, queryset):
        if self.value() == "missing":
            return queryset.filter(alt_text="")
        if self.value() == "given":
            return queryset.exclude(alt_text="")
        return queryset
