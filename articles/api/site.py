"""The API object: its routers, error handlers and schema settings."""

from django.conf import settings
from ninja import NinjaAPI

from articles.api.errors import install_error_handlers
from articles.api.index import router as index_router
from articles.api.ninjs import router as ninjs_router
from articles.api.read import router as read_router
from articles.api.write import router as write_router


class NewsroomAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        schema = super().get_openapi_schema(**kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                if isinstance(operation, dict) and "responses" in operation:
                    operation["responses"] = one_key_per_status(operation["responses"])
        return schema


def one_key_per_status(responses: dict) -> dict:
    """An operation's responses with each status once: what an endpoint declares
    (201) and what its `openapi_extra` adds ("201") are one response, not two
    keys that a JSON parser refuses as duplicates."""
    merged: dict[str, dict] = {}
    for status, response in responses.items():
        merged[str(status)] = _deep_merge(merged.get(str(status), {}), response)
    return merged


def _deep_merge(into: dict, extra: dict) -> dict:
    result = dict(into)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = _deep_merge(result[key], value)
        else:
            result[key] = value
    return result


api = NewsroomAPI(
    title=f"{settings.NEWSROOM_SITE_NAME} content API",
    version="1",
    description=(
        "Live articles, sections, tags, authors and photos, and for trusted "
        "clients with a token, drafts through the editorial workflow. Errors "
        'always have the shape {"error": {"code", "message", "fields"}}. '
        "See docs/api.md."
    ),
    urls_namespace="api",
)
install_error_handlers(api)
api.add_router("/", index_router)
api.add_router("/", read_router)
api.add_router("/", write_router)
api.add_router("/", ninjs_router)
