"""Moving in from WordPress: `manage.py import_wordpress export.xml`.

- `wxr`: reads a WordPress export (WXR 1.0–1.2) into plain records, streaming.
- `body`: turns a post's HTML (blocks, shortcodes, classic paragraphs, images)
  into a Newsroom body.
- `importer`: brings posts and attachments in through the workflow, idempotently,
  and counts what it did and skipped.
"""
