"""Writing an imported file through the workflow, all or nothing."""

from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from articles import workflow
from articles.interchange.reading import (
    CREDIT_PARTS,
    ArticleData,
    InterchangeError,
    LiveCoverageData,
    PhotoData,
    Progress,
    no_progress,
    read_file,
)
from articles.models import (
    Article,
    Author,
    Photo,
    PhotoCredit,
    RelatedLink,
    Section,
)
from articles.photos.renditions import renditions_are_current
from articles.photos.storage import (
    delete_stored_files,
    delete_stragglers,
    store_picture_once,
)
from articles.photos.validation import prepare_image
from articles.sanitize import photo_figure
from articles.tasks import renditions_later
from articles.workflow import ArticleContent, UpdateContent
from articles.workflow.live import ImportedUpdate


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    # What an editor should know: credits that differ from the library's, live
    # stories let in although they break the publishing rules.
    notes: list[str] = field(default_factory=list)


def import_articles(
    path: Path, *, allow_rule_breaks: bool = False, progress: Progress | None = None
) -> ImportResult:
    """Import a whole file through the workflow, all or nothing.

    `allow_rule_breaks` lets in live stories that break the publishing rules
    (an archive's photos without alt text), each recorded as work for editors.
    Renditions of new pictures are handed to the task queue, once per picture.
    """
    progress = progress or no_progress
    articles = read_file(path, progress)
    stored: list[str] = []
    try:
        with transaction.atomic(), workflow.importing_many():
            # What an import killed part-way wrote before (its rows were rolled
            # back, its files were not) goes first.
            delete_stragglers()
            return _write(
                articles, stored, allow_rule_breaks=allow_rule_breaks, progress=progress
            )
    except BaseException:
        delete_stored_files(stored)
        raise


def _write(
    articles: list[ArticleData],
    stored: list[str],
    *,
    allow_rule_breaks: bool,
    progress: Progress,
) -> ImportResult:
    result = ImportResult()
    photos = _PhotoImporter(stored, result)
    people = _People()
    saved: dict[str, Article] = {}
    advance = progress("Importing", len(articles))
    for index, data in enumerate(articles):
        where = f"article {index + 1} ({data.slug!r})"
        hero = photos.get(data.hero_photo, data.slug) if data.hero_photo else None
        content = ArticleContent(
            headline=data.headline,
            slug=data.slug,
            section=people.section(data.section),
            standfirst=data.standfirst,
            body=data.body_html,
            hero_photo=hero.pk if hero else None,
            hero_caption=data.hero_photo.caption if hero else "",
            hero_alt_text=data.hero_photo.alt_text if hero else "",
            seo_title=data.seo_title,
            seo_description=data.seo_description,
            tags=data.tags,
            authors=[people.author(name) for name in data.authors],
            related=list(
                Article.objects.filter(slug__in=data.related).values_list(
                    "pk", flat=True
                )
            )
            if data.related
            else [],
            # A story later in the file is followed once it is written, below.
            follows=Article.objects.filter(slug=data.follows)
            .values_list("pk", flat=True)
            .first()
            if data.follows
            else None,
        )
        try:
            imported = workflow.import_article(
                content,
                status=data.status,
                publish_at=data.published_at,
                allow_rule_breaks=allow_rule_breaks,
                embargo_until=data.embargo_until,
                corrections=[asdict(item) for item in data.corrections],
                takedown_reason=data.takedown_reason,
            )
        except ValidationError as error:
            raise InterchangeError(
                [f"{where}: {message}" for message in error.messages]
            ) from None
        if data.live_coverage is not None:
            _import_coverage(
                imported.article,
                data.live_coverage,
                people,
                photos,
                where=where,
                allow_rule_breaks=allow_rule_breaks,
            )
        for problem in imported.rule_breaks:
            result.notes.append(f"{where}: let in although it fails {problem}")
        saved[data.slug] = imported.article
        (result.created if imported.created else result.updated).append(data.slug)
        advance(1)
    linked = set(
        RelatedLink.objects.filter(
            from_article__in=[a.pk for a in saved.values()]
        ).values_list("from_article", flat=True)
    )
    for data in articles:
        if not data.related and saved[data.slug].pk not in linked:
            continue
        by_slug = {
            **saved,
            **{a.slug: a for a in Article.objects.filter(slug__in=data.related)},
        }
        workflow.import_links(
            saved[data.slug], [by_slug[slug].pk for slug in data.related]
        )
    for index, data in enumerate(articles):
        article = saved[data.slug]
        if data.follows and article.follows_id is None:
            where = f"article {index + 1} ({data.slug!r})"
            earlier = saved.get(data.follows) or Article.objects.get(slug=data.follows)
            try:
                workflow.import_follows(article, earlier.pk)
            except ValidationError as error:
                raise InterchangeError(
                    [f"{where}: {message}" for message in error.messages]
                ) from None
    return result


