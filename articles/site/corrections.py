"""The public record of corrections: the /corrections/ page and its RSS feed.

Both list corrections and clarifications on live articles, newest first, with
withdrawn ones still shown and marked (see `articles.workflow.corrections`).
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.html import escape
from django.views.generic import ListView

from articles.models import Correction

FEED_SIZE = 50


def public_corrections():
    return Correction.objects.public().select_related("article__section")


class CorrectionsView(ListView):
    template_name = "articles/corrections.html"
    context_object_name = "corrections"

    def get_queryset(self):
        return public_corrections()

    def get_paginate_by(self, queryset):
        return settings.NEWSROOM_PAGE_SIZE

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading="Corrections and clarifications",
            feed_url=reverse("articles:corrections_feed"),
            **kwargs,
        )


class CorrectionsFeed(Feed):
    def title(self):
        return f"{settings.NEWSROOM_SITE_NAME}: corrections and clarifications"

    def link(self):
        return reverse("articles:corrections")

    def description(self):
        return (
            f"Corrections and clarifications to {settings.NEWSROOM_SITE_NAME} "
            "articles, newest first."
        )

    def items(self):
        return public_corrections()[:FEED_SIZE]

    def item_title(self, item):
        return f"{item.get_kind_display()}: {item.article.headline}"

    def item_description(self, item):
        # Feed readers render a description as HTML; corrections are plain text.
        if item.is_withdrawn:
            return escape(f"Withdrawn: {item.withdrawal_reason} (It said: {item.text})")
        return escape(item.text)

    def item_link(self, item):
        return f"{item.article.get_absolute_url()}#correction-{item.pk}"

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.withdrawn_at
