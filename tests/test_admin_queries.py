"""What each admin screen an editor opens daily costs in queries: a fixed number,
the same for a small newsroom and a bigger one (`make bench` times them at
10,000 and 100,000 stories)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

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
    "desk": 35,
    "writer's desk": 26,
    "article list": 20,
    # The writer's own stories are read first.
    "writer's article list": 21,
    # Each of the two words: the bylines and the tags that name it.
    "article list, search and filter": 24,
    "change page": 45,
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
            self.discuss(self.stories[-1])

    def discuss(self, story):
        """A thread mentioning the writer, with a reply; a live story's changes
        scheduled."""
        thread = workflow.post_comment(
            story, "@writer check the figure", by=self.editor, quote="x"
        )
        workflow.post_comment(story, "Checked.", by=self.writer, reply_to=thread)
        if story.is_live():
            content = workflow.proposed_content(story)
            content.standfirst = "Updated."
            workflow.edit(story, content, by=self.editor)
            workflow.schedule_changes(
                story, by=self.editor, at=timezone.now() + timedelta(hours=1)
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


def test_the_change_page_reads_its_pending_changes_once_and_each_byline_name_once(
    client, newsroom
):
    """Pending changes are read once for the whole page, not once per part of
    the page that shows them; each byline row's picker reads the name it shows
    (Django's autocomplete widget), and nothing else per row."""
    story = newsroom.stories[2]  # published, with pending changes
    assert workflow.has_pending_changes(story)
    url = reverse("admin:articles_article_change", args=[story.pk])
    client.force_login(newsroom.editor)
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200
    assert len(before) <= EXPECTED["change page"]
    others = [make_author(name=f"Co-writer {n}", slug=f"co-{n}") for n in range(3)]
    content = workflow.proposed_content(story)
    content.authors = [*content.authors, *(author.pk for author in others)]
    workflow.edit(story, content, by=newsroom.editor)
    with CaptureQueriesContext(connection) as after:
        page = client.get(url)
    assert len(after) == len(before) + len(others)
    assert "Co-writer 2" in page.content.decode()


def test_a_search_is_counted_up_to_a_limit(client, newsroom, monkeypatch):
    from articles.admin.articles import SearchPaginator

    monkeypatch.setattr(SearchPaginator, "COUNT_UP_TO", 4)
    client.force_login(newsroom.editor)
    url = reverse("admin:articles_article_changelist")
    page = client.get(url, {"q": "harbour"}).content.decode()
    assert "More than 4 results" in page
    assert "More than 4 articles" in page
    monkeypatch.setattr(SearchPaginator, "COUNT_UP_TO", 10)
    narrow = client.get(url, {"q": "harbour"}).content.decode()
    assert "6 results" in narrow and "More than" not in narrow
    # Without a search the list says how many stories there are.
    assert "6 articles" in client.get(url).content.decode()
