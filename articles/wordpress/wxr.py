"""Reading a WordPress eXtended RSS export into plain records.

The file is read item by item (`iterparse`, through defusedxml, which refuses
entity expansion tricks). Its size, and the size of each post's text, may be
capped: a post over the cap is read without its text and marked `oversized`. WXR 1.0,
1.1 and 1.2 differ only in their namespace's version number, which is ignored.
"""

import html
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from defusedxml.ElementTree import iterparse
from django.template.defaultfilters import filesizeformat

NAMESPACES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
}
_WP_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/[0-9.]+/(excerpt/)?$")


class WxrError(Exception):
    """The file is not a WordPress export we can read."""


class ExportTooLarge(WxrError):
    def __init__(self, path, size: int, limit: int):
        self.size, self.limit = size, limit
        super().__init__(
            f"{path} is {size_text(size)}, more than the {size_text(limit)} an "
            "export may have here (NEWSROOM_WORDPRESS_MAX_EXPORT_BYTES). Export the "
            "site in parts (in WordPress: Tools → Export, by category or by dates) "
            "and import each."
        )


def size_text(size: int) -> str:
    return filesizeformat(size).replace("\xa0", " ")


@dataclass
class Term:
    kind: str  # "category" or "post_tag" (or another taxonomy)
    slug: str
    name: str


@dataclass
class LiveblogEntry:
    """An entry of the Liveblog plugin (Automattic's), kept by WordPress as a
    comment of type `liveblog`; an edit is a later entry that replaces it
    (`liveblog_replaces`), and an empty one replacing it deletes it."""

    wp_id: int
    author: str
    published: datetime | None
    content: str
    replaces: int = 0
    is_key_event: bool = False


@dataclass
class Item:
    wp_id: int
    post_type: str
    status: str
    title: str
    slug: str
    link: str
    guid: str
    creator: str
    content: str
    excerpt: str
    published: datetime | None
    parent: int
    password: str
    attachment_url: str
    terms: list[Term] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    comments: int = 0
    liveblog_entries: list[LiveblogEntry] = field(default_factory=list)
    # The size in bytes of a text left out for being over the cap; 0 if read.
    oversized: int = 0

    @property
    def categories(self) -> list[Term]:
        return [term for term in self.terms if term.kind == "category"]

    @property
    def tags(self) -> list[Term]:
        return [term for term in self.terms if term.kind == "post_tag"]


@dataclass
class Export:
    title: str = ""
    site: str = ""
    authors: dict[str, str] = field(default_factory=dict)  # login -> display name
    categories: dict[str, str] = field(default_factory=dict)  # slug -> name
    tags: dict[str, str] = field(default_factory=dict)  # slug -> name
    items: list[Item] = field(default_factory=list)


def _local(tag: str) -> str:
    """`{namespace}name` as `wp:name`, `content:name`, or plain `name`."""
    if not tag.startswith("{"):
        return tag
    namespace, _, name = tag[1:].partition("}")
    match = _WP_NAMESPACE.match(namespace)
    if match:
        return ("excerpt:" if match[1] else "wp:") + name
    prefix = NAMESPACES.get(namespace)
    return f"{prefix}:{name}" if prefix else name


def _children(element) -> dict[str, list]:
    found: dict[str, list] = {}
    for child in element:
        found.setdefault(_local(child.tag), []).append(child)
    return found


def _text(children: dict, name: str) -> str:
    elements = children.get(name) or []
    return (elements[0].text or "").strip() if elements else ""


def _raw(children: dict, name: str) -> str:
    """An element's text as written (HTML keeps its line breaks)."""
    elements = children.get(name) or []
    return (elements[0].text or "") if elements else ""


def _date(gmt: str, local: str, time_zone: str) -> datetime | None:
    """The post's time: the GMT field, else the local one in the site's zone."""
    for value, zone in ((gmt, UTC), (local, ZoneInfo(time_zone))):
        if value and not value.startswith("0000"):
            try:
                return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(
                    tzinfo=zone
                )
            except ValueError:
                continue
    return None


def _item(element, time_zone: str, max_post_bytes: int | None) -> Item:
    children = _children(element)
    meta = {}
    for entry in children.get("wp:postmeta", []):
        entry_children = _children(entry)
        meta[_text(entry_children, "wp:meta_key")] = _text(
            entry_children, "wp:meta_value"
        )
    terms = [
        Term(
            kind=term.get("domain", ""),
            slug=term.get("nicename", ""),
            name=html.unescape((term.text or "").strip()),
        )
        for term in children.get("category", [])
    ]
    try:
        wp_id = int(_text(children, "wp:post_id"))
    except ValueError:
        wp_id = 0
    try:
        parent = int(_text(children, "wp:post_parent") or 0)
    except ValueError:
        parent = 0
    content = _raw(children, "content:encoded")
    excerpt = _raw(children, "excerpt:encoded")
    oversized = 0
    if max_post_bytes is not None and len(content) + len(excerpt) > max_post_bytes // 4:
        size = len(content.encode()) + len(excerpt.encode())
        if size > max_post_bytes:
            content, excerpt, oversized = "", "", size
    return Item(
        wp_id=wp_id,
        post_type=_text(children, "wp:post_type"),
        status=_text(children, "wp:status"),
        title=html.unescape(_text(children, "title")),
        slug=_text(children, "wp:post_name"),
        link=_text(children, "link"),
        guid=_text(children, "guid"),
        creator=_text(children, "dc:creator"),
        content=content,
        excerpt=excerpt,
        published=_date(
            _text(children, "wp:post_date_gmt"),
            _text(children, "wp:post_date"),
            time_zone,
        ),
        parent=parent,
        password=_text(children, "wp:post_password"),
        attachment_url=_text(children, "wp:attachment_url"),
        terms=terms,
        meta=meta,
        comments=len(children.get("wp:comment", [])),
        liveblog_entries=_liveblog_entries(children.get("wp:comment", []), time_zone),
        oversized=oversized,
    )


