from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.generic import DetailView, ListView, TemplateView
from taggit.models import Tag

from articles import search
from articles.edge import keys
from articles.models import Article, ArticleRedirect, Author, Section, TagRedirect
from articles.site import home
from articles.site.article_page import render_article
from articles.site.feeds.views import alternates
from articles.site.listing import NewestFirst, count_tagged, newest_tagged_ids
from articles.site.preview import article_for_token
from articles.site.sitemaps import recent_news


class LiveArticleMixin:
    """Public views start from `Article.objects.live()` and nothing else."""

    def get_queryset(self):
        return Article.objects.live()


class HomeView(TemplateView):
    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            front_page=home.front_page(),
            feeds=alternates("latest", settings.NEWSROOM_SITE_NAME),
            **kwargs,
        )


class ArticleListView(ListView):
    """Live articles, newest first, paginated; subclasses say which
    (`filter_articles`) and name the list (`list_name`, for its kept count)."""

    template_name = "articles/article_list.html"
    context_object_name = "articles"

    def get_paginate_by(self, queryset):
        return settings.NEWSROOM_PAGE_SIZE

    def get_queryset(self):
        return NewestFirst(
            self.filter_articles(Article.objects.all()), name=self.list_name()
        )

    def get_context_data(self, **kwargs):
        kwargs.setdefault("show_section", True)
        context = super().get_context_data(**kwargs)
        keys.shows_articles(context["object_list"])
        return context


class SectionView(ArticleListView):
    def filter_articles(self, articles):
        self.section = get_object_or_404(Section, slug=self.kwargs["section"])
        keys.shows(keys.section(self.section.pk))
        return articles.filter(section=self.section)

    def list_name(self):
        return f"section:{self.section.pk}"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=self.section.name,
            description=self.section.description,
            kind="section",
            feeds=alternates("section", self.section.name, self.section.slug),
            show_section=False,
            current_section=self.section.slug,
            **kwargs,
        )


class TagView(ArticleListView):
    allow_empty = False  # a tag with no live articles has no public page

    def get(self, request, *args, **kwargs):
        self.tag = Tag.objects.filter(slug=kwargs["slug"]).first()
        if self.tag is None:
            moved = get_object_or_404(
                TagRedirect.objects.select_related("tag"), old_slug=kwargs["slug"]
            )
            keys.shows(keys.tag(moved.tag.pk))
            return redirect("articles:tag", moved.tag.slug, permanent=True)
        return super().get(request, *args, **kwargs)

    def filter_articles(self, articles):
        keys.shows(keys.tag(self.tag.pk))
        return articles.filter(tags=self.tag)

    def get_queryset(self):
        return NewestFirst(
            self.filter_articles(Article.objects.all()),
            name=self.list_name(),
            count=lambda: count_tagged(self.tag),
            newest_ids=lambda limit: newest_tagged_ids(self.tag, limit),
        )

    def list_name(self):
        return f"tag:{self.tag.pk}"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=self.tag.name,
            kind="tag",
            feeds=alternates("tag", self.tag.name, self.tag.slug),
            **kwargs,
        )


class AuthorView(ArticleListView):
    def filter_articles(self, articles):
        self.author = get_object_or_404(Author, slug=self.kwargs["slug"])
        keys.shows(keys.author(self.author.pk))
        return articles.filter(authors=self.author)

    def list_name(self):
        return f"author:{self.author.pk}"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=self.author.name,
            description=self.author.bio,
            kind="author",
            feeds=alternates("author", self.author.name, self.author.slug),
            **kwargs,
        )


class ArticleDetailView(LiveArticleMixin, DetailView):
    context_object_name = "article"

    def get_queryset(self):
        return super().get_queryset().select_related("section")

    def get(self, request, *args, **kwargs):
        try:
            article = self.get_object()
        except Http404:
            return self.not_live(request, kwargs["slug"])
        if article.section.slug != kwargs["section"]:
            keys.shows(keys.article(article.pk))
            return redirect(article, permanent=True)
        return render_article(request, article)

    def not_live(self, request, slug):
        """Editors preview unpublished articles here; old paths redirect; a
        taken-down article is gone from every address it had, for everyone."""
        article = Article.objects.filter(slug=slug).first()
        moved = (
            ArticleRedirect.objects.filter(old_path=request.path)
            .select_related("article")
            .first()
        )
        known = article or (moved.article if moved else None)
        if known is not None and known.is_taken_down:
            return gone(request)
        if article and request.user.has_perm("articles.edit_any_article"):
            return render_article(request, article, preview=True)
        if moved and moved.article.is_live():
            return redirect(moved.article, permanent=True)
        raise Http404("No live article here.")


def gone(request):
    """410 Gone: the article was taken down. Nothing of it is shown."""
    response = TemplateResponse(request, "articles/gone.html", status=410)
    response["X-Robots-Tag"] = "noindex"
    return response


def shared_preview(request, token):
    """A signed, expiring preview link; a bad or old token is a plain 404."""
    article = article_for_token(token)
    if article is None:
        raise Http404("This preview link is not valid or has expired.")
    if article.is_taken_down:
        return gone(request)
    return render_article(request, article, preview=True)


class SearchView(TemplateView):
    """Ranked full-text search over live articles (see `articles.search`)."""

    template_name = "articles/search.html"

    def get_context_data(self, **kwargs):
        query = search.clean_query(self.request.GET.get("q", ""))
        size = settings.NEWSROOM_PAGE_SIZE
        number = _page_number(self.request.GET.get("page"))
        found = search.search(query, offset=(number - 1) * size, limit=size)
        if number > 1 and not found.hits and found.total:
            raise Http404("No such page of results.")
        shown = Article.objects.live().for_cards()
        cards = shown.in_bulk([hit.article_id for hit in found.hits])
        articles = []
        for hit in found.hits:
            if article := cards.get(hit.article_id):
                article.search_snippet = hit.snippet
                articles.append(article)
        keys.shows_articles(articles)
        page_obj = Paginator(range(found.total), size).get_page(number)
        return super().get_context_data(
            heading="Search",
            query=query,
            approximate=found.approximate,
            kind="search",
            articles=articles,
            page_obj=page_obj,
            paginator=page_obj.paginator,
            **kwargs,
        )


def _page_number(value) -> int:
    try:
        return max(1, min(int(value or 1), 10_000))
    except (TypeError, ValueError):
        return 1


def favicon(request):
    """Browsers ask for /favicon.ico on every site, whatever the page links."""
    response = HttpResponseRedirect(static("articles/favicon.ico"))
    patch_cache_control(response, public=True, max_age=24 * 3600)
    return response


def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /accounts/",
        "Disallow: /preview/",
        "Disallow: /search/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
        f"Sitemap: {request.build_absolute_uri(reverse('news_sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


def news_sitemap(request):
    context = {"articles": recent_news(), "site_name": settings.NEWSROOM_SITE_NAME}
    return TemplateResponse(
        request, "articles/news_sitemap.xml", context, content_type="application/xml"
    )
