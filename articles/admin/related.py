"""The related-stories part of the article admin: candidates with their scores,
and the page where editors pin or exclude them."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from articles import related, workflow
from articles.models import Article

# Automatic candidates listed for an editor to pin or exclude.
ADMIN_CANDIDATES = 10

DONE = {
    "pin": "“{}” is pinned.",
    "unpin": "“{}” is no longer pinned.",
    "exclude": "“{}” will not be suggested for this article.",
    "allow": "“{}” may be suggested again.",
}


def candidates_table(candidates, actions=None):
    """Rows of automatic related stories with their score and shared tags."""
    rows = format_html_join(
        "",
        '<tr><td>{}</td><td><a href="{}">{}</a></td><td>{}</td><td>{}</td>'
        "<td>{}</td>{}</tr>",
        (
            (
                f"{candidate.score:.2f}",
                reverse("admin:articles_article_change", args=[candidate.article.pk]),
                candidate.article.headline,
                candidate.article.section.name,
                candidate.article.publish_at.date().isoformat(),
                ", ".join(tag.name for tag in candidate.shared_tags),
                actions(candidate) if actions else "",
            )
            for candidate in candidates
        ),
    )
    return format_html(
        '<table class="related-candidates"><thead><tr><th>Score</th>'
        "<th>Story</th><th>Section</th><th>Published</th><th>Shared tags</th>{}"
        "</tr></thead><tbody>{}</tbody></table>",
        format_html("<th>{}</th>", "Editor") if actions else "",
        rows,
    )


def candidates_panel(article):
    """The change page's automatic candidates, with a link to curate them."""
    if not article.pk:
        return "Shown once the article is saved with tags."
    candidates = related.automatic_candidates(article, ADMIN_CANDIDATES, explain=True)
    link = format_html(
        '<p><a class="button" href="{}">Pin or exclude candidates</a></p>',
        reverse("admin:articles_article_related", args=[article.pk]),
    )
    if not candidates:
        return format_html("<p>No live article shares a tag with this one.</p>{}", link)
    return format_html(
        "<p>Filled in after the pinned stories, best first. The score adds the "
        "rarity of each shared tag, with a bonus for the same section, and "
        "falls with the time between the two stories.</p>{}{}",
        candidates_table(candidates),
        link,
    )


def related_page(model_admin, request, pk):
    """Pinned, excluded and automatic related stories of one article."""
    article = get_object_or_404(Article.objects.prefetch_related("tags"), pk=pk)
    if not workflow.can_view(request.user, article):
        raise PermissionDenied
    can_change = workflow.may_curate(request.user, article)
    pinned = list(article.related_links.select_related("to_article__section"))
    excluded = list(article.related_exclusions.select_related("to_article__section"))
    candidates = related.automatic_candidates(
        article,
        ADMIN_CANDIDATES,
        exclude=[link.to_article_id for link in pinned],
        explain=True,
    )

    def buttons(candidate):
        if not can_change:
            return format_html("<td></td>")
        return format_html(
            "<td>{}{}</td>",
            _action_button(article, "pin", candidate.article.pk, "Pin"),
            _action_button(article, "exclude", candidate.article.pk, "Exclude"),
        )

    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": f"Related stories for “{article.headline}”",
        "article": article,
        "pinned": pinned,
        "excluded": excluded,
        "table": candidates_table(candidates, buttons) if candidates else "",
        "can_change": can_change,
        "excluded_rows": [
            (e, _action_button(article, "allow", e.to_article_id, "Allow"))
            for e in excluded
        ],
        "pinned_rows": [
            (p, _action_button(article, "unpin", p.to_article_id, "Unpin"))
            for p in pinned
        ],
    }
    return TemplateResponse(request, "admin/articles/article/related.html", context)


def related_action(model_admin, request, pk, verb, candidate):
    """Pin, unpin, exclude or allow one story."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if verb not in workflow.CURATION_VERBS:
        raise Http404("Unknown action.")
    article = get_object_or_404(Article, pk=pk)
    if not workflow.may_curate(request.user, article):
        raise PermissionDenied
    # Only stories the person may see can be named back to them.
    other = Article.objects.filter(pk=candidate).first()
    if other is None or not (other.is_live() or workflow.can_view(request.user, other)):
        raise Http404("No such story.")
    workflow.curate(article, verb, other, by=request.user)
    model_admin.message_user(request, DONE[verb].format(other), messages.SUCCESS)
    return redirect("admin:articles_article_related", pk=article.pk)


def _action_button(article, verb, candidate, label):
    return format_html(
        '<button type="submit" class="button" form="related-actions" '
        'formaction="{}">{}</button>',
        reverse(
            "admin:articles_article_related_action",
            args=[article.pk, verb, candidate],
        ),
        label,
    )
