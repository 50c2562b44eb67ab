"""Every public output a story can reach, for the embargo and takedown tests.

A `Story` is the story under test plus a live companion that shares its tag,
section and author and pins it as related, so each output has something to
show and the story's absence is not an empty page. Each output returns the
text a reader (or crawler, or feed reader) receives.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from articles.models import Article, RelatedLink
from articles.photos.renditions import rendition_names
from tests.factories import (
    make_article,
    make_author,
    make_credit,
    make_rendered_photo,
    make_section,
    photo_bytes,
)


@dataclass
class Story:
    article: Article
    companion: Article
    tag: str
    word: str

    def marks(self) -> list[str]:
        """What of the story must not appear: its address, headline, photo."""
        photo = self.article.hero_photo
        marks = [self.article.get_absolute_url(), self.article.headline]
        if photo:
            # The original has no public address at all; its renditions do.
            marks += [photo.image.name, *rendition_names(photo.renditions)]
        return marks

    def shown_in(self, text: str) -> list[str]:
        return [mark for mark in self.marks() if mark in text]


def make_story(**over) -> Story:
    section = make_section(name="Harbour", slug="harbour")
    author = make_author(name="Lin Harbour", slug="lin-harbour")
    photo = make_rendered_photo(
        photo_bytes(1200, 800), alt_text="Cranes", credit=make_credit(agency="AFP")
    )
    now = timezone.now()
    article = make_article(
        headline="Zephyrine cranes arrive at the port",
        slug="zephyrine-cranes",
        section=section,
        authors=[author],
        tags=["Port cranes"],
        hero_photo=photo,
        publish_at=now - timedelta(hours=1),
        **over,
    )
    companion = make_article(
        headline="Dock workers welcome Zephyrine plan",
        slug="dock-workers-welcome",
        section=section,
        authors=[author],
        tags=["Port cranes"],
        publish_at=now - timedelta(hours=2),
    )
    RelatedLink.objects.create(from_article=companion, to_article=article)
    return Story(article, companion, "port-cranes", "Zephyrine")


def _text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


OUTPUTS = {
    "home page": lambda c, s: _text(c, reverse("articles:home")),
    "section page": lambda c, s: _text(c, s.companion.section.get_absolute_url()),
    "tag page": lambda c, s: _text(c, reverse("articles:tag", args=[s.tag])),
    "author page": lambda c, s: _text(
        c, reverse("articles:author", args=["lin-harbour"])
    ),
    "search": lambda c, s: _text(c, reverse("articles:search") + f"?q={s.word}"),
    "latest feed": lambda c, s: _text(c, reverse("articles:feed")),
    "tag feed": lambda c, s: _text(c, reverse("articles:tag_feed", args=[s.tag])),
    # The sitemap index names its parts; the articles part lists the stories.
    "sitemap": lambda c, s: _text(c, reverse("sitemap_part", args=["articles"])),
    "news sitemap": lambda c, s: _text(c, reverse("news_sitemap")),
    # The companion pins the story: its related list, Open Graph and JSON-LD.
    "another article's page": lambda c, s: _text(c, s.companion.get_absolute_url()),
    "corrections page": lambda c, s: _text(c, reverse("articles:corrections")),
    "corrections feed": lambda c, s: _text(c, reverse("articles:corrections_feed")),
}
