"""The allow-list for article bodies: what an editor or an import may put on a page.

Whatever the browser or an import sends, only this survives. A photo from the
library is kept as a reference, in exactly one form: `<figure data-photo="12"></figure>`
(the id of a Photo, nothing inside), which the article page replaces with the photo,
its caption and credit (see articles/body.py).
"""

import re
from html.parser import HTMLParser

import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "h2",
    "h3",
    "h4",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "s",
    "sub",
    "sup",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "cite",
    "q",
    "abbr",
    "code",
    "pre",
    "hr",
    "figure",
    "figcaption",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "ol": {"start"},
    "figure": {"data-photo"},
}
URL_SCHEMES = {"http", "https", "mailto"}

PHOTO_ID = re.compile(r"[1-9][0-9]{0,17}")


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "data-photo":
        value = value.strip()
        return value if PHOTO_ID.fullmatch(value) else None
    return value if value.strip() else None


_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    attribute_filter=_keep_attribute,
    url_schemes=URL_SCHEMES,
    link_rel="noopener noreferrer",
    strip_comments=True,
)


def sanitize_html(html: str) -> str:
    """Strip everything outside the allow-list; scripts and event handlers go."""
    if not html:
        return ""
    cleaned = _cleaner.clean(html).strip()
    if "data-photo" in cleaned:
        cleaned = _empty_photo_figures(cleaned)
    return cleaned


class _PhotoFigureEmptier(HTMLParser):
    """Re-emits clean HTML with nothing inside `<figure data-photo>` elements.

    The photo's image, caption and credit come from the library when the page is
    rendered, so anything sent inside the figure is dropped. The input is nh3's
    output (well-formed, attributes quoted), which the standard library parser
    reads exactly; a full HTML tree library would add a dependency for this one
    pass.
    """

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.parts: list[str] = []
        self.inside = 0  # figure depth within a photo figure

    def handle_starttag(self, tag, attrs):
        if self.inside:
            if tag == "figure":
                self.inside += 1
            return
        if tag == "figure" and dict(attrs).get("data-photo"):
            self.parts.append(f'<figure data-photo="{dict(attrs)["data-photo"]}">')
            self.inside = 1
        else:
            self.parts.append(self.get_starttag_text())

    def handle_startendtag(self, tag, attrs):
        if not self.inside:
            self.parts.append(self.get_starttag_text())

    def handle_endtag(self, tag):
        if self.inside:
            if tag == "figure":
                self.inside -= 1
                if not self.inside:
                    self.parts.append("</figure>")
            return
        self.parts.append(f"</{tag}>")

    def handle_data(self, data):
        if not self.inside:
            self.parts.append(data)

    def handle_entityref(self, name):
        if not self.inside:
            self.parts.append(f"&{name};")

    def handle_charref(self, name):
        if not self.inside:
            self.parts.append(f"&#{name};")


def _empty_photo_figures(html: str) -> str:
    parser = _PhotoFigureEmptier()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)
