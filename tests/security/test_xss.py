"""Every XSS payload, in every text field, through the admin and the importer.

Each payload is typed into every field readers or editors see (real admin POSTs:
section, author, photo upload, article form, then Publish), or written into an
import file; then every public page, feed, sitemap, JSON-LD block and admin page
that shows those fields is fetched and scanned (tests/security/markup.py).
"""

import json

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from articles.models import Article, Author, Photo, Section
from articles.site.preview import share_url
from tests.factories import jpeg_bytes, make_user, upload
from tests.security.markup import more_than, scan_response
from tests.security.xss_corpus import PAYLOADS

pytestmark = pytest.mark.django_db

HARMLESS = "Plain words about harbour cranes"
ADMIN_FIELDS = [
    "section name",
    "section description",
    "author name",
    "author bio",
    "photo caption",
    "photo alt text",
    "photographer",
    "agency",
    "distributor",
    "copyright holder",
    "licence terms",
    "headline",
    "standfirst",
    "body",
    "tag name",
    "SEO title",
    "SEO description",
    "search query",
    "admin search",
]
IMPORT_FIELDS = [
    "section",
    "authors",
    "headline",
    "standfirst",
    "body_html",
    "tags",
    "seo_title",
    "seo_description",
    "hero caption",
    "hero alt_text",
    "photographer",
    "agency",
    "distributor",
    "copyright_holder",
    "licence_terms",
]
_baselines: dict[str, dict] = {}


class _Rollback(Exception):
    pass


def fit(text: str, length: int) -> str:
    return text[:length]


def expect_saved(response, what):
    if response.status_code != 302:
        errors = getattr(response, "context", None) and [
            str(form.errors)
            for key in ("adminform", "form")
            if (form := response.context.get(key)) is not None
            and getattr(form, "errors", None)
        ]
        pytest.fail(f"{what} was refused ({response.status_code}): {errors}")


def build_through_admin(editor: Client, text: str, n: int) -> dict:
    expect_saved(
        editor.post(
            reverse("admin:articles_section_add"),
            {
                "name": fit(text, 80),
                "slug": f"desk-{n}",
                "description": text,
                "position": 0,
            },
        ),
        "section",
    )
    section = Section.objects.get(slug=f"desk-{n}")
    expect_saved(
        editor.post(
            reverse("admin:articles_author_add"),
            {"name": fit(text, 120), "slug": f"writer-{n}", "bio": text, "user": ""},
        ),
        "author",
    )
    author = Author.objects.get(slug=f"writer-{n}")
    expect_saved(
        editor.post(
            reverse("admin:articles_photo_add"),
            {
                "upload": upload(jpeg_bytes(800, 500, color=(n % 250, 60, 90))),
                "alt_text": text,
                "caption": text,
                "photographer": fit(text, 120),
                "agency": fit(text, 120),
                "distributor": fit(text, 120),
                "copyright_holder": fit(text, 120),
                "licence_terms": text,
                "licence_expires_on": "",
            },
        ),
        "photo",
    )
    photo = Photo.objects.latest("pk")
    expect_saved(
        editor.post(
            reverse("admin:articles_article_add"),
            {
                "headline": fit(text, 200),
                "slug": f"story-{n}",
                "section": section.pk,
                "standfirst": text,
                "body": f'<p>{text}</p>{text}<figure data-photo="{photo.pk}"></figure>',
                "hero_photo": photo.pk,
                "tags": [fit(text, 100), "harbour"],
                "seo_title": fit(text, 70),
                "seo_description": fit(text, 160),
                "bylines-TOTAL_FORMS": "1",
                "bylines-INITIAL_FORMS": "0",
                "bylines-0-author": author.pk,
                "bylines-0-position": "0",
                "related_links-TOTAL_FORMS": "0",
                "related_links-INITIAL_FORMS": "0",
            },
        ),
        "article",
    )
    article = Article.objects.get(slug=f"story-{n}")
    for action in ("submit", "publish"):
        published = editor.post(
            reverse("admin:articles_article_workflow", args=[article.pk, action]),
            follow=True,
        )
    article.refresh_from_db()
    assert article.is_live(), [str(m) for m in published.context["messages"]]
    return {"article": article, "author": author, "photo": photo, "section": section}


def build_by_import(tmp_path, text: str, n: int) -> dict:
    folder = tmp_path / f"import-{n}"
    (folder / "photos").mkdir(parents=True)
    (folder / "photos" / "hero.jpg").write_bytes(
        jpeg_bytes(800, 500, color=(n % 250, 120, 30))
    )
    document = {
        "format": "newsroom-articles",
        "version": 1,
        "articles": [
            {
                "slug": f"imported-{n}",
                "headline": fit(text, 200),
                "standfirst": text,
                "section": fit(text, 80),
                "authors": [fit(text, 120), "Staff"],
                "published_at": "2026-01-05T08:30:00+00:00",
                "status": "published",
                "body_html": f"<p>{text}</p>{text}",
                "hero_photo": {
                    "file": "photos/hero.jpg",
                    "caption": text,
                    "alt_text": text,
                    "credit": {
                        "photographer": fit(text, 120),
                        "agency": fit(text, 120),
                        "distributor": fit(text, 120),
                    },
                    "copyright_holder": fit(text, 120),
                    "licence_terms": text,
                },
                "tags": [fit(text, 100), "harbour"],
                "related": [],
                "seo_title": fit(text, 70),
                "seo_description": fit(text, 160),
            }
        ],
    }
    path = folder / "articles.json"
    path.write_text(json.dumps(document))
    call_command("import_articles", str(path), verbosity=0)
    article = Article.objects.get(slug=f"imported-{n}")
    assert article.is_live()
    return {
        "article": article,
        "author": article.byline_authors[0],
        "photo": article.hero_photo,
        "section": article.section,
    }


