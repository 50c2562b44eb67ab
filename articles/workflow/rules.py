"""What must be true before an article's content reaches readers: the checklist.

Which rules apply, and their limits, are data (`ChecklistRule`, with per-section
`SectionRule`s, edited in the admin); what each rule checks is here. Checked by
the workflow, once, on every path that makes content live: publish, schedule,
editing a scheduled article, publishing pending changes, the scheduled sweep,
reinstating after a takedown, and the importer. An editor holding
`articles.override_checklist` may let one rule pass for one article, with a
recorded reason (`articles.workflow.checklist.override_rule`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property

from django.core.exceptions import ValidationError

from articles.body import inline_photos, photo_ids
from articles.links import broken_links
from articles.models import (
    Article,
    ChecklistOverride,
    ChecklistRule,
    Photo,
    Section,
    SectionRule,
)
from articles.models.photos import alt_text_problem, credit_problem, licence_problem
from articles.workflow.content import ArticleContent

Code = ChecklistRule.Code


class InvalidTransition(ValidationError):
    """A move or change the workflow does not allow in the article's state."""


@dataclass
class RuleResult:
    """One rule of the checklist, applied to one article's content."""

    rule: ChecklistRule
    limit: int | None
    problems: list[str] = field(default_factory=list)
    override: ChecklistOverride | None = None

    @property
    def passed(self) -> bool:
        return not self.problems

    @property
    def blocks(self) -> bool:
        return bool(self.problems) and self.override is None

    @property
    def description(self) -> str:
        return self.rule.description.format(limit=self.limit)


class _Subject:
    """The content being checked, with its photos read once."""

    def __init__(self, content: ArticleContent):
        self.content = content

    @cached_property
    def hero(self) -> Photo | None:
        return self.content.hero()

    @cached_property
    def inline(self) -> list[Photo]:
        ids = photo_ids(self.content.body)
        if not ids:
            return []
        return list(Photo.objects.select_related("credit").filter(pk__in=ids))

    def placed_alt_text(self, photo: Photo) -> str:
        """The alt text a body photo has where it is placed; a photo placed
        twice is judged by its emptier one."""
        uses = [u for u in inline_photos(self.content.body) if u.photo_id == photo.pk]
        return min((u.alt_text_for(photo).strip() for u in uses), key=bool, default="")


def _headline(subject: _Subject, limit: int | None) -> list[str]:
    length = len(subject.content.headline)
    if limit is not None and length > limit:
        return [f"The headline has {length} characters; at most {limit} are allowed."]
    return []


def _standfirst(subject: _Subject, limit: int | None) -> list[str]:
    length = len(subject.content.standfirst.strip())
    if not length:
        return ["There is no standfirst: sum the story up in one sentence."]
    if limit is not None and length > limit:
        return [f"The standfirst has {length} characters; at most {limit} are allowed."]
    return []


def _section(subject: _Subject, limit: int | None) -> list[str]:
    if not _read("section", subject.content.section, _section_exists):
        return ["Choose a section."]
    return []


def _section_exists(pk: int) -> bool:
    return Section.objects.filter(pk=pk).exists()


def _tags(subject: _Subject, limit: int | None) -> list[str]:
    count, wanted = len(subject.content.tags), limit or 1
    if count < wanted:
        return [f"It has {count} tags; give it at least {wanted}."]
    return []


def _byline(subject: _Subject, limit: int | None) -> list[str]:
    if not subject.content.authors:
        return ["There is no byline: say who wrote it."]
    return []


def _hero_photo(subject: _Subject, limit: int | None) -> list[str]:
    return [] if subject.hero else ["Choose a hero photo."]


def _alt_text(subject: _Subject, limit: int | None) -> list[str]:
    story_alt = subject.content.hero_alt_text or None
    found = []
    if subject.hero:
        found.append(alt_text_problem(subject.hero, story_alt))
    found += [
        alt_text_problem(photo, subject.placed_alt_text(photo))
        for photo in subject.inline
    ]
    return _placed(subject, found)


def _credit(subject: _Subject, limit: int | None) -> list[str]:
    return _placed(subject, [credit_problem(p) for p in _photos(subject)])