def _liveblog_entries(comments: list, time_zone: str) -> list[LiveblogEntry]:
    """The Liveblog plugin's entries as readers last saw them, in time order:
    each edit applied to the entry it replaces, deleted ones left out."""
    entries: dict[int, LiveblogEntry] = {}
    for comment in comments:
        children = _children(comment)
        if _text(children, "wp:comment_type") != "liveblog":
            continue
        meta = {}
        for entry in children.get("wp:commentmeta", []):
            entry_children = _children(entry)
            meta[_text(entry_children, "wp:meta_key")] = _text(
                entry_children, "wp:meta_value"
            )
        try:
            wp_id = int(_text(children, "wp:comment_id"))
            replaces = int(meta.get("liveblog_replaces") or 0)
        except ValueError:
            continue
        entries[wp_id] = LiveblogEntry(
            wp_id=wp_id,
            author=html.unescape(_text(children, "wp:comment_author")),
            published=_date(
                _text(children, "wp:comment_date_gmt"),
                _text(children, "wp:comment_date"),
                time_zone,
            ),
            content=_raw(children, "wp:comment_content"),
            replaces=replaces,
            is_key_event=meta.get("liveblog_key_entry") == "true",
        )
    shown: dict[int, LiveblogEntry] = {}
    for wp_id in sorted(entries):
        entry = entries[wp_id]
        original = shown.get(entry.replaces)
        if original is None:
            if not entry.replaces and entry.published:
                shown[wp_id] = entry
            continue
        if not entry.content.strip():
            del shown[entry.replaces]
            continue
        original.content = entry.content
        original.is_key_event = entry.is_key_event or original.is_key_event
    return sorted(shown.values(), key=lambda e: (e.published, e.wp_id))


def read_export(
    path,
    time_zone: str = "UTC",
    *,
    max_export_bytes: int | None = None,
    max_post_bytes: int | None = None,
) -> Export:
    """Every item and the site's authors, categories and tags.

    Raises ExportTooLarge, before reading, for a file over `max_export_bytes`;
    a post whose text (body and excerpt) is over `max_post_bytes` is `oversized`.
    """
    try:
        size = os.stat(path).st_size
    except FileNotFoundError:
        raise WxrError(f"{path}: no such file") from None
    if max_export_bytes is not None and size > max_export_bytes:
        raise ExportTooLarge(path, size, max_export_bytes)
    export = Export()
    seen_rss = False
    site_url = ""
    try:
        for event, element in iterparse(str(path), events=("start", "end")):
            name = _local(element.tag)
            if event == "start":
                seen_rss = seen_rss or name == "rss"
                continue
            if name == "item":
                export.items.append(_item(element, time_zone, max_post_bytes))
                element.clear()
            elif name == "wp:author":
                children = _children(element)
                login = _text(children, "wp:author_login")
                export.authors[login] = (
                    html.unescape(_text(children, "wp:author_display_name")) or login
                )
                element.clear()
            elif name == "wp:category":
                children = _children(element)
                slug = _text(children, "wp:category_nicename")
                export.categories[slug] = html.unescape(_text(children, "wp:cat_name"))
            elif name == "wp:tag":
                children = _children(element)
                slug = _text(children, "wp:tag_slug")
                export.tags[slug] = html.unescape(_text(children, "wp:tag_name"))
            elif name == "title" and not export.title:
                export.title = (element.text or "").strip()
            elif name == "wp:base_blog_url":
                export.site = (element.text or "").strip().rstrip("/")
            elif name == "wp:base_site_url":
                site_url = (element.text or "").strip().rstrip("/")
    except FileNotFoundError:
        raise WxrError(f"{path}: no such file") from None
    except Exception as error:  # ParseError, DefusedXmlException, encoding errors
        if isinstance(error, WxrError):
            raise
        raise WxrError(f"{path} is not a readable WordPress export: {error}") from None
    # The blog's address names the site; an export that gives only the
    # WordPress installation's address (wp:base_site_url) is named by that.
    export.site = export.site or site_url
    if not seen_rss or not export.site:
        raise WxrError(
            f"{path} is not a WordPress export (no <rss> with wp:base_blog_url "
            "or wp:base_site_url)."
        )
    return export
