"""Old addresses of articles (changed slugs, imported WordPress permalinks) that
answer 301 to where the article is now.

Checked only when nothing else answered: on a 404, and for the home page asked
with WordPress's `?p=123`. A page of our own at the same address always wins;
the old address of a taken-down article answers 410 Gone, as its own does.
"""

from django.core.exceptions import TooManyFieldsSent
from django.shortcuts import redirect

from articles.models import ArticleRedirect
from articles.site.views import gone


def _wordpress_id(request) -> str:
    """`p` of the query string, without turning a page whose own view ignores the
    query string into a 400 when it has too many fields to parse."""
    if "p=" not in request.META.get("QUERY_STRING", ""):
        return ""
    try:
        return request.GET.get("p", "")
    except TooManyFieldsSent:
        return ""


class OldAddressMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reading = request.method in {"GET", "HEAD"}
        post = _wordpress_id(request) if reading else ""
        by_id = f"{request.path}?p={post}" if post.isdecimal() else None
        if by_id and request.path == "/":
            moved = self._live_target(request, by_id)
            if moved:
                return moved
        response = self.get_response(request)
        if response.status_code == 404 and reading:
            for old_path in filter(None, (by_id, request.path)):
                if moved := self._live_target(request, old_path):
                    return moved
        return response

    @staticmethod
    def _live_target(request, old_path: str):
        if "\x00" in old_path:
            return None
        moved = (
            ArticleRedirect.objects.select_related("article__section")
            .filter(old_path=old_path)
            .first()
        )
        if moved is None:
            return None
        if moved.article.is_taken_down:
            return gone(request).render()
        if moved.article.is_live():
            return redirect(moved.article, permanent=True)
        return None