def _licence(subject: _Subject, limit: int | None) -> list[str]:
    return _placed(subject, [licence_problem(p) for p in _photos(subject)])


def _hero_width(subject: _Subject, limit: int | None) -> list[str]:
    hero = subject.hero
    if hero is None or limit is None or (hero.width or 0) >= limit:
        return []
    return [
        f"The hero photo is {hero.width or 0} pixels wide; at least {limit} are "
        "needed: choose a larger picture."
    ]


def _internal_links(subject: _Subject, limit: int | None) -> list[str]:
    return [
        f"The body links to {path}, which leads to no page readers can see."
        for path in broken_links(subject.content.body)
    ]


def _photos(subject: _Subject) -> list[Photo]:
    return ([subject.hero] if subject.hero else []) + subject.inline


def _placed(subject: _Subject, found: list[str]) -> list[str]:
    """Messages for the hero (first, if any) and body photos, saying where."""
    offset = 1 if subject.hero else 0
    placed = [
        message if index < offset else f"In the body: {message}"
        for index, message in enumerate(found)
    ]
    return [message for message, raw in zip(placed, found, strict=True) if raw]


CHECKS: dict[str, Callable[[_Subject, int | None], list[str]]] = {
    Code.HEADLINE_LENGTH: _headline,
    Code.STANDFIRST_LENGTH: _standfirst,
    Code.SECTION: _section,
    Code.TAGS: _tags,
    Code.HERO_PHOTO: _hero_photo,
    Code.PHOTO_ALT_TEXT: _alt_text,
    Code.PHOTO_CREDIT: _credit,
    Code.PHOTO_LICENCE: _licence,
    Code.HERO_WIDTH: _hero_width,
    Code.INTERNAL_LINKS: _internal_links,
    Code.BYLINE: _byline,
}


def checklist(
    content: ArticleContent, article: Article | None = None
) -> list[RuleResult]:
    """Every rule that applies to `content` in its section, checked, in order.

    `article` is the article the content is for, whose overrides count.
    """
    section_rules = _read("section rules", content.section, _section_rules)
    overrides = {}
    if article is not None and article.pk:
        overrides = {
            row.rule_id: row
            for row in ChecklistOverride.objects.filter(article=article).select_related(
                "created_by"
            )
        }
    subject = _Subject(content)
    results = []
    for rule in _read("rules", None, lambda _: list(ChecklistRule.objects.all())):
        own = section_rules.get(rule.pk)
        enabled = own.enabled if own else rule.enabled
        if not enabled:
            continue
        limit = own.limit if own and own.limit is not None else rule.limit
        problems = CHECKS[rule.code](subject, limit)
        results.append(
            RuleResult(
                rule, limit, problems, overrides.get(rule.pk) if problems else None
            )
        )
    return results


def _section_rules(section: int) -> dict[int, SectionRule]:
    return {row.rule_id: row for row in SectionRule.objects.filter(section=section)}


# Per thread: what a `rules_read_once()` block has read, by (what, key).
_once = threading.local()


@contextmanager
def rules_read_once() -> Iterator[None]:
    """Within the block, the rules and sections are read once, not once per
    article: an import checks thousands of stories against the same rules."""
    outer = getattr(_once, "read", None)
    _once.read = {} if outer is None else outer
    try:
        yield
    finally:
        _once.read = outer


def _read(what: str, key, load):
    read = getattr(_once, "read", None)
    if read is None:
        return load(key)
    if (what, key) not in read:
        read[what, key] = load(key)
    return read[what, key]


def publish_problems(
    content: ArticleContent, article: Article | None = None
) -> list[str]:
    """Why this content cannot go live, rule by rule; empty when it can."""
    return [
        f"{result.rule.name}: {problem}"
        for result in checklist(content, article)
        if result.blocks
        for problem in result.problems
    ]


def require_publishable(
    content: ArticleContent, article: Article | None = None
) -> None:
    if problems := publish_problems(content, article):
        raise InvalidTransition(
            f"“{content.headline}” cannot go live: {'; '.join(problems)}"
        )
