"""Bringing a WordPress export in: attachments as photos, posts as articles.

Every article is made by the workflow's importer (`workflow.import_article`),
with the post's own state and date, so the same publishing rules apply as to
any other way in. Each post and each attachment is imported in a transaction of
its own and recorded as a `WordPressItem`: an interrupted import continues where
it stopped when run again, and a finished one changes nothing the second time.
"""

import html
import re
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from taggit.models import Tag
from tqdm import tqdm

from articles import workflow
from articles.models import (
    Article,
    ArticleRedirect,
    Author,
    Section,
    WordPressItem,
    validate_section_slug,
)
from articles.photos.storage import delete_stragglers
from articles.wordpress import media
from articles.wordpress.body import BodyConverter
from articles.wordpress.summary import Summary
from articles.wordpress.wxr import Export, Item, read_export, size_text

Status = Article.Status
TAG_LENGTH = 100
EXCERPT_WORDS = 55  # WordPress's own excerpt length
EXCERPT_CHARACTERS = 300

# WordPress states and what they become; the rest are skipped with a reason.
STATES = {
    "publish": Status.PUBLISHED,
    "future": Status.SCHEDULED,
    "draft": Status.DRAFT,
    "pending": Status.IN_REVIEW,
    "private": Status.DRAFT,
}
# The Liveblog plugin's post meta `liveblog`: running, or ended.
LIVEBLOG_STATES = {"enable", "archive"}
SKIPPED_STATES = {
    "trash": "posts in the trash",
    "auto-draft": "posts never saved (auto-drafts)",
    "inherit": "post revisions",
}
SKIPPED_TYPES = {
    "page": "pages (not articles)",
    "nav_menu_item": "menu items",
    "revision": "post revisions",
    "custom_css": "theme styles",
    "customize_changeset": "theme settings",
    "wp_block": "reusable blocks",
    "wp_template": "theme templates",
    "wp_template_part": "theme templates",
    "wp_global_styles": "theme styles",
    "wp_navigation": "menus",
}