def _import_coverage(
    article: Article,
    coverage: LiveCoverageData,
    people: "_People",
    photos: "_PhotoImporter",
    *,
    where: str,
    allow_rule_breaks: bool,
) -> None:
    updates = []
    for data in coverage.updates:
        body = data.body_html
        if data.photo is not None:
            photo = photos.get(data.photo, article.slug)
            body += photo_figure(photo.pk, data.photo.caption, data.photo.alt_text)
        content = UpdateContent(
            body=body,
            headline=data.headline,
            authors=[Author(pk=people.author(name)) for name in data.authors],
            is_key_event=data.is_key_event,
            is_pinned=data.is_pinned,
            published_at=data.published_at,
        )
        corrections = [asdict(item) for item in data.corrections]
        updates.append(ImportedUpdate(content, data.status, corrections))
    try:
        workflow.import_coverage(
            article,
            started_at=coverage.started_at,
            ended_at=coverage.ended_at,
            updates=updates,
            allow_rule_breaks=allow_rule_breaks,
        )
    except ValidationError as error:
        raise InterchangeError(
            [f"{where}: field 'live_coverage': {m}" for m in error.messages]
        ) from None


class _People:
    """Sections and authors by name, looked up or created once per file."""

    def __init__(self):
        self.sections: dict[str, int] = {}
        self.authors: dict[str, int] = {}

    def section(self, name: str) -> int:
        slug = slugify(name)
        if slug not in self.sections:
            section = Section.objects.filter(slug=slug).first()
            if section is None:
                # New sections join the navigation after the existing ones.
                last = Section.objects.order_by("-position").first()
                section = Section.objects.create(
                    name=name, slug=slug, position=last.position + 1 if last else 0
                )
            self.sections[slug] = section.pk
        return self.sections[slug]

    def author(self, name: str) -> int:
        slug = slugify(name)
        if slug not in self.authors:
            author, _ = Author.objects.get_or_create(slug=slug, defaults={"name": name})
            self.authors[slug] = author.pk
        return self.authors[slug]


class _PhotoImporter:
    """Each picture of a file stored, and its renditions asked for, once.

    A picture the library has keeps its caption, alt text and credit: those of
    the file go to the story (caption, alt text), and a different credit is
    reported rather than re-crediting every story that uses the picture.
    """

    def __init__(self, stored: list[str], result: ImportResult):
        self.stored, self.result = stored, result
        self.by_path: dict[Path, Photo] = {}
        self.credits: dict[tuple[str, ...], PhotoCredit | None] = {}

    def credit(self, data: PhotoData) -> PhotoCredit | None:
        parts = tuple(data.credit.get(part, "") for part in CREDIT_PARTS)
        if parts not in self.credits:
            self.credits[parts] = PhotoCredit.objects.for_parts(*parts)
        return self.credits[parts]

    def get(self, data: PhotoData, slug: str) -> Photo:
        photo = self.by_path.get(data.path)
        if photo is None:
            photo = self.by_path[data.path] = self._store(data)
        credit = self.credit(data)
        if credit is not None and credit != photo.credit:
            held = photo.credit_line or "no credit"
            self.result.notes.append(
                f"article {slug!r}: its photo {data.path.name} comes credited "
                f"“{credit.line}”, but the library credits it “{held}”; the "
                "library's credit was kept (change it on the photo's page)"
            )
        return photo

    def _store(self, data: PhotoData) -> Photo:
        prepared = prepare_image(data.path, data.path.name)
        photo, known = store_picture_once(
            prepared,
            lambda: _with_terms(
                Photo(
                    caption=data.caption,
                    alt_text=data.alt_text,
                    credit=self.credit(data),
                ),
                data,
            ),
        )
        if not known:
            self.stored.append(photo.image.name)
            return photo
        _with_terms(photo, data).save()
        if not renditions_are_current(photo):
            renditions_later([photo])
        return photo


def _with_terms(photo: Photo, data: PhotoData) -> Photo:
    """The photo with the copyright and licence the file gives, if it gives them."""
    if data.copyright_holder is not None:
        photo.copyright_holder = data.copyright_holder
    if data.licence_terms is not None:
        photo.licence_terms = data.licence_terms
    if data.has_licence_expiry:
        photo.licence_expires_on = data.licence_expires_on
    return photo
