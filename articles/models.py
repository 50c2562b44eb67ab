import hashlib
import re
from datetime import date, timedelta

import reversion
from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from taggit.managers import TaggableManager
from taggit.models import TaggedItem

from articles.sanitize import sanitize_html

# Top-level paths that a section slug would shadow (see newsroom/urls.py).
RESERVED_SECTION_SLUGS = frozenset(
    {
        "accounts",
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


class PhotoCreditQuerySet(models.QuerySet):
    def for_parts(
        self, photographer: str = "", agency: str = "", distributor: str = ""
    ) -> "PhotoCredit | None":
        """The credit for these parts, created if new; None when all are empty.

        Each part takes the spelling already in use, compared without regard to
        case or spacing, so "AFP", "afp" and "AFP " are one distributor.
        """
        parts = {
            "photographer": _squash_spaces(photographer)[:120],
            "agency": _squash_spaces(agency)[:120],
            "distributor": _squash_spaces(distributor)[:120],
        }
        if not any(parts.values()):
            return None
        for name, value in parts.items():
            if value:
                known = (
                    self.filter(**{f"{name}__iexact": value})
                    .order_by("pk")
                    .values_list(name, flat=True)
                    .first()
                )
                parts[name] = known or value
        return self.get_or_create(**parts)[0]

    def spellings(self, part: str, term: str = "", limit: int = 20) -> list[str]:
        """Distinct values of one credit part containing `term`, for autocomplete."""
        if part not in PhotoCredit.PARTS:
            return []
        values = (
            self.exclude(**{part: ""})
            .filter(**{f"{part}__icontains": term.strip()})
            .order_by(part)
            .values_list(part, flat=True)
            .distinct()
        )
        return list(values[:limit])


class PhotoCredit(models.Model):
    """Who made a photo and who supplies it, as printed under the picture."""

    PARTS = ("photographer", "agency", "distributor")

    photographer = models.CharField(max_length=120, blank=True)
    agency = models.CharField(max_length=120, blank=True)
    distributor = models.CharField(
        max_length=120, blank=True, help_text="The wire that supplies it, e.g. AFP."
    )

    objects = PhotoCreditQuerySet.as_manager()

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

    @property
    def creator(self) -> str:
        """Who made the picture, for the Artist field written into its files."""
        return self.photographer or self.agency or self.distributor


def _squash_spaces(value: str) -> str:
    return re.sub(r"\s+", " ", value or "").strip()


def photo_upload_to(instance: "Photo", filename: str) -> str:
    return timezone.now().strftime("photos/%Y/%m/") + filename


class PhotoQuerySet(models.QuerySet):
    def licence_expired(self, today: date | None = None) -> "PhotoQuerySet":
        """Photos whose last licensed day has passed: readers no longer see them."""
        return self.filter(licence_expires_on__lt=today or timezone.localdate())

    def licence_expiring(
        self, days: int | None = None, today: date | None = None
    ) -> "PhotoQuerySet":
        """Photos still licensed today whose licence ends within `days` days."""
        today = today or timezone.localdate()
        days = settings.NEWSROOM_LICENCE_WARNING_DAYS if days is None else days
        return self.filter(
            licence_expires_on__gte=today,
            licence_expires_on__lte=today + timedelta(days=days),
        )


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
        help_text="What the picture shows, read aloud to blind readers. Required "
        "before an article using the photo can be published.",
    )
    caption = models.TextField(blank=True, help_text="Printed under the picture.")
    credit = models.ForeignKey(
        PhotoCredit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="photos",
    )
    copyright_holder = models.CharField(
        max_length=120,
        blank=True,
        help_text="Who owns the rights, written into every copy of the picture. "
        "Empty: the agency, else the distributor, else the photographer.",
    )
    licence_terms = models.TextField(blank=True, help_text="Usage terms agreed.")
    licence_expires_on = models.DateField(
        null=True,
        blank=True,
        db_index=True,
        help_text="Last day the picture may be shown. From the next day public "
        "pages show the article without it.",
    )
    renditions = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text="The resized copies served to readers (made at upload).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PhotoQuerySet.as_manager()

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

    @property
    def rights_holder(self) -> str:
        if self.copyright_holder:
            return self.copyright_holder
        if not self.credit_id:
            return ""
        credit = self.credit
        return credit.agency or credit.distributor or credit.photographer

    def is_licence_expired(self, today: date | None = None) -> bool:
        if self.licence_expires_on is None:
            return False
        return self.licence_expires_on < (today or timezone.localdate())

    @property
    def is_shown_to_readers(self) -> bool:
        """False once the licence has expired: pages then leave the picture out."""
        return bool(self.image) and not self.is_licence_expired()

    @property
    def licence_days_left(self) -> int | None:
        if self.licence_expires_on is None:
            return None
        return (self.licence_expires_on - timezone.localdate()).days


def photo_problems(photo: Photo | None, today: date | None = None) -> list[str]:
    """Why an article cannot be published with this photo; empty when it can."""
    if photo is None:
        return []
    problems = []
    if not photo.alt_text.strip():
        problems.append(
            "The photo has no alt text: describe what it shows on the photo's page."
        )
    if not photo.credit_id:
        problems.append("The photo has no credit: give its photographer or agency.")
    if photo.is_licence_expired(today):
        problems.append(
            f"The photo's licence expired on {photo.licence_expires_on:%d %b %Y}: "
            "choose another photo."
        )
    return problems


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
    updated_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When a correction to the live article was last published; "
        "readers see it as “Updated”.",
    )
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
    related = models.ManyToManyField(
        "self",
        through="RelatedLink",
        symmetrical=False,
        related_name="+",
        blank=True,
        help_text="Stories pinned above the automatic related list, in this order.",
    )
    # Counts saves, so that two people cannot overwrite each other's changes.
    version = models.PositiveIntegerField(default=1, editable=False)
    # Lets revisions carry the tags along with the article.
    tagged_items = GenericRelation(TaggedItem, related_query_name="article")

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_at", "-pk"]
        permissions = [
            ("publish_article", "Can review, schedule, publish and unpublish articles"),
            ("edit_any_article", "Can edit articles by anyone"),
        ]
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
    def public_hero_photo(self) -> Photo | None:
        """The hero photo as readers see it: none once its licence has expired."""
        photo = self.hero_photo
        return photo if photo and photo.is_shown_to_readers else None

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


class ArticleEvent(models.Model):
    """One step of an article's workflow: who moved it from which state to which."""

    class Action(models.TextChoices):
        SUBMIT = "submit", "Submitted for review"
        RETURN = "return", "Returned to the writer"
        SCHEDULE = "schedule", "Scheduled"
        PUBLISH = "publish", "Published"
        UNPUBLISH = "unpublish", "Unpublished"
        PUBLISH_CHANGES = "publish_changes", "Published changes"
        DISCARD_CHANGES = "discard_changes", "Discarded pending changes"
        RESTORE = "restore", "Restored a revision"

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty when the scheduler published the article.",
    )
    from_status = models.CharField(max_length=20, choices=Article.Status.choices)
    to_status = models.CharField(max_length=20, choices=Article.Status.choices)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.article}"


class PendingChange(models.Model):
    """Edits to a live article that readers see only once an editor publishes them.

    The edits are kept as a django-reversion revision that has not been applied.
    """

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, related_name="pending_change"
    )
    revision = models.ForeignKey(
        "reversion.Revision", on_delete=models.CASCADE, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Pending changes to {self.article}"


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
