"""Photo credits in the admin: who made a picture and who supplies it."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import JsonResponse
from django.urls import path

from articles.admin.announcing import AnnouncesContentChanges
from articles.models import PhotoCredit
from articles.tasks import renditions_later


@admin.register(PhotoCredit)
class PhotoCreditAdmin(AnnouncesContentChanges, admin.ModelAdmin):
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
