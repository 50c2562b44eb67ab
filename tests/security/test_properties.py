"""Property-based tests: whatever arrives, the answer is a message, a 404 or a page.

Never a 500, and a refused write leaves the database as it was. Example counts
per target are set below (EXAMPLES) and reported by SECURITY.md.
"""

import json
from urllib.parse import quote

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import Article, Author, Photo, Section
from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db

EXAMPLES = {
    "query parameters": 150,
    "odd slugs": 150,
    "model validation": 150,
    "admin forms": 100,
    "importer": 100,
}
READER_ANSWERS = {200, 301, 302, 404}


def examples(target):
    return settings(
        max_examples=EXAMPLES[target],
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
        derandomize=True,
        database=None,
    )


def snapshot():
    return (
        Article.objects.count(),
        Section.objects.count(),
        Author.objects.count(),
        Photo.objects.count(),
    )


PAGE_NUMBERS = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["-1", "0", "abc", "1e3", "last", "", " 2", "2.5", "٣", "𝟚"]),
    st.text(max_size=40),
)
QUERIES = st.one_of(
    st.text(max_size=300),
    st.text(min_size=5000, max_size=20000, alphabet="ab c%&=<>\"'\\\u202e\u00e9"),
    st.binary(max_size=200).map(lambda b: "".join(f"%{byte:02x}" for byte in b)),
)


@pytest.fixture
def site():
    article = make_article(tags=["robots"])
    return {
        "section": f"/{article.section.slug}/",
        "tag": f"/tags/{article.tags.get().slug}/",
        "search": "/search/",
        "home": "/",
        "feed": "/feeds/",
        "sitemap": "/sitemap.xml",
    }


@examples("query parameters")
@given(page=PAGE_NUMBERS, query=QUERIES, which=st.sampled_from(list(range(6))))
def test_public_query_parameters_never_break_a_page(site, page, query, which):
    path = list(site.values())[which]
    reader = Client()
    encoded_query = query if "%" in query[:3] else quote(query, safe="")
    response = reader.get(f"{path}?page={quote(page, safe='')}&q={encoded_query}")
    assert response.status_code in READER_ANSWERS


@examples("odd slugs")
@given(
    slug=st.one_of(
        st.text(min_size=1, max_size=120),
        st.text(alphabet="aé𝟙ﬁİ\u0301\u200d\u202e-_.~%/", min_size=1, max_size=50),
    ),
    kind=st.sampled_from(["section", "tags", "authors", "article", "preview"]),
)
def test_odd_unicode_slugs_answer_404_or_a_page(site, slug, kind):
    encoded = quote(slug, safe="")
    path = {
        "section": f"/{encoded}/",
        "tags": f"/tags/{encoded}/",
        "authors": f"/authors/{encoded}/",
        "article": f"/world/{encoded}/",
        "preview": f"/preview/{encoded}/",
    }[kind]
    assert Client().get(path).status_code in READER_ANSWERS


@examples("model validation")
@given(
    headline=st.text(max_size=260),
    slug=st.text(max_size=220),
    seo_title=st.text(max_size=90),
    standfirst=st.text(max_size=400),
)
def test_model_validation_answers_with_messages_only(
    headline, slug, seo_title, standfirst
):
    section = Section.objects.first() or Section.objects.create(
        name="World", slug="world"
    )
    before = snapshot()
    article = Article(
        headline=headline,
        slug=slug,
        seo_title=seo_title,
        standfirst=standfirst,
        section=section,
        body="<p>x</p>",
    )
    try:
        article.full_clean()
    except ValidationError as error:
        assert error.message_dict  # each refusal names its field
    assert snapshot() == before


@pytest.fixture
def admin_client():
    client = Client()
    client.force_login(make_user("desk", is_staff=True, is_superuser=True))
    return client


@examples("admin forms")
@given(
    name=st.text(max_size=120),
    slug=st.text(max_size=60),
    bio=st.text(max_size=300),
    which=st.sampled_from(["section", "author"]),
)
def test_admin_forms_save_or_explain_and_never_half_save(
    admin_client, name, slug, bio, which
):
    before = snapshot()
    if which == "section":
        url = reverse("admin:articles_section_add")
        data = {"name": name, "slug": slug, "description": bio, "position": "0"}
    else:
        url = reverse("admin:articles_author_add")
        data = {"name": name, "slug": slug, "bio": bio, "user": ""}
    response = admin_client.post(url, data)
    assert response.status_code in {200, 302}
    if response.status_code == 200:
        assert response.context["adminform"].form.errors
        assert snapshot() == before
    else:
        model = Section if which == "section" else Author
        assert model.objects.filter(slug=slug).exists()


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
ARTICLE_KEYS = [
    "slug",
    "headline",
    "standfirst",
    "section",
    "authors",
    "published_at",
    "status",
    "body_html",
    "hero_photo",
    "tags",
    "related",
    "seo_title",
    "seo_description",
]


@examples("importer")
@given(
    changes=st.dictionaries(st.sampled_from(ARTICLE_KEYS), JSON_VALUES, max_size=4),
    wrap=st.sampled_from(["article", "document", "garbage"]),
    garbage=JSON_VALUES,
)
def test_the_importer_imports_or_lists_faults_and_changes_nothing(
    tmp_path_factory, changes, wrap, garbage
):
    article = {
        "slug": "property",
        "headline": "A headline",
        "section": "World",
        "status": "draft",
        "published_at": None,
        **changes,
    }
    document = {"format": "newsroom-articles", "version": 1, "articles": [article]}
    content = {"article": document, "document": {**document, "version": garbage}}
    payload = content.get(wrap, garbage)
    path = tmp_path_factory.mktemp("import") / "articles.json"
    path.write_text(json.dumps(payload, allow_nan=True))
    before = snapshot()
    try:
        call_command("import_articles", str(path), verbosity=0)
    except CommandError as error:
        assert str(error)
        assert snapshot() == before
    else:
        assert Article.objects.filter(slug=article["slug"]).exists()
        Article.objects.all().delete()
