from django.urls import path

from articles import corrections, feeds, views
from articles.cache import public_page

app_name = "articles"

urlpatterns = [
    path("", public_page(views.HomeView.as_view()), name="home"),
    path("feeds/", public_page(feeds.LatestArticlesFeed()), name="feed"),
    path("feeds/tags/<slug:slug>/", public_page(feeds.TagFeed()), name="tag_feed"),
    path(
        "corrections/",
        public_page(corrections.CorrectionsView.as_view()),
        name="corrections",
    ),
    path(
        "corrections/feed/",
        public_page(corrections.CorrectionsFeed()),
        name="corrections_feed",
    ),
    path("tags/<slug:slug>/", public_page(views.TagView.as_view()), name="tag"),
    path(
        "authors/<slug:slug>/", public_page(views.AuthorView.as_view()), name="author"
    ),
    path("preview/<str:token>/", views.shared_preview, name="preview"),
    path("search/", public_page(views.SearchView.as_view()), name="search"),
    path("<slug:section>/", public_page(views.SectionView.as_view()), name="section"),
    path(
        "<slug:section>/<slug:slug>/",
        public_page(views.ArticleDetailView.as_view()),
        name="detail",
    ),
]
