"""A WordPress post's HTML as a Newsroom body.

WordPress stores three kinds of markup in a post: block-editor HTML wrapped in
`<!-- wp:… -->` comments, classic-editor text whose paragraphs are blank lines
(WordPress adds the `<p>`s when it shows the post), and shortcodes such as
`[caption]` and `[gallery]` that it expands when it shows the post. Here the
comments go, classic text gets its paragraphs, shortcodes become what they
showed (a photo from the library, a link to the media), each `<img>` becomes a
library photo if its file was imported (and is dropped, and counted, if not),
and finally the body goes through the same allow-list as everything else.

Every step takes time in proportion to the text, whatever it holds: patterns
never scan past the next tag for a tag they did not finish, and nested
shortcodes and figures are matched with a stack, to a fixed depth, instead of
searching the text again for each level.
"""

import html
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from articles.sanitize import sanitize_html

# Shortcodes WordPress and its common plugins register; any other [word] is text.
MEDIA_SHORTCODES = {"audio", "video", "embed", "playlist", "youtube", "vimeo"}
WRAPPER_SHORTCODES = {
    "caption",
    "wp_caption",
    "gallery",
    "code",
    "sourcecode",
    "source",
    "archives",
    "contact-form",
    "contact-field",
    "googlemaps",
    "gist",
    "tweet",
    "twitter",
    "instagram",
    "soundcloud",
    "slideshow",
    "polldaddy",
    "wpvideo",
    *MEDIA_SHORTCODES,
}
_BLOCK_LINE = re.compile(
    r"^\s*(</?(p|div|h[1-6]|ul|ol|li|blockquote|pre|table|thead|tbody|tfoot|tr|td|"
    r"th|figure|figcaption|hr|dl|dt|dd|address|section|form|iframe|video|audio|"
    r"source)\b|\[/?(caption|gallery|audio|video|embed)\b)",
    re.I,
)
# Each name is matched from its first character only, so a long run of word
# characters is read once, not once per character.
_ATTRIBUTE = re.compile(
    r'(?<![\w-])([\w-]+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\'|([^\s\]]+))'
)
_URL = re.compile(r"https?://[^\s\"'<>\]]+")
# A tag's attributes end at the next "<" or ">": an unfinished tag costs the
# text up to the next tag, never the rest of the body.
_IMG = re.compile(r"<img\b[^<>]*>", re.I)
_FIGURE_TAG = re.compile(r"<(/?)figure\b[^<>]*>", re.I)
_FIGCAPTION = re.compile(r"<figcaption\b[^<>]*>(.*?)</figcaption>", re.I | re.S)
_SHORTCODE_TAG = re.compile(
    r"\[(/?)(" + "|".join(re.escape(name) for name in WRAPPER_SHORTCODES) + r")"
    r"(?=[\s/\]])([^\[\]]*)\]",
    re.I,
)
# Shortcodes and figures nested deeper than this are taken as standing alone.
MAX_NESTING = 4
_PLACEHOLDER = re.compile(r"\[\[photo:(\d+)\]\]")
DROPPED = "[[dropped]]"

PhotoLookup = Callable[[str, int | None], int | None]


@dataclass
class Converted:
    body: str
    photos: list[int]
    dropped_images: int


def _attributes(text: str) -> dict[str, str]:
    return {
        m[1].lower(): next(v for v in m.groups()[1:] if v is not None)
        for m in _ATTRIBUTE.finditer(text)
    }


