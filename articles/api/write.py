"""The write API for trusted clients: drafts through the editorial workflow.

A token acts as its user, with that user's roles and within the token's scopes
(each operation names the one it needs: reading, writing drafts, publishing):
every change goes through `articles.workflow` exactly as the admin's buttons do,
so the same permissions and publishing rules apply, and each step is recorded
with its event.
"""

from ninja import Path, Router, Status

from articles import workflow
from articles.api.auth import PUBLISH, READ, WRITE
from articles.api.drafts import (
    ConflictOut,
    DraftCreate,
    DraftOut,
    DraftUpdate,
    Move,
    ScheduleMove,
    draft_out,
)
from articles.api.errors import ApiError, Error, error_body
from articles.api.pagination import in_range
from articles.models import Article, Author, Section
from articles.workflow import ArticleContent
from articles.workflow.merging import keep_opened_version

router = Router(tags=["Write"], auth=WRITE)

ERRORS = {
    400: Error,
    401: Error,
    403: Error,
    404: Error,
    409: Error,
    413: Error,
    422: Error,
}
ARTICLE_ID = Path(..., ge=1, le=2**63 - 1)
CONTENT_FIELDS = (
    "headline",
    "slug",
    "standfirst",
    "body",
    "hero_photo",
    "hero_caption",
    "hero_alt_text",
    "seo_title",
    "seo_description",
    "tags",
)


def _user(request):
    return request.auth.user


def _article(request, article_id: int) -> Article:
    """The article, if this token's user may see it; otherwise it does not exist."""
    article = Article.objects.filter(pk=article_id).first()
    if article is None or not workflow.can_view(_user(request), article):
        raise ApiError(404, "No article with this id that you may see.")
    return article


def _ids(model, slugs: list[str], field: str) -> list[int]:
    found = dict(model.objects.filter(slug__in=slugs).values_list("slug", "pk"))
    missing = [slug for slug in slugs if slug not in found]
    if missing:
        raise ApiError(
            422,
            f"Unknown {field}: {', '.join(missing)}.",
            fields={field: [f"No such slug: {slug}." for slug in missing]},
        )
    return [found[slug] for slug in slugs]


def _content(payload, base: ArticleContent | None) -> ArticleContent:
    """`base` with the fields the client sent; slugs become ids."""
    sent = payload.dict(exclude_unset=True)
    content = base or ArticleContent(headline="", section=0)
    for name in CONTENT_FIELDS:
        if name in sent:
            value = sent[name]
            setattr(content, name, value if value is not None else _empty(name))
    if sent.get("section") is not None:
        content.section = _ids(Section, [sent["section"]], "section")[0]
    if "authors" in sent:
        content.authors = _ids(Author, sent["authors"] or [], "authors")
    if "related" in sent:
        content.related = _ids(Article, sent["related"] or [], "related")
    if "follows" in sent:
        followed = sent["follows"]
        content.follows = _ids(Article, [followed], "follows")[0] if followed else None
    return content


def _empty(name: str):
    return None if name == "hero_photo" else [] if name == "tags" else ""


def _answer(request, article: Article) -> dict:
    """The article as the client may see it; a later update from this version
    is merged against what it is shown now."""
    article.refresh_from_db()
    content = workflow.proposed_content(article)
    keep_opened_version(article, content)
    return draft_out(article, content, _user(request), request)


# Lets clients generated from the schema (and schemathesis) follow a new draft.
AFTER_CREATE = {
    "responses": {
        "201": {
            "links": {
                op: {
                    "operationId": op,
                    "parameters": {"article_id": "$response.body#/id"},
                }
                for op in (
                    "getDraft",
                    "updateDraft",
                    "submitDraft",
                    "publishDraft",
                    "scheduleDraft",
                    "publishDraftChanges",
                )
            }
        }
    }
}


