import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from taggit.managers import TaggableManager

from articles.sanitize import sanitize_html

# Top-level paths that a section slug would shadow (see newsroom/urls.py).
RESERVED_SECTION_SLUGS = frozenset(
    {
        "admin",
        "api",
        "authors",
        "feeds",
        "media",
        "robots.txt",
        "search",
        "static",
        "tags",
        "sitemap.xml",
        "news-sitemap.xml",
        "preview",
    }
)


def validate_section_slug(value: str) -> None:
    if value in RESERVED_SECTION_SLUGS:
        raise ValidationError(
            "“%(value)s” is used by another part of the site; choose another slug.",
            params={"value": value},
        )


class Section(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(
        max_length=80,
        unique=True,
        validators=[validate_section_slug],
        help_text="Used in every article URL of this section: /<slug>/…",
    )
    description = models.TextField(
        blank=True, help_text="Shown at the top of the section front."
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Order in the site navigation, lowest first."
    )

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:section", args=[self.slug])


class Author(models.Model):
    name = models.CharField(max_length=120, help_text="As printed in the byline.")
    slug = models.SlugField(max_length=120, unique=True)
    bio = models.TextField(blank=True, help_text="Shown on the author page.")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author",
        help_text="The login of this writer. Agency bylines such as “ATF” have none.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:author", args=[self.slug])


class PhotoCredit(models.Model):
    """Who made a photo and who supplies it, as printed under the picture."""

    photographer = models.CharField(max_length=120, blank=True)
    agency = models.CharField(max_length=120, blank=True)
    distributor = models.CharField(
        max_length=120, blank=True, help_text="The wire that supplies it, e.g. AFP."
    )

    class Meta:
        ordering = ["photographer", "agency", "distributor"]
        constraints = [
            models.UniqueConstraint(
                fields=["photographer", "agency", "distributor"],
                name="unique_photo_credit",
            ),
            models.CheckConstraint(
                condition=~Q(photographer="", agency="", distributor=""),
                name="photo_credit_not_empty",
            ),
        ]

    def __str__(self) -> str:
        return self.line

    def clean(self) -> None:
        if not (self.photographer or self.agency or self.distributor):
            raise ValidationError(
                "Give at least a photographer, agency or distributor."
            )

    @property
    def line(self) -> str:
        """The credit line: "Photo: Feng Fei / Imaginechina via AFP"."""
        maker = " / ".join(part for part in (self.photographer, self.agency) if part)
        if maker and self.distributor:
            return f"Photo: {maker} via {self.distributor}"
        return f"Photo: {maker or self.distributor}"


def photo_upload_to(instance: "Photo", filename: str) -> str:
    return timezone.now().strftime("photos/%Y/%m/") + filename


class Photo(models.Model):
    image = models.ImageField(
        upload_to=photo_upload_to, width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(editable=False, null=True)
    height = models.PositiveIntegerField(editable=False, null=True)
    sha256 = models.CharField(
        max_length=64,
        editable=False,
        blank=True,
        db_index=True,
        help_text="Fingerprint of the file, so the same picture is stored once.",
    )
    alt_text = models.CharField(
        max_length=250,
        blank=True,
        help_text="What the picture shows, read aloud to blind readers.",
    )
    caption = models.TextField(blank=True, help_text="Printed under the picture.")
    credit = models.ForeignKey(
        PhotoCredit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="photos",
    )
    licence_terms = models.TextField(blank=True, help_text="Usage terms agreed.")
    licence_expires_on = models.DateField(
        null=True, blank=True, help_text="Last day the picture may be shown."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.caption[:60] or self.alt_text[:60] or self.image.name

    def save(self, *args, **kwargs):
        if self.image and not self.sha256:
            self.sha256 = file_sha256(self.image)
        super().save(*args, **kwargs)

    @property
    def credit_line(self) -> str:
        return self.credit.line if self.credit_id else ""


def file_sha256(file) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in iter(lambda: file.read(1 << 16), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


class ArticleQuerySet(models.QuerySet):
    def live(self) -> "ArticleQuerySet":
        """What readers may see: published or scheduled, publish time reached."""
        return self.filter(
            status__in=Article.LIVE_STATUSES, publish_at__lte=timezone.now()
        )

    def for_cards(self) -> "ArticleQuerySet":
        """Everything a list of article cards renders, in a fixed number of queries."""
        return self.select_related(
            "section", "hero_photo", "hero_photo__credit"
        ).prefetch_related(
            Prefetch("bylines", queryset=Byline.objects.select_related("author"))
        )

    def for_page(self) -> "ArticleQuerySet":
        """Everything the article page renders, apart from related stories."""
        return self.for_cards().prefetch_related("tags")


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHED = "published", "Published"
        UNPUBLISHED = "unpublished", "Unpublished"

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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
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
    related = models.ManyToManyField(
        "self",
        through="RelatedLink",
        symmetrical=False,
        related_name="+",
        blank=True,
        help_text="Stories pinned above the automatic related list, in this order.",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "publish_at"], name="article_live_idx"),
            models.Index(
                fields=["section", "status", "publish_at"], name="article_section_idx"
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
        return reverse("articles:detail", args=[self.section.slug, self.slug])

    def is_live(self) -> bool:
        return (
            self.status in self.LIVE_STATUSES
            and self.publish_at is not None
            and self.publish_at <= timezone.now()
        )

    @property
    def byline_authors(self) -> list[Author]:
        return [byline.author for byline in self.bylines.all()]

    @property
    def sorted_tags(self):
        return sorted(self.tags.all(), key=lambda tag: tag.name.lower())


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


class RelatedExclusion(models.Model):
    """An automatic related story an editor has ruled out for one article."""

    from_article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="related_exclusions"
    )
    to_article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["from_article", "to_article"], name="unique_related_exclusion"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_article} ↛ {self.to_article}"


class RelatedIndexEntry(models.Model):
    """One article with a live status under one of its tags, for related scoring.

    A copy of the tagging with the article's section and publication time, kept
    in step by `articles.related.refresh_for()`, so that the articles nearest in
    time under a tag come straight off one index instead of a join across the
    whole archive.
    """

    tag = models.ForeignKey("taggit.Tag", on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="related_index_entries"
    )
    section_id = models.BigIntegerField()
    published_ts = models.BigIntegerField(help_text="Publication time, Unix seconds.")

    class Meta:
        ordering = ["tag", "-published_ts"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "tag"], name="unique_related_index_entry"
            ),
        ]
        indexes = [
            models.Index(
                fields=["tag", "published_ts", "article", "section_id"],
                name="related_tag_time_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} under {self.tag_id}"


class TagRedirect(models.Model):
    """The address of a merged or re-slugged tag, answered with a 301 to its heir."""

    old_slug = models.SlugField(max_length=100, unique=True, allow_unicode=True)
    tag = models.ForeignKey("taggit.Tag", on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["old_slug"]

    def __str__(self) -> str:
        return f"/tags/{self.old_slug}/ → {self.tag}"
