"""What is searched for, from whatever a reader typed."""

import re
import unicodedata

MAX_LENGTH = 200
MAX_WORDS = 16
WORD = re.compile(r"\w+")
# Unicode category Cc: the C0 and C1 control characters and DEL.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def clean_query(text: str) -> str:
    """The query as it is echoed and searched: control and format characters
    dropped (not turned into spaces or words), spaces squashed, at most
    MAX_LENGTH characters."""
    kept = "".join(
        " " if char.isspace() else char
        for char in text[: MAX_LENGTH * 4]
        if char.isspace() or not unicodedata.category(char).startswith("C")
    )
    return " ".join(kept.split())[:MAX_LENGTH].strip()


def words(query: str) -> list[str]:
    """The words of a cleaned query, for engines that take words, not syntax."""
    return WORD.findall(query.lower())[:MAX_WORDS]


def plain(text: str) -> str:
    """Text fit for the index: no control characters (the snippet markers)."""
    return CONTROL.sub(" ", text or "")
