from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

# What the newsroom works with, by app; everything else registered in the admin
# (queues, two-factor devices, sign-in logs) is the libraries' machinery, shown
# to superusers only, under Site internals.
NEWSROOM = "articles"
TAGS = "taggit"
TEAM = "auth"
TEAM_EXTRAS = {("axes", "AccessAttempt")}  # admins clear lock-outs


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

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        if app_label is not None:
            return apps
        return newsroom_apps(apps)[0]

    def get_urls(self):
        internals = self.admin_view(self.internals_view)
        return [path("internals/", internals, name="internals"), *super().get_urls()]

    def internals_view(self, request):
        """The libraries' own screens, for superusers who look after the site."""
        if not request.user.is_superuser:
            raise PermissionDenied
        apps = super().get_app_list(request)
        context = {
            **self.each_context(request),
            "title": "Site internals",
            "subtitle": None,
            "app_list": newsroom_apps(apps)[1],
        }
        return TemplateResponse(request, "admin/internals.html", context)


def newsroom_apps(apps: list[dict]) -> tuple[list[dict], list[dict]]:
    """The admin's apps split in two: the newsroom's (articles with their tags,
    the team with its lock-outs) and the site's internals."""
    by_label = {app["app_label"]: app for app in apps}
    newsroom, internals = [], []
    if NEWSROOM in by_label:
        articles = {**by_label.pop(NEWSROOM)}
        tags = by_label.pop(TAGS, None)
        models = articles["models"] + (tags["models"] if tags else [])
        articles["models"] = sorted(models, key=lambda model: model["name"])
        newsroom.append(articles)
    elif TAGS in by_label:
        newsroom.append({**by_label.pop(TAGS), "name": "Tags"})
    team_models = []
    for app in list(by_label.values()):
        kept = [
            model
            for model in app["models"]
            if (app["app_label"], model["object_name"]) in TEAM_EXTRAS
        ]
        rest = [model for model in app["models"] if model not in kept]
        team_models += kept
        if app["app_label"] != TEAM and rest:
            internals.append({**app, "models": rest})
    team = by_label.get(TEAM)
    if team or team_models:
        team = {**(team or {"app_label": TEAM, "app_url": "", "models": []})}
        team["name"] = "People and roles"
        team["models"] = team["models"] + team_models
        newsroom.append(team)
    return newsroom, internals


class NewsroomAdminConfig(AdminConfig):
    default_site = "articles.admin_site.NewsroomAdminSite"
