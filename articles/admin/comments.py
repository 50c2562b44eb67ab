"""The change page's editorial comments: the threads, posting, replying,
resolving and reopening. Plain forms that redirect back to the page; the
page's script (comments.js) sends the same forms in the background and puts
the answer, the panel drawn afresh, in place, so unsaved edits in the article
form stay where they are."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from articles import workflow
from articles.admin.article_actions import posted_object
from articles.admin.article_form import refusal
from articles.admin.lookups import viewable_article
from articles.models import Article, EditorialComment
from articles.workflow.comments import body_text, comments_on, plain_text

PANEL_TEMPLATE = "admin/articles/article/comments.html"
# Sent by comments.js: answer with the panel rather than a redirect.
PANEL_HEADER = "X-Comments-Panel"
VERBS = {"resolve": workflow.resolve, "reopen": workflow.reopen}


def draft_key(article: Article) -> str:
    return f"editorial-comment-{article.pk}"


def comments_context(request, article: Article, draft: dict | None = None) -> dict:
    threads = comments_on(article)
    if any(thread.quote for thread in threads):
        body = body_text(article)
        for thread in threads:
            thread.quote_found = plain_text(thread.quote) in body
    if draft is None:
        draft = request.session.pop(draft_key(article), None)
    return {
        "comment_threads": threads,
        "open_threads": sum(not thread.is_resolved for thread in threads),
        "comment_draft": draft or {},
    }


def post_comment(model_admin, request, object_id):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    article = viewable_article(request, object_id)
    post = request.POST
    draft = {
        "text": post.get("text", ""),
        "quote": post.get("quote", ""),
        "reply_to": post.get("reply_to", ""),
    }
    try:
        reply_to = None
        if draft["reply_to"]:
            reply_to = posted_object(
                EditorialComment, draft["reply_to"], "comment", article=article
            )
        comment = workflow.post_comment(
            article,
            draft["text"],
            by=request.user,
            quote=draft["quote"],
            reply_to=reply_to,
        )
    except (PermissionDenied, ValidationError) as error:
        return _answer(model_admin, request, article, refusal(error), draft=draft)
    return _answer(model_admin, request, article, "", anchor=f"comment-{comment.pk}")


def comment_thread(model_admin, request, object_id, comment_id, verb):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    article = viewable_article(request, object_id)
    try:
        if verb not in VERBS:
            raise ValidationError(f"Unknown action “{verb}”.")
        comment = posted_object(
            EditorialComment, comment_id, "comment", article=article
        )
        thread = VERBS[verb](comment, by=request.user)
    except (PermissionDenied, ValidationError) as error:
        return _answer(model_admin, request, article, refusal(error))
    return _answer(model_admin, request, article, "", anchor=f"comment-{thread.pk}")


def _answer(model_admin, request, article, refused: str, *, draft=None, anchor=""):
    """The panel drawn afresh for comments.js; otherwise back to the page, the
    refusal said and what was typed kept for the form."""
    if request.headers.get(PANEL_HEADER):
        context = {
            "original": article,
            "comment_refusal": refused,
            **comments_context(request, article, draft=draft or {}),
        }
        return TemplateResponse(
            request, PANEL_TEMPLATE, context, status=400 if refused else 200
        )
    if refused:
        model_admin.message_user(request, refused, messages.ERROR)
        if draft is not None:
            request.session[draft_key(article)] = draft
    url = reverse("admin:articles_article_change", args=[article.pk])
    return HttpResponseRedirect(f"{url}#{anchor or 'editorial-comments'}")
