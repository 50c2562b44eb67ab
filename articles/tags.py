"""Tag housekeeping: usage counts, near-duplicates and merging."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from taggit.models import Tag, TaggedItem

from articles import related
from articles.edge import keys as edge_keys
from articles.models import Article, PendingChange, TagRedirect
from articles.signals import announce_content_changed
from articles.tasks import enqueue, refresh_related

CHUNK = 2000
# Merges touching more articles than this refresh their indexes in the background.
REFRESH_AT_ONCE = 500


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


@dataclass
class MergeResult:
    survivor: Tag
    merged: list[str]
    articles: int


@transaction.atomic
def merge_tags(tags: Iterable[Tag], into: Tag) -> MergeResult:
    """Move every use of `tags` to `into` and delete them.

    Each article keeps all its other tags and carries `into` once, however many
    of the merged tags it had. The merged tags' pages answer 301 to the survivor.
    """
    merged = [tag for tag in tags if tag.pk != into.pk]
    merged_ids = [tag.pk for tag in merged]
    items = TaggedItem.objects.filter(tag_id__in=merged_ids).order_by("pk")
    already = set(
        TaggedItem.objects.filter(tag=into).values_list("content_type_id", "object_id")
    )
    keep, drop = [], []
    touched: set[tuple[int, int]] = set()
    for pk, content_type_id, object_id in items.values_list(
        "pk", "content_type_id", "object_id"
    ):
        key = (content_type_id, object_id)
        (drop if key in already or key in touched else keep).append(pk)
        touched.add(key)
    for start in range(0, len(drop), CHUNK):
        TaggedItem.objects.filter(pk__in=drop[start : start + CHUNK]).delete()
    for start in range(0, len(keep), CHUNK):
        TaggedItem.objects.filter(pk__in=keep[start : start + CHUNK]).update(tag=into)
    TagRedirect.objects.filter(tag_id__in=merged_ids).update(tag=into)
    TagRedirect.objects.filter(
        old_slug__in=[into.slug, *(tag.slug for tag in merged)]
    ).delete()
    TagRedirect.objects.bulk_create(
        [TagRedirect(old_slug=tag.slug, tag=into) for tag in merged]
    )
    rename_in_pending_changes({tag.name: into.name for tag in merged})
    Tag.objects.filter(pk__in=merged_ids).delete()
    article_type = ContentType.objects.get_for_model(Article).pk
    article_ids = sorted(pk for ct, pk in touched if ct == article_type)
    shown = {edge_keys.tag(pk) for pk in [*merged_ids, into.pk]}
    announce_content_changed(Tag, keys=shown | edge_keys.for_articles(article_ids))
    if len(article_ids) <= REFRESH_AT_ONCE:
        related.refresh_articles(article_ids)
    else:
        # A common tag's thousands of articles are re-indexed by the task
        # worker; pages read through live() meanwhile, so nothing leaks.
        for start in range(0, len(article_ids), CHUNK):
            enqueue(refresh_related, article_ids[start : start + CHUNK])
    announce_content_changed(Tag, keys=set())  # the related index, for the pages
    return MergeResult(
        survivor=into, merged=[tag.name for tag in merged], articles=len(article_ids)
    )


def record_rename(tag: Tag, old_name: str, old_slug: str) -> None:
    """After a tag is renamed: its old address answers with a 301 to the new
    one, and pending changes that carry the old name carry the new one."""
    if old_name and old_name != tag.name:
        rename_in_pending_changes({old_name: tag.name})
    announce_content_changed(Tag, keys=edge_keys.for_tags([tag.pk]))
    if old_slug and old_slug != tag.slug:
        TagRedirect.objects.filter(old_slug=tag.slug).delete()
        TagRedirect.objects.update_or_create(old_slug=old_slug, defaults={"tag": tag})


def rename_in_pending_changes(names: dict[str, str]) -> None:
    """Pending changes hold tags by name: carry a rename or merge into them, so
    that publishing them later does not bring the old tag back."""
    lowered = {old.lower(): new for old, new in names.items()}
    for pending in PendingChange.objects.select_for_update():
        tags = pending.content.get("tags", [])
        renamed = list(dict.fromkeys(lowered.get(t.lower(), t) for t in tags))
        if renamed != tags:
            pending.content["tags"] = renamed
            pending.save(update_fields=["content"])
