from django.urls import path

from articles import corrections, feeds, views

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("feeds/", feeds.LatestArticlesFeed(), name="feed"),
    path("feeds/tags/<slug:slug>/", feeds.TagFeed(), name="tag_feed"),
    path("corrections/", corrections.CorrectionsView.as_view(), name="corrections"),
    path("corrections/feed/", corrections.CorrectionsFeed(), name="corrections_feed"),
    path("tags/<slug:slug>/", views.TagView.as_view(), name="tag"),
    path("authors/<slug:slug>/", views.AuthorView.as_view(), name="author"),
    path("preview/<str:token>/", views.shared_preview, name="preview"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("<slug:section>/", views.SectionView.as_view(), name="section"),
    path(
        "<slug:section>/<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"
    ),
]
