"""`GET /api/v1/`: what the API is and where its schema and docs are."""

from django.urls import reverse
from ninja import Router, Schema

router = Router(tags=["Read"])


class ApiIndex(Schema):
    name: str
    version: str
    description: str
    links: dict[str, str]


@router.get(
    "/", response=ApiIndex, operation_id="apiIndex", summary="What the API offers"
)
def index(request):
    """Links to the schema, the browsable docs and each collection."""
    from articles.api.site import api

    links = {
        "schema": reverse("api:openapi-json"),
        "docs": reverse("api:openapi-view"),
        "articles": reverse("api:list_articles"),
        "sections": reverse("api:list_sections"),
        "tags": reverse("api:list_tags"),
        "authors": reverse("api:list_authors"),
        "photos": reverse("api:list_photos"),
        "drafts": reverse("api:create_draft"),
        "ninjs": reverse("api:list_ninjs_items"),
    }
    return {
        "name": api.title,
        "version": api.version,
        "description": api.description,
        "links": {name: request.build_absolute_uri(url) for name, url in links.items()},
    }
