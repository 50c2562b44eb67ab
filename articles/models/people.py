"""Who and where: sections of the site and the authors of bylines."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from articles.site.addresses import address

# Top-level paths that a section slug would shadow (see newsroom/urls.py).
RESERVED_SECTION_SLUGS = frozenset(
    {
        "accounts",
        "admin",
        "api",
        "authors",
        "corrections",
        "feeds",
        "healthz",
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
        return address("articles:section", self.slug)


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
        return address("articles:author", self.slug)
