from django.urls import path, register_converter

from articles.cache import public_page
from articles.site import corrections, live, views
from articles.site.feeds import views as feeds

app_name = "articles"


class UnicodeSlugConverter:
    """Tag slugs keep the letters of their names (“content-περιεχόμενο”)."""

    regex = r"[-\w]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(UnicodeSlugConverter, "uslug")


def cached(name: str, route: str, view):
    """A public page: cached for readers under the content generation."""
    return path(route, public_page(view), name=name)


urlpatterns = [
    cached("home", "", views.HomeView.as_view()),
    cached("feed", "feeds/", feeds.LatestFeed()),
    cached("atom_feed", "feeds/atom/", feeds.LatestAtomFeed()),
    cached("section_feed", "feeds/sections/<slug:slug>/", feeds.SectionFeed()),
    cached(
        "section_atom_feed", "feeds/sections/<slug:slug>/atom/", feeds.SectionAtomFeed()
    ),
    cached("tag_feed", "feeds/tags/<uslug:slug>/", feeds.TagFeed()),
    cached("tag_atom_feed", "feeds/tags/<uslug:slug>/atom/", feeds.TagAtomFeed()),
    cached("author_feed", "feeds/authors/<slug:slug>/", feeds.AuthorFeed()),
    cached(
        "author_atom_feed", "feeds/authors/<slug:slug>/atom/", feeds.AuthorAtomFeed()
    ),
    cached("live_feed", "feeds/live/<slug:slug>/", live.LiveUpdatesFeed()),
    cached("corrections", "corrections/", corrections.CorrectionsView.as_view()),
    cached("corrections_feed", "corrections/feed/", corrections.CorrectionsFeed()),
    cached("tag", "tags/<uslug:slug>/", views.TagView.as_view()),
    cached("author", "authors/<slug:slug>/", views.AuthorView.as_view()),
    path("preview/<str:token>/", views.shared_preview, name="preview"),
    cached("search", "search/", views.SearchView.as_view()),
    cached("section", "<slug:section>/", views.SectionView.as_view()),
    cached("detail", "<slug:section>/<slug:slug>/", views.ArticleDetailView.as_view()),
    cached("live_updates", "<slug:section>/<slug:slug>/updates/", live.new_updates),
]
