"""The article an admin address names, for someone who may see it."""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from articles import workflow
from articles.models import Article


def viewable_article(request, object_id: str) -> Article:
    """404 for an id that is not one (or names no article), 403 for an article
    the person may not see."""
    object_id = unquote(object_id)
    if not object_id.isdecimal():
        raise Http404
    article = get_object_or_404(Article, pk=object_id)
    if not workflow.can_view(request.user, article):
        raise PermissionDenied
    return article
