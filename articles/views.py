from itertools import groupby

from django.conf import settings
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import DetailView, ListView, TemplateView
from taggit.models import Tag

from articles.models import Article, Author, Section, TagRedirect
from articles.related import related_articles

HOME_LEAD_COUNT = 5
HOME_PER_SECTION = 4


class LiveArticleMixin:
    """Public views start from `Article.objects.live()` and nothing else."""

    def get_queryset(self):
        return Article.objects.live()


class HomeView(LiveArticleMixin, TemplateView):
    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        lead = list(self.get_queryset().for_cards()[:HOME_LEAD_COUNT])
        ranked = (
            self.get_queryset()
            .for_cards()
            .exclude(pk__in=[article.pk for article in lead])
            .annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=F("section_id"),
                    order_by=[F("publish_at").desc(), F("pk").desc()],
                )
            )
            .filter(rank__lte=HOME_PER_SECTION)
            .order_by("section__position", "section__name", "rank")
        )
        sections = [
            (section, list(articles))
            for section, articles in groupby(ranked, key=lambda a: a.section)
        ]
        return super().get_context_data(lead_stories=lead, sections=sections, **kwargs)


class ArticleListView(LiveArticleMixin, ListView):
    """Live articles, newest first, paginated; subclasses `filter_articles`."""

    template_name = "articles/article_list.html"
    context_object_name = "articles"

    def get_paginate_by(self, queryset):
        return settings.NEWSROOM_PAGE_SIZE

    def get_queryset(self):
        return self.filter_articles(super().get_queryset().for_cards())

    def get_context_data(self, **kwargs):
        kwargs.setdefault("show_section", True)
        return super().get_context_data(**kwargs)


class SectionView(ArticleListView):
    def filter_articles(self, articles):
        self.section = get_object_or_404(Section, slug=self.kwargs["section"])
        return articles.filter(section=self.section)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=self.section.name,
            description=self.section.description,
            kind="section",
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
            return redirect("articles:tag", moved.tag.slug, permanent=True)
        return super().get(request, *args, **kwargs)

    def filter_articles(self, articles):
        return articles.filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=self.tag.name,
            kind="tag",
            feed_url=reverse("articles:tag_feed", args=[self.tag.slug]),
            **kwargs,
        )


class AuthorView(ArticleListView):
    def filter_articles(self, articles):
        self.author = get_object_or_404(Author, slug=self.kwargs["slug"])
        return articles.filter(authors=self.author)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=self.author.name,
            description=self.author.bio,
            kind="author",
            **kwargs,
        )


class ArticleDetailView(LiveArticleMixin, DetailView):
    context_object_name = "article"

    def get_queryset(self):
        return super().get_queryset().for_page()

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.section.slug != kwargs["section"]:
            return redirect(self.object, permanent=True)
        context = self.get_context_data(
            object=self.object,
            related=related_articles(self.object),
            current_section=self.object.section.slug,
        )
        return self.render_to_response(context)
