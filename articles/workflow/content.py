"""What an article says, apart from where it is in the workflow.

`ArticleContent` is the whole editable article in one value: its fields, its tags
by name, its bylines and pinned related stories in order. The admin form, the
importer and the API build one; the workflow validates it, writes it onto the
article, or keeps it as pending changes (`PendingChange.content`) until an
editor publishes it. A preview renders it without writing anything.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from functools import reduce
from operator import or_

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from taggit.models import Tag, TaggedItem

from articles.body import with_library_text
from articles.models import Article, Author, Byline, Photo, RelatedLink, Section
from articles.sanitize import sanitize_html

# Model fields the content sets directly (everything else is the workflow's).
ARTICLE_FIELDS = (
    "headline",
    "slug",
    "standfirst",
    "body",
    "hero_caption",
    "hero_alt_text",
    "seo_title",
    "seo_description",
)

LABELS = {
    "section": "Section",
    "hero_photo": "Hero photo",
    "tags": "Tags",
    "authors": "Byline",
    "related": "Pinned related stories",
    "follows": "Follows",
}

# How far back a chain of follow-ups is walked to find a loop.
LONGEST_CHAIN = 100


# What the article form shows as inputs, one per field of `ArticleContent`
# (bylines and pinned stories are rows of their own): what the form edits,
# what a save from an older version is merged on, what autosave keeps.
FORM_FIELDS = (
    "headline",
    "slug",
    "section",
    "standfirst",
    "body",
    "hero_photo",
    "hero_caption",
    "hero_alt_text",
    "tags",
    "seo_title",
    "seo_description",
    "follows",
)


@dataclass
class ArticleContent:
    headline: str
    section: int
    slug: str = ""
    standfirst: str = ""
    body: str = ""
    hero_photo: int | None = None
    hero_caption: str = ""
    hero_alt_text: str = ""
    seo_title: str = ""
    seo_description: str = ""
    tags: list[str] = field(default_factory=list)
    # Author ids in byline order; pinned related article ids in the editor's order.
    authors: list[int] = field(default_factory=list)
    related: list[int] = field(default_factory=list)
    # The id of the earlier story this one follows up.
    follows: int | None = None

    @classmethod
    def of(cls, article: Article) -> ArticleContent:
        """The content an article has in the database now."""
        return cls(
            **{name: getattr(article, name) for name in ARTICLE_FIELDS},
            section=article.section_id,
            hero_photo=article.hero_photo_id,
            tags=sorted(article.tags.values_list("name", flat=True), key=str.lower),
            authors=list(
                Byline.objects.filter(article=article).values_list(
                    "author_id", flat=True
                )
            ),
            related=list(
                RelatedLink.objects.filter(from_article=article).values_list(
                    "to_article_id", flat=True
                )
            ),
            follows=article.follows_id,
        )

    @classmethod
    def from_json(cls, data: dict) -> ArticleContent:
        known = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in known})

    def as_json(self) -> dict:
        return asdict(self)

    def differences(self, other: ArticleContent) -> list[str]:
        """Names of the parts that differ from `other`, as editors know them."""
        changed = []
        for f in fields(self):
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            if f.name == "tags":
                mine, theirs = _tag_set(mine), _tag_set(theirs)
            if mine != theirs:
                changed.append(LABELS.get(f.name) or _verbose_name(f.name))
        return changed

    # Reading and checking -----------------------------------------------------

    def normalised(self) -> ArticleContent:
        """The content as it will be stored: clean body, unique tags and people,
        and the photos' library captions and alt text where none are given."""
        content = ArticleContent(**self.as_json())
        # Each placed photo keeps the caption and alt text it has now.
        content.body = with_library_text(sanitize_html(content.body))
        content.tags = _unique_tags(content.tags)
        content.authors = list(dict.fromkeys(content.authors))
        content.related = list(dict.fromkeys(content.related))
        if content.hero_photo and not (content.hero_caption and content.hero_alt_text):
            photo = Photo.objects.filter(pk=content.hero_photo).first()
            if photo:
                content.hero_caption = content.hero_caption or photo.caption
                content.hero_alt_text = content.hero_alt_text or photo.alt_text
        return content

    def follows_problem(self, article: Article | None) -> str:
        """Why this content cannot follow the story it names ("" when it can):
        that story must exist, and be neither this one nor one that follows it."""
        if self.follows is None:
            return ""
        earlier = self.follows
        own = article.pk if article is not None else None
        steps = 0
        while earlier is not None and steps < LONGEST_CHAIN:
            if earlier == own:
                return (
                    "an article cannot follow itself."
                    if steps == 0
                    else "that story follows this one already; a chain of "
                    "follow-ups cannot loop."
                )
            found = Article.objects.filter(pk=earlier).values_list(
                "follows_id", flat=True
            )
            if not found:
                return f"no article has the id {earlier}."
            earlier, steps = found[0], steps + 1
        return ""

    def hero(self) -> Photo | None:
        if not self.hero_photo:
            return None
        return Photo.objects.select_related("credit").filter(pk=self.hero_photo).first()

    # Writing: only the workflow calls these, inside its transaction --------------

    def write_to(self, article: Article) -> None:
        """Make the article say exactly this; `article` is locked by the caller.

        The bylines, pinned links and tags written stay on the article as its
        prefetched rows, so the revision that follows reads them from memory.
        """
        new = article._state.adding
        for name in ARTICLE_FIELDS:
            setattr(article, name, getattr(self, name))
        article.section_id = self.section
        article.hero_photo_id = self.hero_photo
        if problem := self.follows_problem(None if new else article):
            raise ValidationError(f"Follows: {problem}")
        article.follows_id = self.follows
        try:
            # The slug's uniqueness is the workflow's to check, under its lock,
            # and the database's unique index, which also sees saves that have
            # not committed yet (`editing.refusing_taken_slug`).
            article.full_clean(
                exclude=["created_by", "edited_by"], validate_unique=False
            )
        except ValidationError as error:
            raise ValidationError(_field_messages(error)) from None
        article.save()
        authors = Author.objects.in_bulk(self.authors) if self.authors else {}
        targets = (
            Article.objects.exclude(pk=article.pk).defer("body").in_bulk(self.related)
            if self.related
            else {}
        )
        bylines = _write_ordered(
            Byline.objects.filter(article=article),
            "author",
            [authors[pk] for pk in self.authors if pk in authors],
            new=new,
            article=article,
        )
        links = _write_ordered(
            RelatedLink.objects.filter(from_article=article),
            "to_article",
            [targets[pk] for pk in self.related if pk in targets],
            new=new,
            from_article=article,
        )
        tagged = _write_tags(article, _tag_rows(self.tags), new=new)
        _prefetched(article, "bylines", Byline, bylines)
        _prefetched(article, "related_links", RelatedLink, links)
        _prefetched(article, "tagged_items", TaggedItem, tagged)

    # Showing without writing ------------------------------------------------------

    def as_unsaved_article(self, article: Article) -> Article:
        """A copy of `article` saying this content, for previews and forms.

        Nothing is written: the copy carries its bylines and tags as prefetched
        rows, so templates read them as they read a saved article's.
        """
        copy = Article.objects.select_related("section").get(pk=article.pk)
        for name in ARTICLE_FIELDS:
            setattr(copy, name, getattr(self, name))
        copy.body = sanitize_html(copy.body)
        copy.section = Section.objects.get(pk=self.section)
        copy.hero_photo = self.hero()
        copy.follows_id = self.follows
        authors = Author.objects.in_bulk(self.authors)
        bylines = [
            Byline(article=copy, author=authors[pk], position=position)
            for position, pk in enumerate(self.authors)
            if pk in authors
        ]
        by_name = {t.name.lower(): t for t in Tag.objects.filter(name__in=self.tags)}
        tags = [by_name.get(name.lower()) or _new_tag(name) for name in self.tags]
        _prefetched(copy, "bylines", Byline, bylines)
        _prefetched(copy, "tags", Tag, tags)
        return copy


