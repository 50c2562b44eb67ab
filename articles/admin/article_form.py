"""The article form of the admin and its inlines: they collect what the editor
typed as an `ArticleContent`; the workflow decides what happens to it."""

from dataclasses import dataclass
from datetime import datetime

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag

from articles import workflow
from articles.admin.autocomplete import SafeAutocomplete
from articles.admin.merging import merge_or_refuse, with_choices
from articles.models import Article, Byline, PendingChange, RelatedLink
from articles.workflow import ArticleContent
from articles.workflow.content import FORM_FIELDS
from articles.workflow.merging import keep_opened_version

# Live character counts on the article form: field -> (guide, what the guide is for).
WRITING_GUIDES = {
    "headline": (
        60,
        "Search results show about 60 characters of a title; for a longer "
        "headline, write a shorter SEO title.",
    ),
    "standfirst": (
        155,
        "Search results show about 155 characters of it when the SEO description "
        "is empty.",
    ),
    "seo_title": (60, "Search results show about 60 characters."),
    "seo_description": (155, "Search results show about 155 characters."),
}

CONTENT_FIELDS = list(FORM_FIELDS)


@dataclass(frozen=True)
class Proposal:
    """What the article will say once its pending changes are published, and
    whether it has any."""

    pending: bool
    content: ArticleContent


def proposal(article: Article) -> Proposal:
    """The article's proposal, read once for the page that shows it: the form,
    each inline and the panels all ask."""
    if "_proposal" not in article.__dict__:
        change = PendingChange.objects.filter(article=article).first()
        article._proposal = (
            Proposal(True, ArticleContent.from_json(change.content))
            if change is not None
            else Proposal(False, ArticleContent.of(article))
        )
    return article._proposal


class ArticleForm(forms.ModelForm):
    """Shows the article as it will read (with its pending changes, if any)."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Set by ArticleAdmin.get_form: the person filling in the form.
    user = None
    # Fields both this person and another save changed (`admin.merging`).
    conflicts = ()
    merge_note = ""
    merge_base = ""
    # Set by ArticleAdmin.get_form: unsaved work shown instead of what is saved.
    restored: dict = {}

    class Meta:
        model = Article
        fields = CONTENT_FIELDS

    def __init__(self, *args, **kwargs):
        instance = kwargs.get("instance")
        if instance is not None and instance.pk and "initial" not in kwargs:
            proposed = proposal(instance).content
            kwargs["initial"] = {**initial_from(proposed), **self.restored}
            # A save from this page is merged against what it shows now.
            keep_opened_version(instance, proposed)
        super().__init__(*args, **kwargs)
        self.fields["loaded_version"].initial = self.instance.version
        for name, (guide, help_text) in WRITING_GUIDES.items():
            if name in self.fields:
                field = self.fields[name]
                field.widget.attrs["data-count-guide"] = guide
                field.help_text = " ".join(filter(None, [field.help_text, help_text]))
        if "body" in self.fields:
            self.fields["body"].help_text = (
                "Headings, emphasis, links, lists, quotes and photos from the photo "
                "library. Anything else, including formatting pasted from elsewhere, "
                "is cleaned away on save."
            )
        if "slug" in self.fields:
            self.fields["slug"].required = False
            if self.slug_is_locked:
                self.fields["slug"].widget.attrs["data-slug-locked"] = "true"
                self.fields["slug"].help_text = (
                    "The article has been published, so its address no longer "
                    "follows the headline. If you change it, the old address "
                    "keeps working and redirects here."
                )
            else:
                self.fields["slug"].help_text = (
                    "The last part of the article's URL. It follows the headline "
                    "until the article is first published, unless you type your own."
                )

    @property
    def slug_is_locked(self) -> bool:
        return bool(self.instance.pk and self.instance.first_published_at)

    def clean_slug(self):
        slug = self.cleaned_data.get("slug")
        if slug:
            return slug
        if self.slug_is_locked:
            return self.instance.slug
        return slugify(self.cleaned_data.get("headline", ""))[:200]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        # The workflow checks all of this again, under the article's lock, when
        # it saves; asking here keeps what the editor typed on the page.
        version = cleaned.get("loaded_version")
        content = self.content()
        try:
            try:
                workflow.check_edit(
                    self.instance if self.instance.pk else None,
                    content,
                    by=self.user,
                    version=version,
                )
            except workflow.EditConflict:
                # Saved by someone else since it was opened: merged, if nobody
                # else changed what this person changed.
                locked = workflow.check_edit(self.instance, content, by=self.user)
                merge = merge_or_refuse(self, locked, content, version)
                if merge is None:
                    raise
                workflow.check_edit(self.instance, merge.content, by=self.user)
        except (PermissionDenied, ValidationError) as error:
            raise ValidationError(refusal(error)) from None
        return cleaned

    def content(self, bylines=None, related=None) -> ArticleContent:
        """What the form says, with the inlines' rows when given."""
        data = self.cleaned_data
        proposed = proposal(self.instance).content if self.instance.pk else None
        content = ArticleContent(
            headline=data["headline"],
            slug=data["slug"],
            section=data["section"].pk,
            standfirst=data.get("standfirst", ""),
            body=data.get("body", ""),
            hero_photo=data["hero_photo"].pk if data.get("hero_photo") else None,
            hero_caption=data.get("hero_caption", ""),
            hero_alt_text=data.get("hero_alt_text", ""),
            seo_title=data.get("seo_title", ""),
            seo_description=data.get("seo_description", ""),
            tags=[getattr(tag, "name", tag) for tag in data.get("tags") or []],
            authors=bylines if bylines is not None else _kept(proposed, "authors"),
            related=related if related is not None else _kept(proposed, "related"),
            follows=data["follows"].pk if data.get("follows") else None,
        )
        return with_choices(self, content)


