"""Tags are django-taggit's; this keeps the old addresses of merged ones."""

from django.db import models


class TagRedirect(models.Model):
    """The address of a merged or re-slugged tag, answered with a 301 to its heir."""

    old_slug = models.SlugField(max_length=100, unique=True, allow_unicode=True)
    tag = models.ForeignKey("taggit.Tag", on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["old_slug"]

    def __str__(self) -> str:
        return f"/tags/{self.old_slug}/ → {self.tag}"
