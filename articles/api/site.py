"""The API object: its routers, error handlers and schema settings."""

from django.conf import settings
from ninja import NinjaAPI

from articles.api.errors import install_error_handlers
from articles.api.read import router as read_router
from articles.api.write import router as write_router

api = NinjaAPI(
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
api.add_router("/", read_router)
api.add_router("/", write_router)
