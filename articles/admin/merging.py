"""A save from the change page that meets a newer version: merged, or the fields
both sides changed shown side by side.

The form is checked under the article's lock (`ArticleForm.clean`); when the
person opened an older version, what they changed is merged into what is
saved now (`workflow.merging`). A field that only the other side changed is
put into the form as saved now; a field both changed keeps the person's input,
with the current version next to it and a choice: theirs, mine, or both.
Saving again sends the choice with the current version.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe

from articles.models import Article, Section
from articles.sanitize import sanitize_html
from articles.workflow import ArticleContent
from articles.workflow.content import FORM_FIELDS
from articles.workflow.merging import (
    TEXT_FIELDS,
    Merge,
    MergeConflict,
    both_versions,
    content_opened_at,
    field_label,
    keep_opened_version,
    plan_merge,
)

CHOICE = "merge_{}"
# The version the person first opened, kept through a conflict.
MERGE_BASE = "merge_base"
INLINE_FIELDS = ("authors", "related")
MINE, THEIRS, BOTH = "mine", "theirs", "both"


@dataclass
class Conflict:
    """One field both sides changed, as the change page shows it."""

    name: str
    label: str
    mine: str | SafeString
    theirs: str | SafeString
    may_keep_both: bool
    choice: str


def with_choices(form, content: ArticleContent) -> ArticleContent:
    """`content` with the person's choices for fields both sides changed: the
    version saved now (which they were shown) for "theirs", both for "both".

    The bylines and pinned stories (inlines, which the form cannot rewrite)
    still say what the person first opened unless they changed them: then the
    version they were shown is kept for them."""
    if not form.instance.pk or not form.data.get(MERGE_BASE):
        return content
    shown = content_opened_at(form.instance, form.cleaned_data.get("loaded_version"))
    first = content_opened_at(form.instance, _number(form.data.get(MERGE_BASE)))
    if shown is None or first is None:
        return content
    for name in INLINE_FIELDS:
        if getattr(content, name) == getattr(first, name):
            setattr(content, name, getattr(shown, name))
    chosen = {
        name: form.data.get(CHOICE.format(name))
        for name in FORM_FIELDS
        if form.data.get(CHOICE.format(name)) in (THEIRS, BOTH)
    }
    for name, choice in chosen.items():
        theirs = getattr(shown, name)
        mine = getattr(content, name)
        if choice == BOTH and (name in TEXT_FIELDS or name == "tags"):
            setattr(content, name, both_versions(name, mine, theirs))
        else:
            setattr(content, name, theirs)
    return content


def merge_or_refuse(
    form, locked: Article, content: ArticleContent, version: int | None
) -> Merge | None:
    """The merge of the form into what is saved now, for the save that follows;
    `MergeConflict` (with the form showing both versions) where both changed a
    field, or None when the version opened is unknown."""
    merge = plan_merge(locked, content, version)
    if merge is None or not merge.conflicts:
        return merge
    # The form comes back at the current version, with what the other save
    # changed alone, and the person's input where both changed a field.
    data = form.data.copy()
    data["loaded_version"] = str(merge.version)
    for name in merge.taken:
        if name in FORM_FIELDS:
            _put(data, name, getattr(merge.theirs, name))
    for name in FORM_FIELDS:
        data.pop(CHOICE.format(name), None)
    data[MERGE_BASE] = form.data.get(MERGE_BASE) or str(version)
    form.data = data
    form.merge_base = data[MERGE_BASE]
    form.conflicts = [_conflict(name, merge) for name in merge.conflicts]
    form.merge_note = _taken_note(merge)
    keep_opened_version(locked, merge.theirs)
    raise MergeConflict(merge)


def _number(value) -> int | None:
    return int(value) if value and str(value).isdecimal() else None


def _put(data, name: str, value) -> None:
    if name == "tags":
        data.setlist(name, list(value))
    else:
        data[name] = "" if value is None else str(value)


def _conflict(name: str, merge: Merge) -> Conflict:
    mine, theirs = getattr(merge.mine, name), getattr(merge.theirs, name)
    return Conflict(
        name=name,
        label=field_label(name),
        mine=_shown(name, mine),
        theirs=_shown(name, theirs),
        may_keep_both=name in TEXT_FIELDS or name == "tags",
        choice=CHOICE.format(name),
    )


def _shown(name: str, value) -> str | SafeString:
    if name == "body":
        # Cleaned by the same allow-list as every stored body.
        return mark_safe(sanitize_html(value))
    if name == "tags":
        return ", ".join(value)
    if name == "section":
        return str(Section.objects.filter(pk=value).first() or "—")
    if name == "hero_photo":
        return f"Photo #{value}" if value else "No photo"
    if name == "follows":
        earlier = Article.objects.filter(pk=value).first() if value else None
        return earlier.headline if earlier else "—"
    return value or "—"


def _taken_note(merge: Merge) -> str:
    taken = [field_label(name) for name in merge.taken]
    if not taken:
        return ""
    return f"Kept as the other save left them: {', '.join(taken)}."
