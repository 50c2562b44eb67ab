"""The content API at /api/v1/, built on django-ninja.

django-ninja derives validation, the OpenAPI 3.1 schema (/api/v1/openapi.json) and
the browsable docs (/api/v1/docs) from one set of type-annotated functions and
pydantic schemas, so the published schema cannot drift from what the code
accepts and answers; it ships its docs' assets, so nothing loads from elsewhere.
"""
