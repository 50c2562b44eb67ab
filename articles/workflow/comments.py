"""Editorial comments on a story: posting, replying, resolving, reopening.

Whoever may see an article in the admin may read and post its comments, and
resolve or reopen their threads. `@username` in a comment mentions that person,
who must be able to see the story too: the comment goes on their desk until
its thread is resolved. Each step is recorded in the story's history. Comments
are the newsroom's alone: no public page, feed, API read, export or revision
reads them, and posting one changes nothing readers see (nor the article's
version, so no open form is overtaken by it).
"""

from __future__ import annotations

import html
import re

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from articles.models import Article, ArticleEvent, EditorialComment, PendingChange
from articles.workflow import recording
from articles.workflow.content import ArticleContent
from articles.workflow.permissions import User, can_view, require
from articles.workflow.rules import InvalidTransition

Action = ArticleEvent.Action

# Steps in a story's history that say nothing of its state: the desk and the
# change page look past them for the latest move (a draft returned to its
# writer stays returned when someone comments on it).
EVENT_ACTIONS = frozenset(
    {Action.COMMENT, Action.RESOLVE_COMMENT, Action.REOPEN_COMMENT}
)

MAX_TEXT = 5000
MAX_QUOTE = 1000
# A mention is `@` and a username (letters, digits and @.+-_ as Django allows)
# that does not follow a word: `name@example.com` mentions no one. A full stop
# or other punctuation ending the sentence is not part of the name.
MENTION = re.compile(r"(?<![\w@.+-])@([\w.@+-]*[\w+-])")
TAG = re.compile(r"<[^>]*>")
SPACE = re.compile(r"\s+")
SEEN = "You may not see this article."


def post_comment(
    article: Article,
    text: str,
    *,
    by: User,
    quote: str = "",
    reply_to: EditorialComment | None = None,
) -> EditorialComment:
    """A new thread on the story (or on `quote`, a passage of its body), or a
    reply to the thread `reply_to` belongs to."""
    text, quote = text.strip(), SPACE.sub(" ", quote).strip()
    if not text:
        raise InvalidTransition("Write a comment first.")
    if len(text) > MAX_TEXT:
        raise InvalidTransition(
            f"The comment has {len(text)} characters; at most {MAX_TEXT} fit."
        )
    with transaction.atomic():
        locked = recording.lock(article)
        require(can_view(by, locked), SEEN)
        thread = None
        if reply_to is not None:
            if reply_to.article_id != locked.pk:
                raise InvalidTransition("That comment is on another article.")
            thread = reply_to.thread or reply_to
            quote = ""  # a reply is about its thread's passage
        elif quote:
            _require_quoted(locked, quote)
        mentioned = _mentioned(text, locked)
        comment = EditorialComment.objects.create(
            article=locked,
            thread=thread,
            author=recording.actor_of(by),
            text=text,
            quote=quote,
        )
        comment.mentions.set(mentioned)
        recording.event(
            locked, Action.COMMENT, comment.author, comment=_summary(comment)
        )
    return comment


def resolve(comment: EditorialComment, *, by: User) -> EditorialComment:
    return _set_resolved(comment, by=by, resolved=True)


def reopen(comment: EditorialComment, *, by: User) -> EditorialComment:
    return _set_resolved(comment, by=by, resolved=False)


def _set_resolved(
    comment: EditorialComment, *, by: User, resolved: bool
) -> EditorialComment:
    with transaction.atomic():
        locked = recording.lock(comment.article)
        require(can_view(by, locked), SEEN)
        thread = (
            EditorialComment.objects.select_for_update()
            .filter(pk=comment.thread_id or comment.pk, article=locked)
            .first()
        )
        if thread is None:
            raise InvalidTransition("That comment no longer exists.")
        if thread.is_resolved == resolved:
            state = "resolved" if resolved else "open"
            raise InvalidTransition(
                f"The thread is {state} already: someone may have got there first."
            )
        actor = recording.actor_of(by)
        thread.resolved_at = timezone.now() if resolved else None
        thread.resolved_by = actor if resolved else None
        thread.save(update_fields=["resolved_at", "resolved_by"])
        action = Action.RESOLVE_COMMENT if resolved else Action.REOPEN_COMMENT
        recording.event(locked, action, actor, comment=_summary(thread))
    return thread


def comments_on(article: Article) -> list[EditorialComment]:
    """The article's threads in the order they were started, each with its
    replies (`thread.replies_in_order`), in three queries."""
    comments = list(
        EditorialComment.objects.filter(article=article)
        .select_related("author", "resolved_by")
        .prefetch_related("mentions")
    )
    threads = [comment for comment in comments if comment.thread_id is None]
    by_thread = {thread.pk: thread for thread in threads}
    for thread in threads:
        thread.replies_in_order = []
    for comment in comments:
        if comment.thread_id in by_thread:
            by_thread[comment.thread_id].replies_in_order.append(comment)
    return threads


def plain_text(body: str) -> str:
    """What a body says, without markup or spacing: a quoted passage is found in
    it whatever formatting or line breaks lay across it."""
    return SPACE.sub("", html.unescape(TAG.sub("", body)))


def body_text(article: Article) -> str:
    """The plain text of the body the article will have (its pending changes'
    if any), in one query."""
    pending = (
        PendingChange.objects.filter(article=article)
        .values_list("content", flat=True)
        .first()
    )
    if pending is None:
        return plain_text(article.body)
    return plain_text(ArticleContent.from_json(pending).body)


def quote_is_in(article: Article, quote: str) -> bool:
    return plain_text(quote) in body_text(article)


def _require_quoted(article: Article, quote: str) -> None:
    if len(quote) > MAX_QUOTE:
        raise InvalidTransition(
            f"The quoted passage has {len(quote)} characters; quote at most "
            f"{MAX_QUOTE}, or comment on the whole story."
        )
    if not quote_is_in(article, quote):
        raise InvalidTransition(
            "The quoted passage is not in the story's body: quote it exactly, "
            "or comment on the whole story."
        )


def _mentioned(text: str, article: Article) -> list:
    names = list(dict.fromkeys(MENTION.findall(text)))
    if not names:
        return []
    people = get_user_model().objects.annotate(lowered=Lower("username"))
    users = {
        user.lowered: user
        for user in people.filter(
            is_active=True, lowered__in=[n.lower() for n in names]
        )
    }
    found = []
    for name in names:
        user = users.get(name.lower())
        if user is None:
            raise InvalidTransition(
                f"No one in the newsroom is called @{name}: check the name."
            )
        if not can_view(user, article):
            raise InvalidTransition(
                f"@{name} cannot see this story, so cannot be mentioned on it."
            )
        found.append(user)
    return found


def _summary(comment: EditorialComment) -> str:
    text = SPACE.sub(" ", comment.text)
    short = text if len(text) <= 200 else f"{text[:199]}…"
    if comment.quote:
        quote = comment.quote if len(comment.quote) <= 80 else f"{comment.quote[:79]}…"
        return f"On “{quote}”: {short}"
    return short