def autop(text: str) -> str:
    """Paragraphs for classic-editor text, as WordPress's wpautop makes them:
    a blank line ends a paragraph, a single line break is a <br>, and lines of
    block-level HTML are left as they are."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    out: list[str] = []
    for chunk in re.split(r"\n\s*\n", text):
        lines: list[str] = []
        for line in chunk.split("\n"):
            if _BLOCK_LINE.match(line):
                if lines:
                    out.append("<p>" + "<br>\n".join(lines) + "</p>")
                    lines = []
                out.append(line)
            elif line.strip():
                lines.append(line.strip())
        if lines:
            out.append("<p>" + "<br>\n".join(lines) + "</p>")
    return "\n".join(out)


class BodyConverter:
    """Converts the bodies of one export; `photo_of(url, wp_id)` finds photos."""

    def __init__(self, photo_of: PhotoLookup, gallery_of: Callable[[int], list[int]]):
        self.photo_of = photo_of
        self.gallery_of = gallery_of

    def convert(self, raw: str, post_id: int) -> Converted:
        self.dropped = 0
        text = raw or ""
        if "<!-- wp:" not in text:
            text = autop(text)
        text = self._shortcodes(text, post_id)
        text = _IMG.sub(self._image, text)
        text = re.sub(
            r"<a\b[^<>]*>\s*((?:\[\[photo:\d+\]\]|\[\[dropped\]\])\s*)+</a>",
            lambda m: " ".join(re.findall(r"\[\[(?:photo:\d+|dropped)\]\]", m[0])),
            text,
        )
        text = self._figures(text)
        text = self._blocks(text)
        text = text.replace(DROPPED, "")
        photos = [int(pk) for pk in _PLACEHOLDER.findall(text)]
        text = _PLACEHOLDER.sub(r'<figure data-photo="\1"></figure>', text)
        body = re.sub(r"<p>(\s|<br>|&nbsp;)*</p>", "", sanitize_html(text))
        return Converted(body.strip(), photos, self.dropped)

    # Shortcodes -------------------------------------------------------------------

    def _shortcodes(self, text: str, post_id: int) -> str:
        """Each shortcode as what it showed; the innermost are done first (their
        result is what encloses them sees) and one left open stands alone."""
        out: list[str] = []
        opened: list[tuple[int, str, str]] = []  # (place in `out`, name, attributes)
        open_names: Counter = Counter()
        position = 0
        for tag in _SHORTCODE_TAG.finditer(text):
            out.append(text[position : tag.start()])
            position = tag.end()
            closing, name, attributes = tag[1], tag[2].lower(), tag[3]
            if closing and not open_names[name]:
                out.append(tag[0])  # closes nothing: WordPress shows it as text
            elif closing:
                while True:
                    place, open_name, open_attributes = opened.pop()
                    open_names[open_name] -= 1
                    if open_name == name:
                        break
                    out[place] = self._shortcode(
                        open_name, open_attributes, post_id, ""
                    )
                inner = "".join(out[place + 1 :])
                del out[place:]
                out.append(self._shortcode(name, open_attributes, post_id, inner))
            elif len(opened) >= MAX_NESTING:
                out.append(self._shortcode(name, attributes, post_id, ""))
            else:
                opened.append((len(out), name, attributes))
                open_names[name] += 1
                out.append("")
        out.append(text[position:])
        for place, name, attributes in opened:
            out[place] = self._shortcode(name, attributes, post_id, "")
        return "".join(out)

    def _shortcode(
        self, name: str, attribute_text: str, post_id: int, inner: str
    ) -> str:
        attributes = _attributes(attribute_text)
        if name == "gallery":
            ids = [int(i) for i in re.findall(r"\d+", attributes.get("ids", ""))]
            ids = ids or self.gallery_of(post_id)
            found = [self.photo_of("", wp_id) for wp_id in ids]
            self.dropped += sum(1 for pk in found if pk is None)
            return "".join(f"[[photo:{pk}]]" for pk in found if pk)
        if name in {"caption", "wp_caption"}:
            images = _IMG.findall(inner)
            if not images:
                return ""
            return "".join(
                self._image(re.match(r".*", image, re.S)) for image in images
            )
        if name in MEDIA_SHORTCODES:
            bare = attribute_text.strip(" /")
            url = next(
                (
                    attributes[key]
                    for key in ("src", "url", "mp3", "mp4", "m4a", "ogg", "webm")
                    if key in attributes
                ),
                None,
            )
            found = _URL.search(url or inner or bare)
            if not found:
                return ""
            return (
                f'<p><a href="{html.escape(found[0])}">{html.escape(found[0])}</a></p>'
            )
        return inner

    # Images and figures -------------------------------------------------------------

    def _image(self, match: re.Match) -> str:
        return self._image_tag(match[0])

    def _image_tag(self, tag: str) -> str:
        attributes = _attributes(tag[4:])
        wp_id = re.search(r"wp-image-(\d+)", attributes.get("class", ""))
        pk = self.photo_of(
            html.unescape(attributes.get("src", "")), int(wp_id[1]) if wp_id else None
        )
        if pk is None:
            self.dropped += 1
            return DROPPED
        return f"[[photo:{pk}]]"

    def _figures(self, text: str) -> str:
        """Each figure, innermost first, as what it should show (`_figure`)."""
        out: list[str] = []
        opened: list[tuple[int, str]] = []  # (place in `out`, the tag as written)
        too_deep = 0
        position = 0
        for tag in _FIGURE_TAG.finditer(text):
            out.append(text[position : tag.start()])
            position = tag.end()
            if not tag[1]:
                if len(opened) >= MAX_NESTING:
                    too_deep += 1  # dropped, with the tag that closes it
                else:
                    opened.append((len(out), tag[0]))
                    out.append("")
            elif too_deep:
                too_deep -= 1
            elif opened:
                place, _ = opened.pop()
                inner = "".join(out[place + 1 :])
                del out[place:]
                out.append(self._figure(inner))
            else:
                out.append(tag[0])
        out.append(text[position:])
        for place, written in opened:
            out[place] = written
        return "".join(out)

    def _figure(self, inner: str) -> str:
        captions = _FIGCAPTION.findall(inner)
        rest = _FIGCAPTION.sub("", inner)
        if _PLACEHOLDER.search(rest):
            return rest  # the library photo shows its own caption and credit
        if DROPPED in rest:
            return ""  # a caption without its picture would say nothing
        return rest + "".join(f"<p>{caption}</p>" for caption in captions)

    @staticmethod
    def _blocks(text: str) -> str:
        """Structure the allow-list has no tag for, in tags it has."""
        text = re.sub(r"<(/?)h1\b[^<>]*>", r"<\1h2>", text, flags=re.I)
        text = re.sub(r"<(/?)h[56]\b[^<>]*>", r"<\1h4>", text, flags=re.I)
        text = re.sub(r"</t[dh]>\s*<t[dh]\b[^<>]*>", " · ", text, flags=re.I)
        text = re.sub(r"<tr\b[^<>]*>", "<p>", text, flags=re.I)
        text = re.sub(r"</tr>", "</p>", text, flags=re.I)
        text = re.sub(r"<dt\b[^<>]*>", "<p><strong>", text, flags=re.I)
        text = re.sub(r"</dt>", "</strong></p>", text, flags=re.I)
        text = re.sub(r"<dd\b[^<>]*>", "<p>", text, flags=re.I)
        text = re.sub(r"</dd>", "</p>", text, flags=re.I)
        # An embed's address alone on its line becomes a link to it. Spaces are
        # matched within the line, so a run of blank lines is read once.
        return re.sub(
            r"(?m)^[^\S\n]*(https?://[^\s<>\"]+)[^\S\n]*$",
            lambda m: f'<p><a href="{m[1]}">{m[1]}</a></p>',
            text,
        )
