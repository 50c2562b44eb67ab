"""The article body: what the rich-text editor offers, and how inline photos render.

The editor is django-prose-editor (ProseMirror/Tiptap, assets shipped in the package,
no build step). Its toolbar offers what the sanitiser keeps (articles/sanitize.py),
so editing an article never silently drops formatting, and the sanitiser stays the
authority on what is stored. Photos from the library are stored as
`<figure data-photo="12"></figure>` and rendered here, in one query for the whole body.
"""

import re

from django.template.loader import get_template
from django.urls import reverse_lazy
from django.utils.safestring import SafeString, mark_safe
from django_prose_editor.widgets import AdminProseEditorWidget

from articles.models import Photo

PHOTO_FIGURE_TEMPLATE = "articles/includes/photo_figure.html"

# The sanitiser writes every photo reference in exactly this form.
PHOTO_FIGURE = re.compile(r'<figure data-photo="([0-9]+)"></figure>')

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


def photo_ids(html: str) -> list[int]:
    """The ids of the library photos placed in a (sanitised) body, in order."""
    return [int(photo_id) for photo_id in PHOTO_FIGURE.findall(html or "")]


def render_photo(photo: Photo) -> SafeString:
    return get_template(PHOTO_FIGURE_TEMPLATE).render({"photo": photo})


def render_body(html: str) -> SafeString:
    """The body as readers see it: each photo reference becomes the photo.

    All photos come from one query however many there are; a reference to a photo
    that has left the library, or whose licence has ended, renders as nothing.
    """
    ids = photo_ids(html)
    if not ids:
        return mark_safe(html)
    photos = Photo.objects.select_related("credit").in_bulk(ids)
    template = get_template(PHOTO_FIGURE_TEMPLATE)

    def figure(match: re.Match) -> str:
        photo = photos.get(int(match[1]))
        if photo is None or not photo.is_shown_to_readers:
            return ""
        return template.render({"photo": photo})

    return mark_safe(PHOTO_FIGURE.sub(figure, html))