class WordPressImport:
    def __init__(
        self,
        path: Path,
        *,
        media_dir: Path | None = None,
        allow_rule_breaks: bool = False,
        progress: bool = True,
    ):
        self.path = Path(path)
        self.media_dir = Path(media_dir) if media_dir else self.path.resolve().parent
        self.allow_rule_breaks = allow_rule_breaks
        self.progress = progress
        self.summary = Summary()
        self.library = media.Library()

    def run(self) -> Summary:
        export = read_export(
            self.path,
            settings.TIME_ZONE,
            max_export_bytes=settings.NEWSROOM_WORDPRESS_MAX_EXPORT_BYTES,
            max_post_bytes=settings.NEWSROOM_WORDPRESS_MAX_POST_BYTES,
        )
        self.export = export
        self.site = export.site
        summary = self.summary
        summary.title, summary.site = export.title, export.site
        summary.categories_in_file = len(export.categories)
        summary.tags_in_file = len(export.tags)
        posts = [item for item in export.items if item.post_type == "post"]
        attachments = [item for item in export.items if item.post_type == "attachment"]
        summary.posts_in_file = len(posts)
        summary.attachments_in_file = len(attachments)
        for item in export.items:
            if item.post_type not in {"post", "attachment"}:
                reason = SKIPPED_TYPES.get(item.post_type, f"{item.post_type} items")
                summary.skipped[reason] += 1
        summary.comments = sum(item.comments for item in export.items)
        with transaction.atomic():
            # Files of a run killed part-way: their rows were rolled back.
            delete_stragglers()
        for item in self._bar(attachments, "Attachments"):
            self._attachment(item)
        self.bodies = BodyConverter(self.library.photo_of, self.library.gallery_of)
        for item in self._bar(posts, "Posts"):
            self._post(item)
        self._account_for_terms(export, posts)
        return summary

    def _bar(self, items, label):
        return tqdm(items, desc=label, unit="item", disable=not self.progress)

    # Attachments ------------------------------------------------------------------

    def _attachment(self, item: Item) -> None:
        summary = self.summary
        if item.parent:
            self.library.by_parent.setdefault(item.parent, []).append(item.wp_id)
        done = WordPressItem.objects.filter(site=self.site, wp_id=item.wp_id).first()
        if done and done.photo_id:
            self.library.add(item, done.photo)
            summary.photos_already += 1
            return
        where = f"#{item.wp_id} {item.attachment_url}"
        if not media.is_picture(item):
            summary.not_pictures.append(where)
            return
        path = media.find_file(item, self.media_dir)
        if path is None:
            summary.missing_files.append(where)
            return
        try:
            photo, known = media.store(item, path, self.site)
        except ValidationError as error:
            summary.refused_files.append(f"{where}: {' '.join(error.messages)}")
            return
        self.library.add(item, photo)
        summary.photos_imported += 1
        summary.photos_reused += known

    # Posts ------------------------------------------------------------------------

    def _post(self, item: Item) -> None:
        summary = self.summary
        where = f"post #{item.wp_id} “{_plain(item.title)[:60] or item.slug}”"
        if item.status in SKIPPED_STATES:
            summary.skipped[f"posts: {SKIPPED_STATES[item.status]}"] += 1
            return
        if item.status not in STATES:
            summary.refused.append(f"{where}: unknown WordPress status “{item.status}”")
            return
        if WordPressItem.objects.filter(site=self.site, wp_id=item.wp_id).exists():
            summary.already_imported += 1
            return
        if item.oversized:
            limit = settings.NEWSROOM_WORDPRESS_MAX_POST_BYTES
            summary.refused.append(
                f"{where}: its text is {size_text(item.oversized)}, more than the "
                f"{size_text(limit)} a post may have here "
                "(NEWSROOM_WORDPRESS_MAX_POST_BYTES); not imported"
            )
            return
        status = STATES[item.status]
        if item.password and status in Article.LIVE_STATUSES:
            status = Status.DRAFT
            summary.notes.append(
                f"{where}: password-protected in WordPress, imported as a draft"
            )
        if item.status == "private":
            summary.notes.append(f"{where}: private in WordPress, imported as a draft")
        publish_at = item.published if status in Article.LIVE_STATUSES else None
        if status in Article.LIVE_STATUSES and publish_at is None:
            summary.refused.append(f"{where}: published without a date")
            return
        try:
            with transaction.atomic():
                content = self._content(item, where)
                imported = workflow.import_article(
                    content,
                    status=status,
                    publish_at=publish_at,
                    allow_rule_breaks=self.allow_rule_breaks,
                )
                WordPressItem.objects.create(
                    site=self.site,
                    wp_id=item.wp_id,
                    kind=WordPressItem.Kind.POST,
                    article=imported.article,
                )
                self._keep_permalinks(item, imported.article)
                self._liveblog(item, imported.article, publish_at)
        except ValidationError as error:
            summary.refused.append(f"{where}: {' '.join(error.messages)}")
            return
        summary.imported[status] += 1
        if imported.rule_breaks:
            summary.rule_breaks.append(f"{where}: {'; '.join(imported.rule_breaks)}")

    def _content(self, item: Item, where: str) -> workflow.ArticleContent:
        title = _plain(item.title)
        if not title:
            title = f"Untitled post {item.wp_id}"
            self.summary.notes.append(f"{where}: had no title, imported as “{title}”")
        if len(title) > 200:
            self.summary.notes.append(f"{where}: title shortened to 200 characters")
            title = title[:199] + "…"
        converted = self.bodies.convert(item.content, item.wp_id)
        self.summary.images_dropped += converted.dropped_images
        hero = None
        if thumbnail := item.meta.get("_thumbnail_id"):
            known = thumbnail.isdecimal()
            hero = self.library.by_id.get(int(thumbnail)) if known else None
        categories = item.categories
        section = self._section(categories[0] if categories else None)
        tags = [term.name for term in item.tags] + [
            term.name for term in categories[1:]
        ]
        standfirst = _plain(item.excerpt)
        if not standfirst and converted.body:
            standfirst = generated_excerpt(converted.body)
            self.summary.standfirsts_generated += 1
        return workflow.ArticleContent(
            headline=title,
            slug=self._free_slug(item, title),
            section=section.pk,
            standfirst=standfirst,
            body=converted.body,
            hero_photo=hero,
            tags=[name[:TAG_LENGTH] for name in tags if name.strip()],
            authors=[self._author(item.creator).pk],
        )

    def _free_slug(self, item: Item, title: str) -> str:
        base = slugify(unquote(item.slug)) or slugify(title) or f"post-{item.wp_id}"
        base = base[:190]
        slug, n = base, 1
        while Article.objects.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        if slug != base:
            self.summary.notes.append(
                f"post #{item.wp_id}: slug “{base}” is taken here, imported as “{slug}”"
            )
        return slug

    def _section(self, category) -> Section:
        name = (category.name if category else "") or "Uncategorized"
        slug = slugify(unquote(category.slug if category else "")) or slugify(name)
        slug = slug[:80] or "uncategorized"
        try:
            validate_section_slug(slug)
        except ValidationError:
            slug = f"{slug}-section"
        section = (
            Section.objects.filter(slug=slug).first()
            or Section.objects.filter(name__iexact=name[:80]).first()
        )
        if section is None:
            last = Section.objects.order_by("-position").first()
            section = Section.objects.create(
                name=name[:80], slug=slug, position=last.position + 1 if last else 0
            )
        return section

    def _author(self, creator: str) -> Author:
        login = creator.strip(" <>")
        name = self.export.authors.get(login) or login or "Unknown author"
        slug = slugify(login) or slugify(name) or "unknown-author"
        author, _ = Author.objects.get_or_create(
            slug=slug[:120], defaults={"name": name}
        )
        return author

    def _liveblog(self, item: Item, article: Article, publish_at) -> None:
        """A post of the Liveblog plugin (`liveblog` meta `enable`, or `archive`
        once ended) comes in with live coverage, its entries as updates."""
        state = item.meta.get("liveblog")
        entries = item.liveblog_entries
        if state not in LIVEBLOG_STATES or not entries:
            return
        started_at = min(filter(None, [publish_at, entries[0].published]))
        ended_at = entries[-1].published if state == "archive" else None
        updates = []
        for entry in entries:
            converted = self.bodies.convert(entry.content, item.wp_id)
            self.summary.images_dropped += converted.dropped_images
            if not converted.body:
                continue  # nothing readers could read is left
            content = workflow.UpdateContent(
                body=converted.body,
                authors=[self._entry_author(entry.author)] if entry.author else [],
                is_key_event=entry.is_key_event,
                published_at=entry.published,
            )
            updates.append(workflow.ImportedUpdate(content))
        workflow.import_coverage(
            article,
            started_at=started_at,
            ended_at=ended_at,
            updates=updates,
            allow_rule_breaks=self.allow_rule_breaks,
        )
        self.summary.notes.append(
            f"post #{item.wp_id}: a live blog, imported with {len(updates)} "
            f"update{'s' if len(updates) != 1 else ''}"
        )

    def _entry_author(self, name: str) -> Author:
        """An entry names its author as displayed: the same Author as the
        posts of that login."""
        logins = {shown: login for login, shown in self.export.authors.items()}
        return self._author(logins.get(name, name))

    def _keep_permalinks(self, item: Item, article: Article) -> None:
        # The permalink as readers knew it, and `?p=ID`, which WordPress answers
        # for every post whatever its permalink settings.
        by_id = f"{urlsplit(self.site).path.rstrip('/')}/?p={item.wp_id}"
        for old in dict.fromkeys((_old_path(item.link), by_id)):
            if old and old != article.get_absolute_url():
                ArticleRedirect.objects.update_or_create(
                    old_path=old, defaults={"article": article}
                )

    # Accounting -------------------------------------------------------------------

    def _account_for_terms(self, export: Export, posts: list[Item]) -> None:
        summary = self.summary
        imported = set(
            WordPressItem.objects.filter(
                site=self.site, kind=WordPressItem.Kind.POST
            ).values_list("wp_id", flat=True)
        )
        summary.redirects = ArticleRedirect.objects.filter(
            article__in=WordPressItem.objects.filter(
                site=self.site, kind=WordPressItem.Kind.POST
            ).values("article")
        ).count()
        first, later, tags = set(), set(), {}
        for item in posts:
            if item.wp_id not in imported:
                continue
            categories = item.categories
            if categories:
                first.add(categories[0].slug)
            later.update(term.slug for term in categories[1:])
            tags.update({term.slug: term.name for term in item.tags})
        summary.sections = first
        summary.categories_as_tags = later - first
        summary.unused_categories = set(export.categories) - first - later
        summary.tags_used = set(tags)
        summary.tags_undeclared = set(tags) - set(export.tags)
        summary.unused_tags = set(export.tags) - set(tags)
        # Names that differ only in case are one tag here (as in taggit's lookup).
        by_name: dict[str, list[str]] = {}
        for slug, name in tags.items():
            by_name.setdefault(name[:TAG_LENGTH].lower(), []).append(slug)
        for slugs in by_name.values():
            if len(slugs) > 1:
                tag = Tag.objects.filter(
                    name__iexact=tags[slugs[0]][:TAG_LENGTH]
                ).first()
                for slug in sorted(slugs)[1:]:
                    summary.tags_merged[slug] = tag.name if tag else tags[slug]


def _plain(text: str) -> str:
    """Text without markup: a title such as “Title <em>With</em> Markup”."""
    return " ".join(html.unescape(nh3.clean(text or "", tags=set())).split())


def generated_excerpt(body: str) -> str:
    """The standfirst of a post without an excerpt, as WordPress shows one: the
    body's first 55 words (kept under 300 characters), then an ellipsis."""
    words = _plain(body).split()
    text = " ".join(words[:EXCERPT_WORDS])
    if len(text) > EXCERPT_CHARACTERS:
        text = text[: EXCERPT_CHARACTERS - 1].rsplit(" ", 1)[0]
    elif len(words) <= EXCERPT_WORDS:
        return text
    return text.rstrip(".,;:") + "…"


def _old_path(url: str) -> str | None:
    """The path an old permalink was asked for by: `/2013/01/10/slug/`, `/slug/`,
    or `/?p=123` (the one query WordPress answers for any post)."""
    if not url:
        return None
    parts = urlsplit(url)
    path = unquote(parts.path) or "/"
    query = parse_qs(parts.query)
    if "p" in query and re.fullmatch(r"\d+", query["p"][0]):
        return f"{path}?p={query['p'][0]}"
    if path == "/":
        return None
    return path[:500]
