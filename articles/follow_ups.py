"""Follow-ups: stories that continue an earlier one (`Article.follows`).

The stories linked by `follows`, back and forth, are one thread. Readers see
only its live stories, oldest first: the older page says "Latest: …" (the
newest live story after it), the newer one "Earlier: …" (the nearest live
story before it), and a thread of three or more lists them all in order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from articles.models import Article

# A thread longer than this is walked no further (a loop cannot be saved, but a
# runaway chain should not cost a page hundreds of queries).
LONGEST_THREAD = 100


@dataclass
class Thread:
    """The live stories of an article's thread, oldest first, the article
    itself among them."""

    article: Article
    stories: list[Article] = field(default_factory=list)

    @property
    def position(self) -> int:
        return next(
            (i for i, story in enumerate(self.stories) if story.pk == self.article.pk),
            -1,
        )

    @property
    def earlier(self) -> Article | None:
        before = self.stories[: self.position] if self.position >= 0 else []
        return before[-1] if before else None

    @property
    def latest(self) -> Article | None:
        after = self.stories[self.position + 1 :] if self.position >= 0 else []
        return after[-1] if after else None

    @property
    def newer(self) -> list[Article]:
        """The live stories after this one, newest first."""
        return list(reversed(self.stories[self.position + 1 :]))

    def __bool__(self) -> bool:
        return len(self.stories) > 1


def thread_ids(article: Article) -> list[int]:
    """Ids of every story in the article's thread, live or not: those it
    follows, back to the first, and those following it, however far."""
    ids = [article.pk]
    earlier = article.follows_id
    while earlier is not None and earlier not in ids and len(ids) < LONGEST_THREAD:
        ids.append(earlier)
        earlier = (
            Article.objects.filter(pk=earlier)
            .values_list("follows_id", flat=True)
            .first()
        )
    if getattr(article, "has_follow_ups", True):
        frontier = [article.pk]
        while frontier and len(ids) < LONGEST_THREAD:
            found = Article.objects.filter(follows_id__in=frontier).exclude(pk__in=ids)
            frontier = list(found.values_list("pk", flat=True))
            ids.extend(frontier)
    return ids


def thread_of(article: Article) -> Thread:
    """The article's thread as readers see it. An article that follows none
    and that none follows (most of them) costs no query, read with
    `Article.objects.for_page()`."""
    ids = thread_ids(article)
    if len(ids) == 1:
        return Thread(article, [article])
    others = (
        Article.objects.live()
        .filter(pk__in=ids)
        .exclude(pk=article.pk)
        .select_related("section")
        .defer("body")
    )
    stories = sorted(
        [article, *others],
        key=lambda story: (story.publish_at is None, story.publish_at, story.pk),
    )
    return Thread(article, stories)
