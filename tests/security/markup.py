"""What counts as active markup in a response, judged against a harmless baseline.

A page with hostile text may contain no more script, embedded content, styles or
form controls than the same page with harmless text, and nowhere an event-handler
attribute or a javascript:/vbscript:/data: URL. Two views of each page: Python's
HTML tokenizer (what a browser builds) and the raw text (anything that looks like
a tag at all), so a quirk of one parser cannot hide a tag from both.
"""

import json
import re
from collections import Counter
from html.parser import HTMLParser

from defusedxml import ElementTree

ACTIVE_TAGS = {
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "base",
    "svg", "math", "style", "link", "meta", "form", "input", "textarea", "button",
    "select", "template", "noscript", "video", "audio", "source", "img", "picture",
    "details", "marquee", "listing", "xmp", "plaintext", "title", "body", "html",
    "head", "animate", "use", "mglyph", "isindex", "portal",
}  # fmt: skip
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "xlink:href", "data", "poster",
    "background", "srcset", "cite", "longdesc", "usemap", "manifest", "codebase",
    "dynsrc", "lowsrc", "ping", "content",
}  # fmt: skip
BAD_SCHEMES = ("javascript:", "vbscript:", "data:")
RAW_TAG = re.compile(r"<\s*/?\s*([a-zA-Z][a-zA-Z0-9:-]*)")
# A tag whose attributes (quoted values skipped whole) include an on...= one.
RAW_HANDLER = re.compile(
    r"""<[a-z][^\s/>]*(?:[\s/]+[^\s"'=/>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>"']*))?)*?"""
    r"""[\s/]+on[a-z]+\s*=""",
    re.I,
)
DATA_BLOCKS = {"application/ld+json", "application/json", "importmap"}


class Scanner(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.signals = Counter()
        self.violations = []
        self._script_type = None
        self._script_text = []

    def handle_starttag(self, tag, attrs):
        if tag in ACTIVE_TAGS:
            self.signals[f"<{tag}>"] += 1
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.violations.append(f"event handler {name}= on <{tag}>")
            squeezed = re.sub(r"[\x00-\x20]", "", value).lower()
            if name in URL_ATTRIBUTES and squeezed.startswith(BAD_SCHEMES):
                if not (tag == "meta" and name == "content"):
                    self.violations.append(f"{name}={value!r} on <{tag}>")
            if name == "style":
                self.signals["style="] += 1
                if any(bad in squeezed for bad in ("expression(", "javascript:")):
                    self.violations.append(f"style={value!r} on <{tag}>")
        if tag == "meta" and (dict(attrs).get("http-equiv") or "").lower() == "refresh":
            self.violations.append(f"refresh: {dict(attrs).get('content')!r}")
        if tag == "script":
            self._script_type = dict(attrs).get("type") or ""
            self._script_text = []
            src = dict(attrs).get("src")
            if src is not None:
                self.signals[f"script src={src}"] += 1

    def handle_data(self, data):
        if self._script_type is not None:
            self._script_text.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script_type is not None:
            text = "".join(self._script_text)
            if text.strip():
                if self._script_type not in DATA_BLOCKS:
                    self.violations.append(f"inline script {text[:80]!r}")
                else:
                    try:
                        json.loads(text)
                    except ValueError:
                        self.violations.append(f"data block not JSON: {text[:80]!r}")
                    if "<" in text:
                        self.violations.append("data block with a raw '<'")
            self._script_type = None


def scan_html(html: str) -> tuple[Counter, list[str]]:
    scanner = Scanner()
    scanner.feed(html)
    scanner.close()
    signals = scanner.signals
    for name in RAW_TAG.findall(html):
        if name.lower() in ACTIVE_TAGS:
            signals[f"raw <{name.lower()}"] += 1
    signals["raw handler"] += len(RAW_HANDLER.findall(html))
    return signals, scanner.violations


def scan_response(response) -> tuple[Counter, list[str]]:
    kind = response.get("Content-Type", "")
    text = response.content.decode()
    if "json" in kind:
        return scan_json(json.loads(text))
    if "xml" in kind:
        return scan_xml(text)
    if "html" in kind:
        return scan_html(text)
    return Counter(), []  # plain text (robots.txt) is never rendered as markup


# Of the admin's JSON (the photo library), what the editor puts in the page as
# HTML, and what it uses as a URL; the rest it sets as text.
JSON_HTML_KEYS = {"figure"}
JSON_URL_KEYS = {"thumbnail", "url"}


def scan_json(data) -> tuple[Counter, list[str]]:
    signals, violations = Counter(), []
    for key, value in keyed_strings(data):
        if key in JSON_HTML_KEYS:
            found, bad = scan_html(value)
            signals += found
            violations += bad
        elif key in JSON_URL_KEYS:
            if re.sub(r"[\x00-\x20]", "", value).lower().startswith(BAD_SCHEMES):
                violations.append(f"{key}: {value!r}")
    return signals, violations


def scan_xml(text: str) -> tuple[Counter, list[str]]:
    """Feeds and sitemaps: well-formed, and any HTML they carry is inert."""
    root = ElementTree.fromstring(text.encode())
    signals, violations = Counter(), []
    for element in root.iter():
        name = element.tag.rsplit("}", 1)[-1]
        if name in {"description", "encoded", "summary", "content"} and element.text:
            found, bad = scan_html(element.text)
            signals += found
            violations += bad
        if name in {"loc", "link"} and element.text:
            if not element.text.strip().startswith(("http://", "https://")):
                violations.append(f"<{name}> {element.text!r}")
    return signals, violations


def keyed_strings(data, key=None):
    if isinstance(data, str):
        yield key, data
    elif isinstance(data, dict):
        for name, value in data.items():
            yield from keyed_strings(value, name)
    elif isinstance(data, list):
        for value in data:
            yield from keyed_strings(value, key)


def more_than(signals: Counter, baseline: Counter) -> dict:
    return {
        key: (count, baseline.get(key, 0))
        for key, count in signals.items()
        if count > baseline.get(key, 0)
    }
