"""Bearer tokens for the write API: `Authorization: Bearer nrt_…`."""

from datetime import timedelta

from django.utils import timezone
from ninja.security import HttpBearer

from articles.models import ApiToken

# Recording every use would make each request a write; once a minute is enough
# for an admin deciding whether a token is still in use.
LAST_USED_PRECISION = timedelta(minutes=1)


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str) -> ApiToken | None:
        record = ApiToken.objects.for_token(token)
        if record is None:
            return None
        now = timezone.now()
        if (
            record.last_used_at is None
            or now - record.last_used_at > LAST_USED_PRECISION
        ):
            ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
        return record
