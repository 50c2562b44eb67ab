"""What each admin screen an editor opens daily costs in queries: a fixed number,
the same for a small newsroom and a bigger one (`make bench` times them at
10,000 and 100,000 stories)."""

import pytest
from django.urls import reverse

from articles import workflow
from articles.models import Article
from tests.factories import (
    make_article,
    make_author,
    make_credit,
    make_photo,
    make_role_user,
    make_section,
)

pytestmark = pytest.mark.django_db

Status = Article.Status

# Queries per request, whatever the number of stories.
EXPECTED = {
    "desk": 27,
    "writer's desk": 20,
    "article list": 21,
    "writer's article list": 21,
    "article list, search and filter": 21,
    "change page": 58,
    "photo library": 14,
    "revisions": 16,
}


class Newsroom:
    """Stories in every state, with heroes, photos in bodies, bylines and tags."""

    def __init__(self):
        self.editor = make_role_user("Editor", "editor")
        self.writer = make_role_user("Writer", "writer")
        self.author = make_author(name="Wendy Writer", slug="wendy", user=self.writer)
        self.section = make_section(name="Ports", slug="ports")
        credit = make_credit(agency="Harbour Light Images")
        self.photos = [
            make_photo(credit=credit, alt_text=f"Crane {n}") for n in range(3)
        ]
        self.stories = []
        self.add(6)
        self.draft = self.stories[0]
        for n in range(2):
            content = workflow.ArticleContent.of(self.draft)
            content.standfirst = f"Draft {n}."
            workflow.edit(self.draft, content, by=self.editor)

    def add(self, count):
        states = [Status.DRAFT, Status.IN_REVIEW, Status.PUBLISHED, Status.SCHEDULED]
        for n in range(count):
            status = states[n % len(states)]
            photo = self.photos[n % len(self.photos)]
            self.stories.append(
                make_article(
                    headline=f"Harbour growth {len(self.stories)}",
                    status=status,
                    section=self.section,
                    hero_photo=photo,
                    body=f'<p>x</p><figure data-photo="{photo.pk}"></figure>',
                    authors=[self.author],
                    created_by=self.writer,
                    tags=["Ports", "Trade"],
                )
            )


@pytest.fixture
def newsroom():
    return Newsroom()


def screens(newsroom):
    editor, writer = newsroom.editor, newsroom.writer
    articles = reverse("admin:articles_article_changelist")
    return {
        "desk": (editor, reverse("admin:index")),
        "writer's desk": (writer, reverse("admin:index")),
        "article list": (editor, articles),
        "writer's article list": (writer, articles),
        "article list, search and filter": (
            editor,
            f"{articles}?q=harbour+ports&status__exact=published"
            f"&section__id__exact={newsroom.section.pk}",
        ),
        "change page": (
            editor,
            reverse("admin:articles_article_change", args=[newsroom.draft.pk]),
        ),
        "photo library": (editor, reverse("admin:articles_photo_changelist")),
        "revisions": (
            editor,
            reverse("admin:articles_article_history", args=[newsroom.draft.pk]),
        ),
    }


@pytest.mark.parametrize("screen", list(EXPECTED))
def test_each_screen_costs_a_fixed_number_of_queries(
    client, newsroom, screen, django_assert_num_queries
):
    user, url = screens(newsroom)[screen]
    client.force_login(user)
    client.get(url)  # the session and permission caches, as on any later visit
    with django_assert_num_queries(EXPECTED[screen]):
        assert client.get(url).status_code == 200
    newsroom.add(24)
    with django_assert_num_queries(EXPECTED[screen]):
        assert client.get(url).status_code == 200


def test_the_article_search_finds_headlines_bylines_and_tags_once(client, newsroom):
    client.force_login(newsroom.editor)
    url = reverse("admin:articles_article_changelist")

    def found(term):
        response = client.get(url, {"q": term})
        return sorted(a.headline for a in response.context["cl"].result_list)

    everything = sorted(a.headline for a in newsroom.stories)
    assert found("wendy") == everything  # the byline
    assert found("trade harbour") == everything  # a tag and the headline
    assert found("harbour nowhere") == []


def test_desk_panels_count_up_to_a_limit(client, writer, monkeypatch):
    from articles import dashboard

    monkeypatch.setattr(dashboard, "COUNT_UP_TO", 12)
    for n in range(14):
        make_article(
            headline=f"Draft {n}",
            status=Status.DRAFT,
            publish_at=None,
            created_by=writer,
            authors=[writer.author],
        )
    client.force_login(writer)
    page = client.get(reverse("admin:index")).content.decode()
    assert '<span class="desk-count">12+</span>' in page
    assert "10 of more than 12 shown" in page
