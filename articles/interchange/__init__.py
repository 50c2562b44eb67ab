"""JSON import and export of articles (format documented in docs/interchange.md).

Import is idempotent by slug and all-or-nothing per file: every article is
checked before anything is written, each is written through the workflow
(`workflow.import_article`, so the publishing rules apply and the import is
recorded), and a failure while writing rolls the database back and removes the
files it stored.
"""

from articles.interchange.exporting import export_articles
from articles.interchange.importing import ImportResult, import_articles
from articles.interchange.reading import (
    FORMAT,
    VERSION,
    InterchangeError,
    read_file,
)

__all__ = [
    "FORMAT",
    "VERSION",
    "ImportResult",
    "InterchangeError",
    "export_articles",
    "import_articles",
    "read_file",
]
