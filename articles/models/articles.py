"""Articles, their bylines, pinned related stories and old addresses."""

import reversion
from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from taggit.managers import TaggableManager
from taggit.models import Tag, TaggedItem

from articles.models.people import Author, Section
from articles.models.photos import Photo
from articles.sanitize import sanitize_html
from articles.site.addresses import address


class ArticleQuerySet(models.QuerySet):
    def live(self) -> "ArticleQuerySet":
        """What readers may see: published or scheduled, publish time reached,
        no embargo still running. Taken-down articles have a status of their own."""
        now = timezone.now()
        return self.filter(
            Q(embargo_until__isnull=True) | Q(embargo_until__lte=now),
            status__in=Article.LIVE_STATUSES,
            publish_at__lte=now,
        )

    def embargoed(self) -> "ArticleQuerySet":
        """Articles whose embargo has not passed yet, whatever their status."""
        return self.filter(embargo_until__gt=timezone.now())

    def for_cards(self) -> "ArticleQuerySet":
        """Everything a list of article cards renders, in a fixed number of queries.

        Cards never show the body, so it is not read.
        """
        return self._with_byline_and_photo().defer("body")

    def for_page(self) -> "ArticleQuerySet":
        """Everything the article page renders, apart from related stories,
        tags (`Article.sorted_tags` reads them) and follow-ups; whether there
        are any is read with it, so that most pages read none."""
        return self._with_byline_and_photo().annotate(
            has_follow_ups=Exists(Article.objects.filter(follows=OuterRef("pk")))
        )

    def _with_byline_and_photo(self) -> "ArticleQuerySet":
        return self.select_related(
            "section", "hero_photo", "hero_photo__credit"
        ).prefetch_related(
            Prefetch("bylines", queryset=Byline.objects.select_related("author"))
        )


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHED = "published", "Published"
        UNPUBLISHED = "unpublished", "Unpublished"
        TAKEN_DOWN = "taken_down", "Taken down"

    LIVE_STATUSES = (Status.PUBLISHED, Status.SCHEDULED)

    headline = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200, unique=True, help_text="The last part of the article's URL."
    )
    standfirst = models.TextField(
        blank=True, help_text="One-sentence summary shown under the headline."
    )
    body = models.TextField(
        blank=True,
        help_text="Cleaned on save: only paragraphs, headings, lists, quotes, "
        "emphasis and links are kept.",
    )
    section = models.ForeignKey(
        Section, on_delete=models.PROTECT, related_name="articles"
    )
    authors = models.ManyToManyField(
        Author, through="Byline", related_name="articles", blank=True
    )
    hero_photo = models.ForeignKey(
        Photo,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
        help_text="The picture at the top of the article.",
    )
    # The caption and alt text belong to this use of the picture: one agency photo
    # serves many stories, each with its own caption. Filled in from the photo
    # library's when the photo is chosen, so later library edits never reach a
    # live story unreviewed.
    hero_caption = models.TextField(
        blank=True,
        help_text="Printed under the hero photo in this story. Empty: taken from "
        "the photo library when you save.",
    )
    hero_alt_text = models.CharField(
        max_length=250,
        blank=True,
        help_text="What the hero photo shows, for readers who cannot see it. "
        "Empty: taken from the photo library when you save.",
    )
    tags = TaggableManager(
        blank=True, help_text="Type to find a topic; press Enter to add a new one."
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    publish_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When readers first see the article. A published article with a "
        "future time stays hidden until then.",
    )
    first_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When a correction to the live article was last published; "
        "readers see it as “Updated”.",
    )
    # Nothing about the article reaches readers before this time, whatever its
    # status: a safety net for stories published early by mistake.
    embargo_until = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        db_index=True,
        help_text="Nothing about the article is public before this time, even if "
        "it is published.",
    )
    update_note = models.CharField(
        max_length=200,
        blank=True,
        editable=False,
        help_text="Why the live article was last updated, shown next to “Updated”.",
    )
    corrected_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When a correction was last added or withdrawn.",
    )
    coverage_start_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When live coverage started: the article then carries "
        "timestamped updates and a “Live” badge.",
    )
    coverage_end_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When live coverage ended: the badge goes, the updates stay.",
    )
    live_updated_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        db_index=True,
        help_text="When readers last saw an update of the live coverage.",
    )
    taken_down_at = models.DateTimeField(null=True, blank=True, editable=False)
    taken_down_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    takedown_reason = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    edited_at = models.DateTimeField(auto_now=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    seo_title = models.CharField(
        max_length=70,
        blank=True,
        help_text="Title for search engines; the headline when empty.",
    )
    seo_description = models.CharField(
        max_length=160,
        blank=True,
        help_text="Summary for search engines; the standfirst when empty.",
    )
    # A follow-up names the earlier story it continues; both pages then link
    # to each other, and a chain of them reads in order (`articles.follow_ups`).
    follows = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups",
        help_text="The earlier story this one follows up. Its page will point "
        "readers here once this one is live.",
    )
    related = models.ManyToManyField(
        "self",
        through="RelatedLink",
        symmetrical=False,
        related_name="+",
        blank=True,
        help_text="Stories pinned above the automatic related list, in this order.",
    )
    # Publishing rules an archive story broke when it was let in by
    # `import_articles --allow-rule-breaks`: work left for editors.
    imported_rule_breaks = models.JSONField(
        default=list,
        blank=True,
        editable=False,
        help_text="Publishing rules this story broke when it was imported.",
    )
    # Counts saves, so that two people cannot overwrite each other's changes.
    version = models.PositiveIntegerField(default=1, editable=False)
    # Lets revisions carry the tags along with the article.
    tagged_items = GenericRelation(TaggedItem, related_query_name="article")

    objects = ArticleQuerySet.as_manager()

    class Meta:
        # Undated drafts last on every database (PostgreSQL puts NULLs first).
        ordering = [models.F("publish_at").desc(nulls_last=True), "-pk"]
        permissions = [
            ("publish_article", "Can review, schedule, publish and unpublish articles"),
            ("edit_any_article", "Can edit articles by anyone"),
            ("take_down_article", "Can take down and reinstate articles"),
            ("override_checklist", "Can override a publishing checklist rule"),
        ]
        # The live lists, newest first; with the embargo so that counting a
        # list of live stories reads the index alone, not every story's row.
        indexes = [
            models.Index(
                fields=["status", "publish_at", "embargo_until"],
                name="article_live_embargo_idx",
            ),
            models.Index(
                fields=["section", "status", "publish_at", "embargo_until"],
                name="article_section_live_idx",
            ),
            # Newest first across every status: the admin list and its dates.
            models.Index(fields=["publish_at", "id"], name="article_publish_at_idx"),
        ]

    def __str__(self) -> str:
        return self.headline

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.headline)[:200]
        self.body = sanitize_html(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return address("articles:detail", self.section.slug, self.slug)

    def is_live(self) -> bool:
        now = timezone.now()
        return (
            self.status in self.LIVE_STATUSES
            and self.publish_at is not None
            and self.publish_at <= now
            and not self.is_embargoed(now)
        )

    def is_embargoed(self, now=None) -> bool:
        return self.embargo_until is not None and self.embargo_until > (
            now or timezone.now()
        )

    @property
    def is_taken_down(self) -> bool:
        return self.status == self.Status.TAKEN_DOWN

    @property
    def has_live_coverage(self) -> bool:
        """Whether the article is (or was) covered live, with updates."""
        return self.coverage_start_at is not None

    @property
    def is_live_coverage(self) -> bool:
        """Whether its coverage is running now: readers see the “Live” badge."""
        now = timezone.now()
        return (
            self.coverage_start_at is not None
            and self.coverage_start_at <= now
            and (self.coverage_end_at is None or self.coverage_end_at > now)
        )

    @property
    def modified_at(self):
        """When readers last saw the article change: an update or a correction."""
        moments = [
            self.publish_at,
            self.updated_at,
            self.corrected_at,
            self.live_updated_at,
        ]
        return max(filter(None, moments), default=None)

    @property
    def public_hero_photo(self) -> Photo | None:
        """The hero photo as readers see it: none once its licence has expired."""
        photo = self.hero_photo
        return photo if photo and photo.is_shown_to_readers else None

    @cached_property
    def shown_corrections(self) -> list:
        """Corrections and clarifications, newest first. Most articles have none:
        `corrected_at` says so without a query."""
        if self.corrected_at is None:
            return []
        return list(self.corrections.all())

    @property
    def hero_photo_caption(self) -> str:
        """The caption printed under the hero photo in this story."""
        photo = self.hero_photo
        return self.hero_caption or (photo.caption if photo else "")

    @property
    def hero_photo_alt_text(self) -> str:
        photo = self.hero_photo
        return self.hero_alt_text or (photo.alt_text if photo else "")

    @cached_property
    def thread(self):
        """The live stories this one follows and that follow it, in order
        (`articles.follow_ups`)."""
        from articles.follow_ups import thread_of

        return thread_of(self)

    @property
    def byline_authors(self) -> list[Author]:
        return [byline.author for byline in self.bylines.all()]

    @property
    def sorted_tags(self) -> list[Tag]:
        """The tags by name. Lists prefetch them (`prefetch_related("tags")`);
        for one article, a plain query costs a third of taggit's prefetch."""
        if "tags" in getattr(self, "_prefetched_objects_cache", {}):
            tags = self.tags.all()
        else:
            tags = Tag.objects.filter(
                taggit_taggeditem_items__content_type=ContentType.objects.get_for_model(
                    Article
                ),
                taggit_taggeditem_items__object_id=self.pk,
            )
        return sorted(tags, key=lambda tag: tag.name.lower())


class Byline(models.Model):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="bylines"
    )
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="bylines")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="unique_byline")
        ]
        # An author's page: their stories, without reading every byline.
        indexes = [models.Index(fields=["author", "article"], name="byline_author_idx")]

    def __str__(self) -> str:
        return f"{self.author} on {self.article}"