@router.post(
    "/drafts",
    response={201: DraftOut, **ERRORS},
    operation_id="createDraft",
    auth=WRITE,
    summary="Create a draft",
    openapi_extra=AFTER_CREATE,
)
def create_draft(request, payload: DraftCreate):
    """A new draft; a writer's own byline when `authors` is not given."""
    article = workflow.create(_content(payload, None), by=_user(request))
    return Status(201, _answer(request, article))


@router.get(
    "/drafts/{article_id}",
    response={200: DraftOut, **ERRORS},
    operation_id="getDraft",
    auth=READ,
    summary="Read",
)
def get_draft(request, article_id: int = ARTICLE_ID):
    """Any article you may see in the admin, with its pending changes if any."""
    return _answer(request, _article(request, article_id))


@router.patch(
    "/drafts/{article_id}",
    response={200: DraftOut, **ERRORS, 409: ConflictOut},
    operation_id="updateDraft",
    auth=WRITE,
    summary="Update",
)
def update_draft(request, payload: DraftUpdate, article_id: int = ARTICLE_ID):
    """Change the fields sent, on the `version` you last read. If the article
    was saved since, the fields you changed are merged into it when nobody else
    changed them meanwhile; where someone did, nothing is saved and the 409
    answer carries the article as it is now (`current`), to send your choice
    with its version. On a live article the change waits as pending changes
    until an editor publishes it (`publish-changes`)."""
    article = _article(request, article_id)
    try:
        workflow.edit_merging(
            article,
            lambda content: _content(payload, content),
            by=_user(request),
            version=payload.version,
        )
    except workflow.MergeConflict as conflict:
        return Status(409, _conflict(request, article, conflict))
    return _answer(request, article)


def _conflict(request, article: Article, conflict) -> dict:
    fields = {
        name: ["Changed by someone else since your version."]
        for name in conflict.merge.conflicts
    }
    return {
        **error_body(
            409, " ".join(conflict.messages), code="edit_conflict", fields=fields
        ),
        "current": _answer(request, article),
    }


@router.post(
    "/drafts/{article_id}/submit",
    response={200: DraftOut, **ERRORS},
    operation_id="submitDraft",
    auth=WRITE,
    summary="Submit",
)
def submit_draft(request, move: Move, article_id: int = ARTICLE_ID):
    """Send your draft to the editors for review."""
    article = _article(request, article_id)
    workflow.submit(
        article, by=_user(request), comment=move.comment, version=move.version
    )
    return _answer(request, article)


@router.post(
    "/drafts/{article_id}/publish",
    response={200: DraftOut, **ERRORS},
    operation_id="publishDraft",
    auth=PUBLISH,
    summary="Publish",
)
def publish_draft(request, move: Move, article_id: int = ARTICLE_ID):
    """Publish now (editors), if the publishing rules pass."""
    article = _article(request, article_id)
    workflow.publish(
        article, by=_user(request), comment=move.comment, version=move.version
    )
    return _answer(request, article)


@router.post(
    "/drafts/{article_id}/schedule",
    response={200: DraftOut, **ERRORS},
    operation_id="scheduleDraft",
    auth=PUBLISH,
    summary="Schedule",
)
def schedule_draft(request, move: ScheduleMove, article_id: int = ARTICLE_ID):
    """Publish at a future time (editors), if the publishing rules pass."""
    if not in_range(move.at):
        raise ApiError(422, "This time is out of range.", fields={"at": ["Too far."]})
    article = _article(request, article_id)
    workflow.schedule(
        article,
        by=_user(request),
        at=move.at,
        comment=move.comment,
        version=move.version,
    )
    return _answer(request, article)


@router.post(
    "/drafts/{article_id}/publish-changes",
    response={200: DraftOut, **ERRORS},
    operation_id="publishDraftChanges",
    auth=PUBLISH,
    summary="Publish pending changes",
)
def publish_changes(request, move: Move, article_id: int = ARTICLE_ID):
    """Make the pending changes of a live article visible to readers (editors)."""
    article = _article(request, article_id)
    workflow.publish_changes(
        article, by=_user(request), comment=move.comment, version=move.version
    )
    return _answer(request, article)
