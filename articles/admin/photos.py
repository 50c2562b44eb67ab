"""The photo library and its credits in the admin."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import (
    HttpResponseRedirect,
    JsonResponse,
)
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from articles.models import (
    Article,
    Photo,
    PhotoCredit,
)
from articles.photos.forms import PhotoForm, PhotoUploadForm
from articles.photos.renditions import (
    picture_sources,
    renditions_are_current,
    smallest_url,
)
from articles.photos.storage import save_photo, save_photos
from articles.tasks import renditions_later


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


@admin.register(PhotoCredit)
class PhotoCreditAdmin(admin.ModelAdmin):
    list_display = ["line", "photographer", "agency", "distributor", "photo_count"]
    search_fields = ["photographer", "agency", "distributor"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(photo_count=Count("photos"))

    def get_urls(self):
        suggest = self.admin_site.admin_view(self.suggest_view)
        return [
            path("suggest/", suggest, name="articles_photocredit_suggest"),
            *super().get_urls(),
        ]

    def suggest_view(self, request):
        """Spellings in use for one credit part, for the credit pickers."""
        user = request.user
        if not any(
            user.has_perm(f"articles.{perm}")
            for perm in ("view_photocredit", "add_photo", "change_photo")
        ):
            raise PermissionDenied
        part = request.GET.get("part", "")
        term = request.GET.get("term", "")
        return JsonResponse({"results": PhotoCredit.objects.spellings(part, term)[:20]})

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            return
        # Their renditions carry the credit in their metadata: remade in the
        # background, the current ones served meanwhile.
        renditions_later(obj.photos.values_list("pk", flat=True))

    @admin.display(description="Credit line")
    def line(self, credit):
        return credit.line

    @admin.display(description="Photos", ordering="photo_count")
    def photo_count(self, credit):
        return credit.photo_count


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    form = PhotoForm
    change_list_template = "admin/articles/photo/change_list.html"
    list_display = [
        "thumbnail",
        "caption_or_name",
        "alt_text",
        "credit_line",
        "licence",
        "used_in",
        "size",
        "renditions_state",
    ]
    list_display_links = ["thumbnail", "caption_or_name"]
    list_editable = ["alt_text"]
    list_filter = [LicenceFilter, AltTextFilter]
    list_select_related = ["credit"]
    list_per_page = 50
    search_fields = [
        "caption",
        "alt_text",
        "copyright_holder",
        "credit__photographer",
        "credit__agency",
        "credit__distributor",
    ]
    readonly_fields = ["preview", "size", "licence_status", "used_in_articles"]

    def get_fieldsets(self, request, obj=None):
        first = ["upload", "alt_text", "caption"]
        if obj:
            first = ["preview", "size", *first]
        fieldsets = [
            (None, {"fields": first}),
            (
                "Credit",
                {
                    "fields": [
                        "photographer",
                        "agency",
                        "distributor",
                        "copyright_holder",
                    ]
                },
            ),
            (
                "Licence",
                {
                    "fields": [
                        *(["licence_status"] if obj else []),
                        "licence_terms",
                        "licence_expires_on",
                    ]
                },
            ),
        ]
        if obj:
            fieldsets.append(("Used in", {"fields": ["used_in_articles"]}))
        return fieldsets

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    def get_urls(self):
        upload = self.admin_site.admin_view(self.upload_view)
        return [
            path("upload/", upload, name="articles_photo_upload"),
            *super().get_urls(),
        ]

    def save_model(self, request, obj, form, change):
        # The list's alt text column saves through a plain form without a picture.
        save_photo(obj, getattr(form, "prepared", None))
        prefilled = getattr(form, "prefilled", [])
        if prefilled:
            self.message_user(
                request,
                f"Read from the file's metadata: {', '.join(prefilled)}. "
                "Check them and change anything that is wrong.",
                messages.INFO,
            )

    def response_add(self, request, obj, post_url_continue=None):
        if IS_POPUP_VAR in request.POST or "_addanother" in request.POST:
            return super().response_add(request, obj, post_url_continue)
        self.message_user(request, f"The photo “{obj}” was added.", messages.SUCCESS)
        return HttpResponseRedirect(
            reverse("admin:articles_photo_change", args=[obj.pk])
        )

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET":
            self._flag_licences(request)
        extra_context = {
            **(extra_context or {}),
            "upload_url": reverse("admin:articles_photo_upload"),
        }
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            photo = self.get_object(request, object_id)
            note = licence_note(photo) if photo else ""
            if note:
                level = (
                    messages.ERROR if photo.is_licence_expired() else messages.WARNING
                )
                self.message_user(request, note, level)
        return super().change_view(request, object_id, form_url, extra_context)

    def _flag_licences(self, request):
        photos = Photo.objects.all()
        days = settings.NEWSROOM_LICENCE_WARNING_DAYS
        changelist = reverse("admin:articles_photo_changelist")
        expiring = photos.licence_expiring().count()
        if expiring:
            self.message_user(
                request,
                format_html(
                    '<a href="{}?licence=expiring">{} photo licence(s) end within '
                    "{} days</a>: renew them or replace the photos in the articles "
                    "that use them.",
                    changelist,
                    expiring,
                    days,
                ),
                messages.WARNING,
            )
        used_expired = (
            photos.licence_expired()
            .filter(articles__status__in=Article.LIVE_STATUSES)
            .distinct()
            .count()
        )
        if used_expired:
            self.message_user(
                request,
                format_html(
                    '<a href="{}?licence=expired">{} photo(s) with an expired '
                    "licence</a> are still set on live articles, which now show "
                    "no picture.",
                    changelist,
                    used_expired,
                ),
                messages.ERROR,
            )

    def upload_view(self, request):
        """Upload many photos at once; all are stored, or none."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = PhotoUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            batch = form.photos()
            save_photos(batch)
            for photo, _ in batch:
                self.log_addition(request, photo, [{"added": {}}])
            ids = ",".join(str(photo.pk) for photo, _ in batch)
            self.message_user(
                request,
                f"{len(batch)} photo(s) uploaded; their renditions are being "
                "made in the background (see “Renditions”). Add alt text to each "
                "before an article using it is published.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(
                reverse("admin:articles_photo_changelist") + f"?id__in={ids}"
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Upload photos",
            "form": form,
            "media": self.media + form.media,
            "has_view_permission": self.has_view_permission(request),
        }
        return TemplateResponse(request, "admin/articles/photo/upload.html", context)

    @admin.display(description="Renditions")
    def renditions_state(self, photo):
        # Pages show the stored file until they are ready.
        return "Ready" if renditions_are_current(photo) else "Being made"

    @admin.display(description="Photo")
    def thumbnail(self, photo):
        if not photo.image:
            return "—"
        return format_html(
            '<img src="{}" alt="" width="96" style="height:auto">',
            smallest_url(photo),
        )

    def get_changelist_form(self, request, **kwargs):
        kwargs.setdefault("widgets", {"alt_text": forms.TextInput(attrs={"size": 28})})
        return super().get_changelist_form(request, **kwargs)

    @admin.display(description="Caption", ordering="caption")
    def caption_or_name(self, photo):
        caption = photo.caption
        if len(caption) > 70:
            caption = caption[:70].rsplit(" ", 1)[0] + "…"
        return caption or photo.image.name.rsplit("/", 1)[-1]

    @admin.display(description="Preview")
    def preview(self, photo):
        if not photo.image:
            return "—"
        return format_html(
            '<img src="{}" alt="" style="max-width:480px;height:auto">',
            picture_sources(photo)["src"],
        )

    @admin.display(description="Credit")
    def credit_line(self, photo):
        return photo.credit_line

    @admin.display(description="Licence", ordering="licence_expires_on")
    def licence(self, photo):
        note = licence_note(photo)
        if note:
            colour = "#ba2121" if photo.is_licence_expired() else "#a15c00"
            return format_html('<strong style="color:{}">{}</strong>', colour, note)
        if photo.licence_expires_on:
            return f"Until {photo.licence_expires_on:%d %b %Y}"
        return "—"

    @admin.display(description="Licence status")
    def licence_status(self, photo):
        return licence_note(photo) or (
            f"Licensed until {photo.licence_expires_on:%d %b %Y}."
            if photo.licence_expires_on
            else "No end date."
        )

    @admin.display(description="Used in", ordering="article_count")
    def used_in(self, photo):
        count = getattr(photo, "article_count", None)
        if not count:
            return "—"
        return format_html(
            '<a href="{}?hero_photo={}">{} article{}</a>',
            reverse("admin:articles_article_changelist"),
            photo.pk,
            count,
            "" if count == 1 else "s",
        )

    @admin.display(description="Articles using this photo")
    def used_in_articles(self, photo):
        articles = photo.articles.select_related("section").order_by("-publish_at")
        if not articles:
            return "No article uses this photo."
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a> ({}{})</li>',
                (
                    (
                        reverse("admin:articles_article_change", args=[a.pk]),
                        a.headline,
                        a.get_status_display(),
                        ", live" if a.is_live() else "",
                    )
                    for a in articles
                ),
            ),
        )

    @admin.display(description="Size")
    def size(self, photo):
        return f"{photo.width} × {photo.height}" if photo.width else "—"