def _write_ordered(rows, key: str, wanted: list, *, new: bool, **parent) -> list:
    """Make `rows` (bylines or pinned links of one article) point at `wanted`
    in order, keeping the rows that stay so their revisions follow them; the
    rows as they now are, in order. A new article has none to read."""
    model = rows.model
    existing = {}
    if not new:
        rows.exclude(**{f"{key}__in": wanted}).delete()
        existing = {getattr(row, f"{key}_id"): row for row in rows}
    kept, created = [], []
    for position, target in enumerate(wanted):
        row = existing.get(target.pk)
        if row is None:
            row = model(**parent, **{key: target}, position=position)
            created.append(row)
        elif row.position != position:
            row.position = position
            row.save(update_fields=["position"])
        setattr(row, key, target)
        kept.append(row)
    model.objects.bulk_create(created)
    return kept


def _write_tags(article: Article, tags: list[Tag], *, new: bool) -> list[TaggedItem]:
    """Make the article carry exactly `tags`; its tagged items as they now are.

    Written here rather than with taggit's `tags.set()`, which reads each tag
    and each link on its own (four queries a tag): an archive import writes
    hundreds of thousands of them. The rows are taggit's own.
    """
    kind = ContentType.objects.get_for_model(Article)
    existing = {}
    if not new:
        items = TaggedItem.objects.filter(content_type=kind, object_id=article.pk)
        items.exclude(tag__in=tags).delete()
        existing = {item.tag_id: item for item in items}
    rows = [
        existing.get(tag.pk)
        or TaggedItem(tag=tag, content_type=kind, object_id=article.pk)
        for tag in tags
    ]
    TaggedItem.objects.bulk_create([row for row in rows if row.pk is None])
    for row, tag in zip(rows, tags, strict=True):
        row.tag, row.content_object = tag, article
    return rows


