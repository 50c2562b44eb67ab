from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils import timezone


class NewsroomAdminSite(admin.AdminSite):
    """The admin, opening on each person's desk: their work and the newsroom's."""

    site_header = "Newsroom"
    site_title = "Newsroom admin"
    index_template = "admin/newsroom_index.html"

    def index(self, request, extra_context=None):
        from articles.dashboard import (
            desk_title,
            panels_for,
            scheduler_for,
            task_panels,
        )

        context = {
            "title": desk_title(request.user),
            "panels": panels_for(request.user) + task_panels(request.user),
            "scheduler": scheduler_for(request.user),
            "today": timezone.localdate(),
            **(extra_context or {}),
        }
        return super().index(request, context)


class NewsroomAdminConfig(AdminConfig):
    default_site = "articles.sites.NewsroomAdminSite"
