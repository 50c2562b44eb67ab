"""The change page's autosave, recovery and presence: the addresses
working-copy.js calls, and what the page shows of them."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.urls import reverse

from articles import workflow, working_copies
from articles.admin.lookups import viewable_article
from articles.models import Article

RESTORE = "restore"


def restored(request, obj) -> dict:
    """The fields of the person's working copy, when they chose to restore it."""
    restoring = obj is not None and request.GET.get(RESTORE) == "1"
    return working_copies.restored_fields(request.user, obj) if restoring else {}


def working_copy_context(request, article: Article) -> dict:
    restoring = request.method == "GET" and request.GET.get(RESTORE) == "1"
    offer = None
    if request.method == "GET" and not restoring:
        offer = working_copies.unsaved_work(request.user, article)
    return {
        "working_copy_offer": offer,
        "working_copy_autosave": True,
        "working_copy_restored": restoring,
        "others_here": working_copies.others_present(request.user, article),
        "heartbeat_seconds": working_copies.HEARTBEAT_SECONDS,
    }


def _editable(request, object_id) -> Article:
    article = viewable_article(request, object_id)
    if not workflow.can_edit(request.user, article):
        raise PermissionDenied
    return article


def autosave(model_admin, request, object_id):
    """Autosave: the fields changed on the page since `base_version`."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    article = _editable(request, object_id)
    try:
        base_version = int(request.POST.get("base_version", ""))
    except ValueError:
        return JsonResponse(
            {"error": "Which version was opened is missing."}, status=400
        )
    fields = {
        name: (request.POST.getlist(name) if name == "tags" else request.POST[name])
        for name in working_copies.AUTOSAVED_FIELDS
        if name in request.POST
    }
    copy = working_copies.keep_working_copy(request.user, article, base_version, fields)
    return JsonResponse({"saved_at": copy.saved_at.isoformat() if copy else None})


def discard(model_admin, request, object_id):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    article = _editable(request, object_id)
    working_copies.discard_working_copy(request.user, article)
    model_admin.message_user(
        request, "Your unsaved work was discarded.", messages.SUCCESS
    )
    return HttpResponseRedirect(
        reverse("admin:articles_article_change", args=[article.pk])
    )


def presence(model_admin, request, object_id):
    """The page's heartbeat (or, with `leave`, its goodbye): who else is here."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    article = viewable_article(request, object_id)
    if request.POST.get("leave"):
        working_copies.mark_gone(request.user, article)
        return JsonResponse({"others": []})
    working_copies.mark_present(request.user, article)
    return JsonResponse(
        {"others": working_copies.others_present(request.user, article)}
    )
