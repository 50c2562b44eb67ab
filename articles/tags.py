"""Tag housekeeping: usage counts and near-duplicates (merging and renaming are
the workflow's, `articles.workflow.tags`)."""

from collections import defaultdict

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from taggit.models import Tag, TaggedItem


def with_usage(tags):
    """Annotate `usage`: how many articles carry each tag, whatever their status."""
    counts = (
        TaggedItem.objects.filter(tag=OuterRef("pk"))
        .order_by()
        .values("tag")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return tags.annotate(
        usage=Coalesce(Subquery(counts, output_field=IntegerField()), 0)
    )


def comparison_key(name: str) -> str:
    """Tag names that differ only in case or spacing share this key."""
    return "".join(name.split()).casefold()


def near_duplicates() -> list[list[Tag]]:
    """Groups of tags whose names differ only in case or spacing, most used first."""
    groups: dict[str, list[int]] = defaultdict(list)
    for pk, name in Tag.objects.values_list("pk", "name"):
        groups[comparison_key(name)].append(pk)
    wanted = [pk for pks in groups.values() if len(pks) > 1 for pk in pks]
    if not wanted:
        return []
    tags = {tag.pk: tag for tag in with_usage(Tag.objects.filter(pk__in=wanted))}
    found = [
        sorted((tags[pk] for pk in pks), key=lambda t: (-t.usage, t.name))
        for pks in groups.values()
        if len(pks) > 1
    ]
    return sorted(found, key=lambda group: group[0].name.casefold())
