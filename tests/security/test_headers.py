"""Every page type answers with the strict policy and the other protective headers."""

import base64
import hashlib

import pytest
from django.urls import reverse

from tests.factories import make_article, make_author, make_photo, make_user
from tests.security.pages import (
    admin_urls,
    allowed_inline,
    directives,
    editor_script_hashes,
    inline_scripts,
    public_urls,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    author = make_author(name="Mei Lin", slug="mei-lin", bio="Covers robots.")
    article = make_article(headline="Robots", tags=["robots"], authors=[author])
    return {
        "article": article,
        "tag": article.tags.get(),
        "author": author,
        "photo": make_photo(),
    }


def assert_common_headers(response):
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def assert_strict_scripts(policy):
    assert policy["script-src"][0] == "'self'"
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in " ".join(sum(policy.values(), []))
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["default-src"] == ["'self'"]


@pytest.mark.parametrize(
    "page",
    [
        "home",
        "section",
        "article",
        "tag",
        "author",
        "search",
        "feed",
        "tag feed",
        "sitemap",
        "news sitemap",
        "robots",
        "shared preview",
        "not found",
    ],
)
def test_public_pages_run_no_script_and_allow_no_inline_code(client, site, page):
    url = public_urls(site["article"], site["tag"], site["author"])[page]
    response = client.get(url)
    assert response.status_code in {200, 404}
    assert_common_headers(response)
    policy = directives(response["Content-Security-Policy"])
    assert_strict_scripts(policy)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert "style-src-attr" not in policy and "style-src-elem" not in policy
    html = response.content.decode()
    assert "<script src" not in html
    for attributes, _ in inline_scripts(html):
        assert 'type="application/ld+json"' in attributes
    assert " style=" not in html


@pytest.mark.parametrize(
    "page",
    [
        "desk",
        "article list",
        "article form",
        "new article",
        "article history",
        "article preview",
        "photo list",
        "photo form",
        "batch upload",
        "photo library",
        "tag list",
        "section list",
        "author list",
        "user list",
        "roles",
        "lock-outs",
        "account security",
    ],
)
def test_admin_pages_allow_only_the_editors_hashed_import_map(client, site, page):
    client.force_login(make_user(is_staff=True, is_superuser=True))
    response = client.get(admin_urls(site["article"], site["photo"])[page])
    assert response.status_code == 200
    assert_common_headers(response)
    policy = directives(response["Content-Security-Policy"])
    assert_strict_scripts(policy)
    assert policy["style-src"] == ["'self'"]
    for attributes, content in inline_scripts(response.content.decode()):
        assert allowed_inline(attributes), attributes
        if "importmap" in attributes:
            digest = base64.b64encode(hashlib.sha256(content.encode()).digest())
            assert f"'sha256-{digest.decode()}'" in policy["script-src"]
    assert set(editor_script_hashes()) <= set(policy["script-src"])


@pytest.mark.parametrize(
    "url",
    [reverse("admin:login"), reverse("password_reset"), reverse("password_reset_done")],
)
def test_login_and_password_pages_carry_the_policy(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert_common_headers(response)
    assert_strict_scripts(directives(response["Content-Security-Policy"]))


def test_hsts_is_sent_over_https_in_production(client, settings, site):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    assert "Strict-Transport-Security" not in client.get("/")
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