class RelatedLink(models.Model):
    """An editor-pinned related story, shown before the automatic ones."""

    from_article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="related_links"
    )
    to_article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["from_article", "to_article"], name="unique_related_link"
            ),
            models.CheckConstraint(
                condition=~Q(from_article=models.F("to_article")),
                name="related_link_not_self",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_article} → {self.to_article}"

    def clean(self) -> None:
        if self.from_article_id and self.from_article_id == self.to_article_id:
            raise ValidationError("An article cannot be related to itself.")


class ArticleRedirect(models.Model):
    """An old public path of an article that answers 301 to its current one."""

    old_path = models.CharField(max_length=500, unique=True)
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="redirects"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["old_path"]

    def __str__(self) -> str:
        return f"{self.old_path} → {self.article}"

    @classmethod
    def remember(cls, old_path: str, article: Article) -> None:
        """Keep `old_path` answering for `article`, which now lives elsewhere."""
        new_path = article.get_absolute_url()
        cls.objects.filter(old_path=new_path).delete()
        if old_path != new_path:
            cls.objects.update_or_create(
                old_path=old_path, defaults={"article": article}
            )


# Each revision of an article carries its byline, pinned links and tags. Registered
# here, before the admin registers models with its own (tagless) defaults.
reversion.register(Article, follow=["bylines", "related_links", "tagged_items"])
reversion.register(Byline)
reversion.register(RelatedLink)
reversion.register(TaggedItem)
