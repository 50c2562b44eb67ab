"""The photo library in the admin: uploads, the list, each photo's page."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import (
    FileResponse,
    Http404,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from articles import workflow
from articles.admin.listing import selection_box
from articles.admin.photo_filters import (  # noqa: F401 (the article list's too)
    AltTextFilter,
    HeroPhotoLicenceFilter,
    LicenceFilter,
    licence_note,
)
from articles.models import (
    Article,
    Photo,
)
from articles.photos.forms import PhotoForm, PhotoUploadForm
from articles.photos.renditions import (
    picture_sources,
    renditions_are_current,
    smallest_url,
)
from articles.photos.storage import DuplicatePicture, save_photo, save_photos
from articles.photos.usage import (
    deletion_blockers,
    may_change,
    uses_of,
    with_use_counts,
)

LIVE_PHOTO_IS_EDITORS = (
    "A published or scheduled story uses this photo, so only an editor can change "
    "it: ask an editor, or upload another picture for your story."
)

# Said alike on the photo page and the article form.
NO_RENDITIONS = "No renditions: readers do not see this photo."


def describe_use(use) -> str:
    """“Headline” (hero photo, Published, live), linked to the article."""
    article = use.article
    return format_html(
        '<a href="{}">{}</a> ({}, {}{})',
        reverse("admin:articles_article_change", args=[article.pk]),
        article.headline,
        use.where,
        article.get_status_display(),
        ", live" if article.is_live() else "",
    )


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
    # Each row carries an alt text field to fill in place: 30 keep the page quick.
    list_per_page = 30
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
                        "new_credit_confirmed",
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
        return with_use_counts(super().get_queryset(request))

    def get_urls(self):
        upload = self.admin_site.admin_view(self.upload_view)
        original = self.admin_site.admin_view(self.original_view)
        return [
            path("upload/", upload, name="articles_photo_upload"),
            path("<int:photo_id>/original/", original, name="articles_photo_original"),
            *super().get_urls(),
        ]

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or may_change(request.user, obj))

    def delete_model(self, request, obj):
        workflow.delete_photos([obj], by=request.user)

    def delete_queryset(self, request, queryset):
        workflow.delete_photos(queryset, by=request.user)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except workflow.PhotoInUse as refusal:
            # A story placed the photo after the page was shown: the page,
            # shown again, names it.
            self.message_user(request, " ".join(refusal.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def response_action(self, request, queryset):
        try:
            # Deleting the selection is all or nothing, its log entries too.
            with transaction.atomic():
                return super().response_action(request, queryset)
        except workflow.PhotoInUse as refusal:
            self.message_user(request, " ".join(refusal.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def get_deleted_objects(self, objs, request):
        """A photo that any story uses is not deleted: the page names them."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(
            objs, request
        )
        protected = [*protected, *map(describe_use, deletion_blockers(objs))]
        return deleted, counts, perms_needed, protected

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DuplicatePicture:
            # The same picture was stored by another upload after this form was
            # checked. Checked again, the form names that photo and keeps what
            # was typed.
            return super().changeform_view(request, object_id, form_url, extra_context)

    def original_view(self, request, photo_id):
        """The picture as uploaded, for staff only: no public address serves it."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        photo = get_object_or_404(Photo, pk=photo_id)
        if not photo.image or not photo.image.storage.exists(photo.image.name):
            raise Http404("The photo's file is missing.")
        return FileResponse(
            photo.image.open("rb"),
            filename=photo.image.name.rsplit("/", 1)[-1],
            headers={"Cache-Control": "private, no-store"},
        )

    def save_model(self, request, obj, form, change):
        # The list's alt text column saves through a plain form without a picture.
        # A new picture gets its renditions before the page answers.
        prepared = getattr(form, "prepared", None)
        save_photo(obj, prepared, renditions_now=prepared is not None)
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
            if (
                photo
                and request.user.has_perm("articles.change_photo")
                and not self.has_change_permission(request, photo)
            ):
                self.message_user(request, LIVE_PHOTO_IS_EDITORS, messages.INFO)
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
            try:
                save_photos(batch)
            except DuplicatePicture as error:
                form.add_error("files", str(error))
                return self._upload_page(request, form)
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
        return self._upload_page(request, form)

    def _upload_page(self, request, form):
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
    def action_checkbox(self, photo):
        return selection_box(photo)

    def thumbnail(self, photo):
        url = smallest_url(photo)
        if not url:
            return "No renditions"
        return format_html(
            '<img src="{}" alt="Edit photo {}" width="96" style="height:auto">',
            url,
            photo.pk,
        )

    def get_changelist_form(self, request, **kwargs):
        alt_text = forms.TextInput(attrs={"size": 28, "aria-label": "Alt text"})
        kwargs.setdefault("widgets", {"alt_text": alt_text})
        form = super().get_changelist_form(request, **kwargs)
        user = request.user

        class ChangelistPhotoForm(form):
            def clean(self):
                if self.has_changed() and not may_change(user, self.instance):
                    raise forms.ValidationError(LIVE_PHOTO_IS_EDITORS)
                return super().clean()

        return ChangelistPhotoForm

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
        original = format_html(
            '<a href="{}">Download the original</a>',
            reverse("admin:articles_photo_original", args=[photo.pk]),
        )
        sources = picture_sources(photo)
        if not sources:
            return format_html("{} {}", NO_RENDITIONS, original)
        return format_html(
            '<img src="{}" alt="" style="max-width:480px;height:auto"><br>{}',
            sources["src"],
            original,
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
            '<a href="{}">{} article{}</a>',
            reverse("admin:articles_photo_change", args=[photo.pk]),
            count,
            "" if count == 1 else "s",
        )

    @admin.display(description="Articles using this photo")
    def used_in_articles(self, photo):
        uses = uses_of(photo)
        if not uses:
            return "No article uses this photo."
        return format_html(
            "<ul>{}</ul>",
            format_html_join("", "<li>{}</li>", ((describe_use(u),) for u in uses)),
        )

    @admin.display(description="Size")
    def size(self, photo):
        return f"{photo.width} × {photo.height}" if photo.width else "—"
