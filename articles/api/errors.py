"""The API's one error shape, and the handlers that turn every refusal into it.

Every 4xx answer is `{"error": {"code": ..., "message": ..., "fields": {...}}}`:
`code` is a stable word for programs, `message` a sentence for people, and
`fields` (only for invalid input) names each field at fault.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as InputError

from articles.workflow import EditConflict, InvalidTransition, SlugTaken

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid",
    429: "throttled",
}


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}


class Error(Schema):
    error: ErrorDetail


class ApiError(HttpError):
    """A refusal with its own code, raised by the endpoints."""

    def __init__(self, status: int, message: str, *, code: str = "", fields=None):
        super().__init__(status, message)
        self.code = code or CODES.get(status, "error")
        self.fields = fields or {}


def error_body(status: int, message: str, *, code: str = "", fields=None) -> dict:
    detail = {"code": code or CODES.get(status, "error"), "message": message}
    detail["fields"] = fields or {}
    return {"error": detail}


def _location(error: dict) -> str:
    """`body.headline` or `query.limit` becomes `headline`, `limit`."""
    parts = [str(part) for part in error.get("loc", ())]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie"}:
        parts = parts[1:]
    if parts and parts[0] in {"payload", "filters", "content"}:
        parts = parts[1:]
    return ".".join(parts) or "request"


def install_error_handlers(api: NinjaAPI) -> None:
    def respond(request, status, message, **extra):
        return api.create_response(
            request, error_body(status, message, **extra), status=status
        )

    @api.exception_handler(InputError)
    def invalid_input(request, exc):
        fields: dict[str, list[str]] = {}
        for error in exc.errors:
            fields.setdefault(_location(error), []).append(error.get("msg", "Invalid"))
        if any(error.get("type") == "json_invalid" for error in exc.errors):
            return respond(request, 400, "The request body is not valid JSON.")
        return respond(request, 422, "Some fields are not valid.", fields=fields)

    @api.exception_handler(DjangoValidationError)
    def refused(request, exc):
        fields = (
            {name: list(messages) for name, messages in exc.message_dict.items()}
            if hasattr(exc, "error_dict")
            else {}
        )
        return respond(request, 422, " ".join(exc.messages), fields=fields)

    @api.exception_handler(RequestDataTooBig)
    def too_large(request, exc):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return respond(request, 413, f"The request body is over {limit} bytes.")

    @api.exception_handler(EditConflict)
    def edit_conflict(request, exc):
        return respond(request, 409, " ".join(exc.messages), code="edit_conflict")

    @api.exception_handler(SlugTaken)
    def slug_taken(request, exc):
        return respond(request, 409, " ".join(exc.messages), code="slug_taken")

    @api.exception_handler(InvalidTransition)
    def not_now(request, exc):
        return respond(request, 409, " ".join(exc.messages), code="not_allowed_now")

    @api.exception_handler(ApiError)
    def api_error(request, exc):
        response = respond(
            request, exc.status_code, exc.message, code=exc.code, fields=exc.fields
        )
        if exc.status_code == 401:
            response["WWW-Authenticate"] = 'Bearer realm="api", error="invalid_token"'
        return response

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        response = respond(
            request, 401, "Send a valid API token: Authorization: Bearer <token>."
        )
        response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        return respond(request, exc.status_code, str(exc.message))

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return respond(request, 403, str(exc) or "You may not do this.")

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return respond(request, 404, str(exc) or "Not found.")


def no_such_address(request):
    """Any other address under /api/: the API's 404, in its one shape."""
    return JsonResponse(
        error_body(
            404, f"No API endpoint at {request.path}; see /api/v1/ for what there is."
        ),
        status=404,
    )
