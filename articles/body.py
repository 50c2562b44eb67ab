"""The article body: what the rich-text editor offers, and how inline photos render.

The editor is django-prose-editor (ProseMirror/Tiptap, assets shipped in the package,
no build step). Its toolbar offers what the sanitiser keeps (articles/sanitize.py),
so editing an article never silently drops formatting, and the sanitiser stays the
authority on what is stored. Photos from the library are stored as
`<figure data-photo="12" data-caption="…" data-alt="…"></figure>`: the caption and
alt text belong to this use of the picture, filled in from the library's when it
is placed, so that editing the library never changes a published story. A body
saved before that carries only the number and shows the library's text. They are
rendered here, in one query for the whole body.
"""

import html as html_lib
import re
from typing import NamedTuple

from django.template.loader import get_template
from django.urls import reverse_lazy
from django.utils.safestring import SafeString, mark_safe
from django_prose_editor.widgets import AdminProseEditorWidget

from articles.models import Photo
from articles.photos.renditions import smallest_url
from articles.sanitize import photo_figure

PHOTO_FIGURE_TEMPLATE = "articles/includes/photo_figure.html"

# The sanitiser writes every photo reference in exactly this form.
PHOTO_FIGURE = re.compile(
    r'<figure data-photo="([0-9]+)"'
    r'(?: data-caption="([^"]*)")?(?: data-alt="([^"]*)")?></figure>'
)

EDITOR_EXTENSIONS = {
    "Heading": {"levels": [2, 3, 4]},
    "Bold": True,
    "Italic": True,
    "Underline": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    "Code": True,
    "CodeBlock": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "HardBreak": True,
    "ArticleBody": True,
    "PhotoEmbed": {"libraryUrl": reverse_lazy("admin:articles_article_photos")},
}


def editor_widget() -> AdminProseEditorWidget:
    return AdminProseEditorWidget(
        config={"extensions": EDITOR_EXTENSIONS}, preset="configurable"
    )


class InlinePhoto(NamedTuple):
    """One placement of a library photo in a body. A caption or alt text of None
    was never set for this use (an older body): the library's is shown."""

    photo_id: int
    caption: str | None
    alt_text: str | None

    @classmethod
    def from_match(cls, match: re.Match) -> "InlinePhoto":
        caption, alt_text = (
            None if value is None else html_lib.unescape(value)
            for value in (match[2], match[3])
        )
        return cls(int(match[1]), caption, alt_text)

    def caption_for(self, photo: Photo) -> str:
        return photo.caption if self.caption is None else self.caption

    def alt_text_for(self, photo: Photo) -> str:
        return photo.alt_text if self.alt_text is None else self.alt_text


def inline_photos(html: str) -> list[InlinePhoto]:
    """The library photos placed in a (sanitised) body, in order."""
    return [InlinePhoto.from_match(m) for m in PHOTO_FIGURE.finditer(html or "")]


def photo_ids(html: str) -> list[int]:
    """The ids of the library photos placed in a (sanitised) body, in order."""
    return [use.photo_id for use in inline_photos(html)]


def with_library_text(html: str) -> str:
    """The body with each photo's caption and alt text written into its figure
    where the body has none yet, so that later library edits leave it alone."""
    uses = inline_photos(html)
    missing = {u.photo_id for u in uses if u.caption is None or u.alt_text is None}
    if not missing:
        return html
    photos = Photo.objects.in_bulk(missing)

    def figure(match: re.Match) -> str:
        use = InlinePhoto.from_match(match)
        photo = photos.get(use.photo_id)
        if photo is None:
            return match[0]
        return photo_figure(
            use.photo_id, use.caption_for(photo), use.alt_text_for(photo)
        )

    return PHOTO_FIGURE.sub(figure, html)


def render_photo(
    photo: Photo, caption: str | None = None, alt_text: str | None = None
) -> SafeString:
    """One photo as the page shows it, with this use's caption and alt text
    (the library's where None)."""
    return get_template(PHOTO_FIGURE_TEMPLATE).render(
        _figure_context(photo, InlinePhoto(photo.pk, caption, alt_text))
    )


def _figure_context(photo: Photo, use: InlinePhoto) -> dict:
    return {
        "photo": photo,
        "caption": use.caption_for(photo),
        "alt_text": use.alt_text_for(photo),
    }


def editor_photo(photo: Photo) -> dict:
    """A library photo as the body editor's photo button and figures need it.

    The thumbnail is the smallest rendition, never the original; `figure` is the
    page's HTML with the library's text, which the editor replaces with the
    caption and alt text of each use.
    """
    return {
        "id": photo.pk,
        "thumbnail": smallest_url(photo),
        "caption": photo.caption,
        "alt": photo.alt_text,
        "credit": photo.credit_line,
        "figure": render_photo(photo),
    }


def render_body(html: str, *, photos: dict[int, Photo] | None = None) -> SafeString:
    """The body as readers see it: each photo reference becomes the photo.

    All photos come from one query however many there are; a reference to a photo
    that has left the library, whose licence has ended or that has no renditions
    renders as nothing. `photos` are the photos already read, by id.
    """
    ids = photo_ids(html)
    if not ids:
        return mark_safe(html)
    if photos is None:
        photos = Photo.objects.select_related("credit").in_bulk(ids)
    template = get_template(PHOTO_FIGURE_TEMPLATE)

    def figure(match: re.Match) -> str:
        use = InlinePhoto.from_match(match)
        photo = photos.get(use.photo_id)
        if photo is None or not photo.is_shown_to_readers:
            return ""
        return template.render(_figure_context(photo, use))

    return mark_safe(PHOTO_FIGURE.sub(figure, html))