def _kept(proposed: ArticleContent | None, name: str) -> list[int]:
    return getattr(proposed, name) if proposed else []


def initial_from(content: ArticleContent) -> dict:
    # taggit's field compares its initial value as tags; new names are unsaved.
    known = {tag.name: tag for tag in Tag.objects.filter(name__in=content.tags)}
    return {
        **{name: getattr(content, name) for name in CONTENT_FIELDS},
        "tags": [known.get(name) or Tag(name=name) for name in content.tags],
    }


def changed_fields(form: "ArticleForm") -> list[str]:
    """The content fields the person changed: tags compared as names whatever
    their order or case, and the slug left out when it only followed the
    headline (as it does until the article is first published)."""
    initial, cleaned = form.initial, form.cleaned_data

    def comparable(name, value):
        if name == "tags":
            return sorted(getattr(tag, "name", tag).lower() for tag in value or [])
        return getattr(value, "pk", value) if value not in (None, "") else None

    changed = [
        name
        for name in CONTENT_FIELDS
        if name in cleaned
        and comparable(name, initial.get(name)) != comparable(name, cleaned[name])
    ]
    follows = slugify(cleaned.get("headline", ""))[:200] == cleaned.get("slug")
    followed = slugify(initial.get("headline") or "")[:200] == initial.get("slug")
    if "slug" in changed and "headline" in changed and follows and followed:
        changed.remove("slug")
    return changed


def refusal(error: PermissionDenied | ValidationError) -> str:
    """The message to show for a refused action."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or "You may not do that."


class ContentInline(SafeAutocomplete, admin.TabularInline):
    """An ordered list of the article's content (bylines, pinned stories).

    The rows shown are those the article will have once its pending changes are
    published; the workflow writes them, never the formset.
    """

    extra = 0
    # The field of the inline model that holds the chosen row.
    target = ""
    # The ArticleContent list it fills.
    content_list = ""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        noun = self.verbose_name

        class LabelledRows(formset):
            """Each row's position and delete box named for screen readers: the
            table's heading is not their label."""

            deletion_widget = forms.CheckboxInput(
                attrs={"aria-label": f"Remove {noun}"}
            )

            def add_fields(self, form, index):
                super().add_fields(form, index)
                if "position" in form.fields:
                    form.fields["position"].widget.attrs["aria-label"] = (
                        f"Position of this {noun}"
                    )

        return LabelledRows

    def get_queryset(self, request):
        # A row's name (shown above it) reads its article and its target.
        parent = self.fk_name or "article"
        return super().get_queryset(request).select_related(parent, self.target)

    def has_add_permission(self, request, obj=None):
        return obj is None or not obj.pk or workflow.can_edit(request.user, obj)

    def has_change_permission(self, request, obj=None):
        return obj is None or not obj.pk or workflow.can_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.pk or workflow.can_edit(request.user, obj)

    def pending_rows(self, obj) -> list[int] | None:
        if obj is None or not obj.pk or not proposal(obj).pending:
            return None
        return getattr(proposal(obj).content, self.content_list)

    def get_extra(self, request, obj=None, **kwargs):
        rows = self.pending_rows(obj)
        return len(rows) if rows is not None else self.extra

    def formset_kwargs(self, obj) -> dict:
        """Pending rows are shown as new rows, since they exist nowhere yet."""
        rows = self.pending_rows(obj)
        if rows is None:
            return {}
        return {
            "queryset": self.model.objects.none(),
            "initial": [
                {self.target: pk, "position": position}
                for position, pk in enumerate(rows)
            ],
        }

    def chosen(self, formset) -> list[int]:
        """The rows the editor kept, in the order of their positions."""
        rows = []
        for index, form in enumerate(formset.forms):
            if form in formset.deleted_forms:
                continue
            # An untouched new row is not cleaned: its value is its initial one.
            kept = form.instance.pk or form.has_changed()
            data = form.cleaned_data if kept else form.initial
            target = data.get(self.target)
            if target:
                position = data.get("position") or 0
                rows.append((position, index, getattr(target, "pk", target)))
        return [pk for _, _, pk in sorted(rows)]


class BylineInline(ContentInline):
    model = Byline
    target = "author"
    content_list = "authors"
    autocomplete_fields = ["author"]
    verbose_name = "author"
    verbose_name_plural = "Byline (in order)"


class RelatedLinkInline(ContentInline):
    model = RelatedLink
    fk_name = "from_article"
    target = "to_article"
    content_list = "related"
    autocomplete_fields = ["to_article"]
    verbose_name = "pinned related story"
    verbose_name_plural = "Pinned related stories (shown first, in this order)"


def parse_local_datetime(value: str) -> datetime | None:
    """Read a datetime-local input ("2026-11-28T14:30") in the site's time zone."""
    try:
        naive = datetime.fromisoformat(value)
    except ValueError:
        return None
    if timezone.is_aware(naive):
        return naive
    return timezone.make_aware(naive)
