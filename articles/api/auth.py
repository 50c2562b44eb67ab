"""Bearer tokens for the write API and the ninjs feed: `Authorization: Bearer nrt_…`.

Each operation names the scope it needs (`READ`, `WRITE`, `PUBLISH`,
`SYNDICATE`); a token without it is refused with 403, an expired one with 401,
whatever its user's role would allow.
"""

from datetime import timedelta

from django.utils import timezone
from ninja.security import HttpBearer

from articles.api.errors import ApiError
from articles.models import ApiToken
from articles.models.api_tokens import Scope

# Recording every use would make each request a write; once a minute is enough
# for an admin deciding whether a token is still in use.
LAST_USED_PRECISION = timedelta(minutes=1)


class TokenAuth(HttpBearer):
    def __init__(self, scope: str):
        super().__init__()
        self.scope = scope

    def authenticate(self, request, token: str) -> ApiToken | None:
        record = ApiToken.objects.for_token(token)
        if record is None:
            return None
        now = timezone.now()
        if record.expires_at <= now:
            raise ApiError(
                401,
                f"This token expired on {record.expires_at:%Y-%m-%d %H:%M} UTC; "
                "ask for a new one.",
                code="token_expired",
            )
        if not record.allows(self.scope):
            raise ApiError(
                403,
                f"This token lacks the “{self.scope}” scope "
                f"({Scope(self.scope).label.lower()}); ask for one that has it.",
                code="insufficient_scope",
            )
        if (
            record.last_used_at is None
            or now - record.last_used_at > LAST_USED_PRECISION
        ):
            ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
        return record


READ = TokenAuth(Scope.READ.value)
WRITE = TokenAuth(Scope.WRITE.value)
PUBLISH = TokenAuth(Scope.PUBLISH.value)
SYNDICATE = TokenAuth(Scope.SYNDICATE.value)
