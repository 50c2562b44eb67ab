"""Signed, expiring links that show an unpublished article outside the admin."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from articles.models import Article

# The salt predates the module's move: links already shared keep working.
SALT = "articles.preview"


def share_url(article: Article) -> str:
    token = signing.dumps({"article": article.pk}, salt=SALT, compress=True)
    return reverse("articles:preview", args=[token])


def article_for_token(token: str) -> Article | None:
    """The article a token names, or None when it is tampered with or expired."""
    try:
        data = signing.loads(
            token, salt=SALT, max_age=settings.NEWSROOM_PREVIEW_LINK_MAX_AGE
        )
    except signing.BadSignature:  # includes SignatureExpired
        return None
    return Article.objects.filter(pk=data.get("article")).first()
