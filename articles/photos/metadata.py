"""What a picture's own metadata says (IPTC, XMP, EXIF), and what we write back.

Pillow reads and writes all of this. Its XMP reader returns loosely shaped
dictionaries, so XMP packets are read here with defusedxml (safe against XML
bombs) and the few fields the newsroom uses are picked out by name.
"""

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from defusedxml import ElementTree as SafeET
from PIL import (
    ExifTags,
    Image,
    IptcImagePlugin,
)

from articles.models import Photo

XMP_NAMESPACES = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
    "xmpRights": "http://ns.adobe.com/xap/1.0/rights/",
    "Iptc4xmpCore": "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/",
}
_IPTC = {
    "by_line": (2, 80),
    "credit": (2, 110),
    "source": (2, 115),
    "copyright": (2, 116),
    "caption": (2, 120),
}


@dataclass(frozen=True)
class FileMetadata:
    """What a picture's own metadata says about it, used to prefill the form."""

    photographer: str = ""
    agency: str = ""
    distributor: str = ""
    caption: str = ""
    copyright_holder: str = ""
    alt_text: str = ""

    @property
    def has_credit(self) -> bool:
        return bool(self.photographer or self.agency or self.distributor)


def _text(value) -> str:
    if isinstance(value, list):
        value = value[0] if value else b""
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            value = value.decode("latin-1")
    return re.sub(r"\s+", " ", str(value or "").replace("\x00", "")).strip()


def _exif_text(value) -> str:
    # Pillow reads EXIF text as Latin-1; cameras and tools write UTF-8 there.
    if isinstance(value, str):
        try:
            value = value.encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    return _text(value)


def _read_iptc(image: Image.Image) -> dict[str, str]:
    try:
        info = IptcImagePlugin.getiptcinfo(image) or {}
    except Exception:  # damaged metadata never stops an upload
        return {}
    return {name: _text(info.get(key, b"")) for name, key in _IPTC.items()}


def _xmp_values(element: ET.Element) -> list[str]:
    items = element.findall(".//rdf:li", XMP_NAMESPACES)
    if items:
        default = [
            li
            for li in items
            if li.get("{http://www.w3.org/XML/1998/namespace}lang") == "x-default"
        ]
        return [_text(li.text) for li in default or items]
    return [_text(element.text)]


def _read_xmp(image: Image.Image) -> dict[str, str]:
    packet = image.info.get("xmp") or image.info.get("XML:com.adobe.xmp")
    if not packet:
        return {}
    try:
        root = SafeET.fromstring(packet)
    except Exception:  # damaged or hostile XML is ignored, never parsed further
        return {}
    wanted = {
        "by_line": "dc:creator",
        "caption": "dc:description",
        "copyright": "dc:rights",
        "credit": "photoshop:Credit",
        "source": "photoshop:Source",
        "alt_text": "Iptc4xmpCore:AltTextAccessibility",
    }
    found: dict[str, str] = {}
    for description in root.iter(f"{{{XMP_NAMESPACES['rdf']}}}Description"):
        for name, qname in wanted.items():
            prefix, local = qname.split(":")
            tag = f"{{{XMP_NAMESPACES[prefix]}}}{local}"
            if found.get(name):
                continue
            if description.get(tag):
                found[name] = _text(description.get(tag))
                continue
            child = description.find(tag)
            if child is not None:
                values = [v for v in _xmp_values(child) if v]
                found[name] = values[0] if values else ""
    return found


def _read_exif(image: Image.Image) -> dict[str, str]:
    try:
        exif = image.getexif()
    except Exception:
        return {}
    return {
        "by_line": _exif_text(exif.get(ExifTags.Base.Artist, "")),
        "copyright": _exif_text(exif.get(ExifTags.Base.Copyright, "")),
        "caption": _exif_text(exif.get(ExifTags.Base.ImageDescription, "")),
    }


def parse_credit(text: str, by_line: str = "") -> tuple[str, str, str]:
    """Split a credit such as "Photo: Feng Fei / Imaginechina via AFP" into
    (photographer, agency, distributor). A single name is taken as the agency,
    unless it is the photographer's own."""
    text = re.sub(r"^\s*(photo(graph)?|picture|credit)\s*:\s*", "", text, flags=re.I)
    maker, _, distributor = text.rpartition(" via ")
    if not maker:
        maker, distributor = distributor, ""
    pieces = [piece.strip() for piece in maker.split("/") if piece.strip()]
    if len(pieces) >= 2:
        return pieces[0], " / ".join(pieces[1:]), distributor.strip()
    single = pieces[0] if pieces else ""
    if single and single.lower() == by_line.lower():
        return single, "", distributor.strip()
    return "", single, distributor.strip()


