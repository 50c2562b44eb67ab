"""The publishing checklist as data: which rules apply, with which limits, where.

The checks themselves are code (`articles.workflow.rules`); these rows say
whether each is on and its limit, site-wide and per section, and record an
editor's reasoned override of one rule for one article.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from articles.models.articles import Article
from articles.models.people import Section


class ChecklistRule(models.Model):
    class Code(models.TextChoices):
        HEADLINE_LENGTH = "headline_length", "Headline length"
        STANDFIRST_LENGTH = "standfirst_length", "Standfirst length"
        SECTION = "section", "Section"
        TAGS = "tags", "Tags"
        HERO_PHOTO = "hero_photo", "Hero photo"
        PHOTO_ALT_TEXT = "photo_alt_text", "Photo alt text"
        PHOTO_CREDIT = "photo_credit", "Photo credit"
        PHOTO_LICENCE = "photo_licence", "Photo licence"
        HERO_WIDTH = "hero_width", "Hero photo width"
        INTERNAL_LINKS = "internal_links", "Internal links"
        BYLINE = "byline", "Byline"

    code = models.CharField(
        max_length=40, choices=Code.choices, unique=True, editable=False
    )
    description = models.CharField(max_length=250, editable=False)
    enabled = models.BooleanField(default=True)
    limit = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="The rule's number (characters, tags or pixels); see the "
        "description.",
    )
    position = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.get_code_display()

    @property
    def name(self) -> str:
        return self.get_code_display()


class SectionRule(models.Model):
    """One section's own setting of a checklist rule."""

    rule = models.ForeignKey(
        ChecklistRule, on_delete=models.CASCADE, related_name="section_rules"
    )
    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, related_name="checklist_rules"
    )
    enabled = models.BooleanField(default=True)
    limit = models.PositiveIntegerField(
        null=True, blank=True, help_text="Empty: the site-wide limit."
    )

    class Meta:
        ordering = ["section__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "section"], name="unique_section_rule"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule} in {self.section}"


class ChecklistOverride(models.Model):
    """An editor's decision that one rule does not hold back one article."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="checklist_overrides"
    )
    rule = models.ForeignKey(ChecklistRule, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["rule__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "rule"], name="unique_checklist_override"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule} overridden for {self.article}"