def pages(site: dict, text: str) -> dict[str, tuple[str, bool]]:
    """Every page showing the fields: name -> (url, as staff)."""
    article, author, photo = site["article"], site["author"], site["photo"]
    tag = article.tags.exclude(name="harbour").first()
    found = {
        "home": ("/", False),
        "section": (reverse("articles:section", args=[site["section"].slug]), False),
        "article": (article.get_absolute_url(), False),
        "author": (author.get_absolute_url(), False),
        "search": (reverse("articles:search") + "?" + query(text), False),
        "feed": (reverse("articles:feed"), False),
        "sitemap": (reverse("sitemap"), False),
        "news sitemap": (reverse("news_sitemap"), False),
        "shared preview": (share_url(article), False),
        "desk": (reverse("admin:index"), True),
        "article list": (reverse("admin:articles_article_changelist"), True),
        "article search": (
            reverse("admin:articles_article_changelist") + "?" + query(text),
            True,
        ),
        "article form": (
            reverse("admin:articles_article_change", args=[article.pk]),
            True,
        ),
        "article history": (
            reverse("admin:articles_article_history", args=[article.pk]),
            True,
        ),
        "article preview": (
            reverse("admin:articles_article_preview", args=[article.pk]),
            True,
        ),
        "photo list": (reverse("admin:articles_photo_changelist"), True),
        "photo form": (reverse("admin:articles_photo_change", args=[photo.pk]), True),
        "photo library": (
            reverse("admin:articles_article_photos") + "?" + query(text),
            True,
        ),
        "tag list": (reverse("admin:taggit_tag_changelist"), True),
        "section list": (reverse("admin:articles_section_changelist"), True),
        "author list": (reverse("admin:articles_author_changelist"), True),
        "author form": (
            reverse("admin:articles_author_change", args=[author.pk]),
            True,
        ),
        "credit list": (reverse("admin:articles_photocredit_changelist"), True),
    }
    if tag is not None:
        found["tag"] = (reverse("articles:tag", args=[tag.slug]), False)
        found["tag feed"] = (reverse("articles:tag_feed", args=[tag.slug]), False)
    return found


def query(text):
    from urllib.parse import urlencode

    return urlencode({"q": text})


def scan_site(site, text, editor) -> dict:
    reader = Client()
    results = {}
    for name, (url, as_staff) in pages(site, text).items():
        response = (editor if as_staff else reader).get(url)
        assert response.status_code == 200, f"{name} {url}: {response.status_code}"
        results[name] = (*scan_response(response), response)
    return results


def baseline(kind, build, editor):
    if kind not in _baselines:
        try:
            with transaction.atomic():
                site = build(HARMLESS)
                _baselines[kind] = {
                    name: signals
                    for name, (signals, _, _) in scan_site(
                        site, HARMLESS, editor
                    ).items()
                }
                raise _Rollback
        except _Rollback:
            pass
    return _baselines[kind]


def assert_inert(results, base, text):
    problems = {}
    for name, (signals, violations, _) in results.items():
        extra = more_than(signals, base.get(name, {}))
        if extra or violations:
            problems[name] = {"more than harmless text": extra, "active": violations}
    assert not problems, f"payload {text!r} stayed active: {problems}"


@pytest.fixture
def editor(django_capture_on_commit_callbacks):
    client = Client()
    client.force_login(make_user("desk", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_in_every_admin_field_stays_inert_everywhere(
    editor, payload, django_capture_on_commit_callbacks
):
    def build(text):
        with django_capture_on_commit_callbacks(execute=True):
            return build_through_admin(editor, text, 1 if text == HARMLESS else 2)

    base = baseline("admin", build, editor)
    from django.core.cache import cache

    cache.clear()
    site = build(payload)
    results = scan_site(site, payload, editor)
    assert_inert(results, base, payload)
    # Plain-text fields are shown as the editor typed them, escaped, not lost.
    article_page = results["article"][2].content.decode()
    assert escape(fit(payload, 200)) in article_page


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_in_every_imported_field_stays_inert_everywhere(
    editor, payload, tmp_path, django_capture_on_commit_callbacks
):
    def build(text):
        with django_capture_on_commit_callbacks(execute=True):
            return build_by_import(tmp_path, text, 1 if text == HARMLESS else 2)

    base = baseline("import", build, editor)
    from django.core.cache import cache

    cache.clear()
    site = build(payload)
    results = scan_site(site, payload, editor)
    assert_inert(results, base, payload)
    assert escape(fit(payload, 200)) in results["article"][2].content.decode()


def test_the_corpus_covers_every_family_and_field():
    assert len(PAYLOADS) >= 60 and len(set(PAYLOADS)) == len(PAYLOADS)
    assert len(ADMIN_FIELDS) * len(PAYLOADS) >= 1000