def _new_tag(name: str) -> Tag:
    """A tag the pending changes bring, as it will be once published."""
    tag = Tag(name=name)
    tag.slug = tag.slugify(name)
    return tag


def _prefetched(article: Article, name: str, model, rows: list) -> None:
    queryset = model.objects.none()
    queryset._result_cache = rows
    queryset._prefetch_done = True
    article._prefetched_objects_cache = {
        **getattr(article, "_prefetched_objects_cache", {}),
        name: queryset,
    }


def _tag_set(names: list[str]) -> set[str]:
    return {name.strip().lower() for name in names}


def _tag_rows(names: list[str]) -> list[Tag]:
    """The tags of normalised content (spelt as stored, see `_unique_tags`), new
    ones created: one query, where taggit would look each name up on its own."""
    found = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
    if missing := [name for name in names if name not in found]:
        # A tag another save creates with the same name at the same moment is
        # the one used: the insert skips a name the unique index already holds
        # (waiting for the other save to commit), and the read finds it.
        Tag.objects.bulk_create([_new_tag(n) for n in missing], ignore_conflicts=True)
        found |= {tag.name: tag for tag in Tag.objects.filter(name__in=missing)}
    return [found.get(name) or _created_tag(name) for name in names]


def _created_tag(name: str) -> Tag:
    """A new tag whose slug another tag has: taggit's own save finds it a free
    one; a save creating it at the same moment makes us use theirs."""
    for _attempt in range(3):
        try:
            with transaction.atomic():
                return Tag.objects.create(name=name)
        except IntegrityError:
            # Another transaction committed the name (or, rarely, its slug)
            # first: use its tag, or try again for a slug of our own.
            existing = Tag.objects.filter(name=name).first()
            if existing is not None:
                return existing
    raise ValidationError(f"The tag “{name}” could not be created: try saving again.")


def _unique_tags(names: list[str]) -> list[str]:
    """Tags once each, compared as taggit compares them (case-insensitively),
    spelt as the existing tag is."""
    wanted: dict[str, str] = {}
    for name in (n.strip() for n in names):
        if name and name.lower() not in wanted:
            wanted[name.lower()] = name
    if not wanted:
        return []
    matches = reduce(or_, (Q(name__iexact=name) for name in wanted.values()))
    spelt = {tag.name.lower(): tag.name for tag in Tag.objects.filter(matches)}
    return sorted((spelt.get(k, v) for k, v in wanted.items()), key=str.lower)


def _verbose_name(name: str) -> str:
    return str(Article._meta.get_field(name).verbose_name).capitalize()


def _field_messages(error: ValidationError) -> list[str]:
    if not hasattr(error, "error_dict"):
        return error.messages
    return [
        f"{_verbose_name(name) if name != '__all__' else 'Article'}: {message}"
        for name, messages in error.message_dict.items()
        for message in messages
    ]
