from django.urls import path, register_converter

from articles import corrections, views
from articles.feeds import views as feeds

app_name = "articles"


class UnicodeSlugConverter:
    """Tag slugs keep the letters of their names (“content-περιεχόμενο”)."""

    regex = r"[-\w]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(UnicodeSlugConverter, "uslug")

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("feeds/", feeds.LatestFeed(), name="feed"),
    path("feeds/atom/", feeds.LatestAtomFeed(), name="atom_feed"),
    path("feeds/sections/<slug:slug>/", feeds.SectionFeed(), name="section_feed"),
    path(
        "feeds/sections/<slug:slug>/atom/",
        feeds.SectionAtomFeed(),
        name="section_atom_feed",
    ),
    path("feeds/tags/<uslug:slug>/", feeds.TagFeed(), name="tag_feed"),
    path("feeds/tags/<uslug:slug>/atom/", feeds.TagAtomFeed(), name="tag_atom_feed"),
    path("feeds/authors/<slug:slug>/", feeds.AuthorFeed(), name="author_feed"),
    path(
        "feeds/authors/<slug:slug>/atom/",
        feeds.AuthorAtomFeed(),
        name="author_atom_feed",
    ),
    path("corrections/", corrections.CorrectionsView.as_view(), name="corrections"),
    path("corrections/feed/", corrections.CorrectionsFeed(), name="corrections_feed"),
    path("tags/<uslug:slug>/", views.TagView.as_view(), name="tag"),
    path("authors/<slug:slug>/", views.AuthorView.as_view(), name="author"),
    path("preview/<str:token>/", views.shared_preview, name="preview"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("<slug:section>/", views.SectionView.as_view(), name="section"),
    path(
        "<slug:section>/<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"
    ),
]
