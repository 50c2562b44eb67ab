"""The allow-list for article bodies: what an editor or an import may put on a page.

Whatever the browser or an import sends, only this survives. A photo from the
library is kept as a reference, in exactly one form:
`<figure data-photo="12" data-caption="…" data-alt="…"></figure>` (the id of a
Photo and this story's caption and alt text for it, each optional, nothing inside),
which the article page replaces with the photo, its caption and credit (see
articles/body.py).
"""

import re
from collections import Counter
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
    "figure": {"data-photo", "data-caption", "data-alt"},
}
# This use of the photo's caption and alt text, in the order they are written.
PHOTO_TEXT_ATTRIBUTES = ("data-caption", "data-alt")
URL_SCHEMES = {"http", "https", "mailto"}

PHOTO_ID = re.compile(r"[1-9][0-9]{0,17}")


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "data-photo":
        value = value.strip()
        return value if PHOTO_ID.fullmatch(value) else None
    if attribute in PHOTO_TEXT_ATTRIBUTES:
        return value  # even empty: this story chose to print no caption
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
    cleaned = _cleaner.clean(_cap_nesting(html)).strip()
    if "<figure" in cleaned:
        cleaned = _empty_photo_figures(cleaned)
    return cleaned


def photo_figure(photo_id, caption: str | None, alt_text: str | None) -> str:
    """A photo reference as stored; None leaves the text to the library's."""
    html = f'<figure data-photo="{photo_id}"'
    for attribute, value in zip(
        PHOTO_TEXT_ATTRIBUTES, (caption, alt_text), strict=True
    ):
        if value is not None:
            html += f' {attribute}="{escape_attribute(value)}"'
    return html + "></figure>"


def escape_attribute(value: str) -> str:
    """Escape as nh3 and browsers do, so that a clean body stays unchanged."""
    return (
        value.replace("&", "&amp;")
        .replace('"', "&quot;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
    )


class _PhotoFigureEmptier(HTMLParser):
    """Re-emits clean HTML with nothing inside `<figure data-photo>` elements.

    The photo's image and credit come from the library when the page is
    rendered, its caption and alt text from the figure's attributes, so anything
    sent inside the figure is dropped. The input is nh3's
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
        attributes = dict(attrs)
        if tag == "figure" and attributes.get("data-photo"):
            figure = photo_figure(
                attributes["data-photo"],
                *(attributes.get(name) for name in PHOTO_TEXT_ATTRIBUTES),
            )
            self.parts.append(figure.removesuffix("</figure>"))
            self.inside = 1
        elif tag == "figure":
            self.parts.append("<figure>")  # a photo's text without the photo goes
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


# The HTML parser under nh3 spends time in proportion to the depth of the open
# elements on each new one, so a body of thousands of unclosed <div>s would take
# minutes to clean. Start tags deeper than this are dropped (their text stays)
# before cleaning; no article comes near it, and nh3 still decides what is kept.
MAX_NESTING = 256
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^<>]*>")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta"}
_VOID |= {"param", "source", "track", "wbr"}
# Elements a new one of these closes, as browsers do (`<li>a<li>b`).
_CLOSES = {
    "li": {"li"},
    "p": {"p"},
    "dt": {"dt", "dd"},
    "dd": {"dt", "dd"},
    "tr": {"tr", "td", "th"},
    "td": {"td", "th"},
    "th": {"td", "th"},
    "option": {"option"},
}


def _cap_nesting(html: str) -> str:
    if html.count("<") <= MAX_NESTING:
        return html
    out: list[str] = []
    opened: list[str] = []
    dropped: Counter = Counter()
    position = 0
    for tag in _TAG.finditer(html):
        closing, name = tag[1], tag[2].lower()
        if name in _VOID:
            continue
        keep = True
        if closing and dropped[name]:
            dropped[name] -= 1
            keep = False
        elif closing:
            if name in opened:  # at most MAX_NESTING long
                while opened.pop() != name:
                    pass
        else:
            while opened and opened[-1] in _CLOSES.get(name, ()):
                opened.pop()
            if len(opened) >= MAX_NESTING:
                dropped[name] += 1
                keep = False
            else:
                opened.append(name)
        if not keep:
            out.append(html[position : tag.start()])
            position = tag.end()
    if not out:
        return html
    out.append(html[position:])
    return "".join(out)
