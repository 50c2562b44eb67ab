from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps import views as sitemaps
from django.urls import include, path, re_path

from articles import health
from articles.api.errors import no_such_address
from articles.api.site import api
from articles.cache import public_page
from articles.site import views
from articles.site.sitemaps import SITEMAPS

urlpatterns = [
    path("admin/account/", include("articles.security.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    re_path(r"^api/", no_such_address),
    path("accounts/", include("articles.security.account_urls")),
    path("healthz", health.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("robots.txt", public_page(views.robots_txt), name="robots"),
    path(
        "sitemap.xml",
        public_page(sitemaps.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_part"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        public_page(sitemaps.sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap_part",
    ),
    path("news-sitemap.xml", public_page(views.news_sitemap), name="news_sitemap"),
    *static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT),
    path("", include("articles.site.urls")),
]
