"""Django's RSS 2.0 and Atom writers, with what news readers' apps look for.

Each entry also carries one author element per byline, the full body
(`content:encoded` in RSS, `content` in Atom) and the hero picture as Media RSS
`media:content` with its caption and credit (plus an RSS `enclosure`).
"""

from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, rfc3339_date
from django.utils.xmlutils import SimplerXMLGenerator

MEDIA_NS = "http://search.yahoo.com/mrss/"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"


def _media(handler, media: dict | None) -> None:
    if not media:
        return
    handler.startElement(
        "media:content",
        {
            "url": media["url"],
            "type": "image/jpeg",
            "medium": "image",
            "width": str(media["width"]),
            "height": str(media["height"]),
            "fileSize": str(media["bytes"]),
        },
    )
    if media["caption"]:
        handler.addQuickElement(
            "media:description", media["caption"], {"type": "plain"}
        )
    if media["credit"]:
        handler.addQuickElement("media:credit", media["credit"])
    if media["alt_text"]:
        handler.addQuickElement("media:text", media["alt_text"], {"type": "plain"})
    handler.endElement("media:content")


# Served as plain XML: feed readers read it all the same, and a browser then
# applies the feed's stylesheet (feed.xsl) instead of showing the raw markup.
XML = "application/xml; charset=utf-8"


class NewsRssFeed(Rss201rev2Feed):
    content_type = XML

    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:media": MEDIA_NS,
            "xmlns:content": CONTENT_NS,
            "xmlns:dc": DC_NS,
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item["updateddate"] is not None:
            # RSS 2.0 has no element of its own for this; Atom's is understood.
            handler.addQuickElement("atom:updated", rfc3339_date(item["updateddate"]))
        for name in item.get("byline", []):
            handler.addQuickElement("dc:creator", name)
        if item.get("content_html"):
            handler.addQuickElement("content:encoded", item["content_html"])
        _media(handler, item.get("media"))


class NewsAtomFeed(Atom1Feed):
    content_type = XML

    def write(self, outfile, encoding):
        # Atom1Feed.write leaves out the stylesheets that RSS writes.
        handler = SimplerXMLGenerator(outfile, encoding, short_empty_elements=True)
        handler.startDocument()
        for stylesheet in self.feed["stylesheets"] or []:
            handler.processingInstruction("xml-stylesheet", stylesheet)
        handler.startElement("feed", self.root_attributes())
        self.add_root_elements(handler)
        self.write_items(handler)
        handler.endElement("feed")

    def root_attributes(self):
        return {**super().root_attributes(), "xmlns:media": MEDIA_NS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name in item.get("byline", []):
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            handler.endElement("author")
        if item.get("content_html"):
            handler.addQuickElement("content", item["content_html"], {"type": "html"})
        _media(handler, item.get("media"))