def _rights_holder(notice: str) -> str:
    notice = re.sub(r"^\s*(©|\(c\)|copyright)\s*", "", notice, flags=re.I)
    notice = re.sub(r"^\d{4}(\s*[-–]\s*\d{4})?\s*", "", notice)
    notice = re.sub(r"[.,;]?\s*all rights reserved\.?\s*$", "", notice, flags=re.I)
    return notice.strip(" .,;")


def read_metadata(image: Image.Image) -> FileMetadata:
    """Credit, caption and copyright from IPTC, else XMP, else EXIF.

    IPTC By-line (or XMP dc:creator, EXIF Artist) gives the photographer; Credit
    gives the agency (and distributor when written "X via Y"); Source, when it
    names someone else, the distributor.
    """
    sources = [_read_iptc(image), _read_xmp(image), _read_exif(image)]

    def first(name: str) -> str:
        return next((s[name] for s in sources if s.get(name)), "")

    by_line = first("by_line")
    photographer, agency, distributor = parse_credit(first("credit"), by_line)
    photographer = by_line or photographer
    source = first("source")
    known = {part.lower() for part in (photographer, agency, distributor) if part}
    if source and source.lower() not in known:
        if not agency:
            agency = source
        elif not distributor:
            distributor = source
    return FileMetadata(
        photographer=photographer[:120],
        agency=agency[:120],
        distributor=distributor[:120],
        caption=first("caption"),
        copyright_holder=_rights_holder(first("copyright"))[:120],
        alt_text=first("alt_text")[:250],
    )


def embedded_metadata(photo: Photo) -> dict[str, str]:
    """The credit and copyright written into each rendition of `photo`."""
    credit = photo.credit if photo.credit_id else None
    holder = photo.rights_holder
    return {
        "artist": credit.creator if credit else "",
        "credit": photo.credit_line,
        "source": credit.distributor if credit else "",
        "copyright": f"© {holder}" if holder else "",
    }


def exif_bytes(meta: dict[str, str]) -> bytes:
    exif = Image.Exif()
    # UTF-8 in EXIF text fields, as exiftool and cameras write it; XMP below is
    # the standard home for non-ASCII names.
    if meta["artist"]:
        exif[ExifTags.Base.Artist] = meta["artist"].encode()
    if meta["copyright"]:
        exif[ExifTags.Base.Copyright] = meta["copyright"].encode()
    return exif.tobytes()


def xmp_bytes(meta: dict[str, str]) -> bytes:
    ns = XMP_NAMESPACES
    rdf = f"{{{ns['rdf']}}}"
    root = ET.Element(f"{{{ns['x']}}}xmpmeta")
    description = ET.SubElement(
        ET.SubElement(root, f"{rdf}RDF"), f"{rdf}Description", {f"{rdf}about": ""}
    )

    def container(tag: str, kind: str, value: str, lang: bool = False):
        holder = ET.SubElement(description, tag)
        item = ET.SubElement(ET.SubElement(holder, f"{rdf}{kind}"), f"{rdf}li")
        if lang:
            item.set("{http://www.w3.org/XML/1998/namespace}lang", "x-default")
        item.text = value

    if meta["artist"]:
        container(f"{{{ns['dc']}}}creator", "Seq", meta["artist"])
    if meta["copyright"]:
        container(f"{{{ns['dc']}}}rights", "Alt", meta["copyright"], lang=True)
        ET.SubElement(description, f"{{{ns['xmpRights']}}}Marked").text = "True"
    if meta["credit"]:
        ET.SubElement(description, f"{{{ns['photoshop']}}}Credit").text = meta["credit"]
    if meta["source"]:
        ET.SubElement(description, f"{{{ns['photoshop']}}}Source").text = meta["source"]
    for prefix, uri in ns.items():
        ET.register_namespace(prefix, uri)
    body = ET.tostring(root, encoding="unicode")
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        + body
        + '<?xpacket end="w"?>'
    ).encode()


# Renditions -----------------------------------------------------------------
