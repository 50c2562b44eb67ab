from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import related
from articles.models import Article, RelatedExclusion, RelatedIndexEntry, RelatedLink
from tests.factories import (
    change_form_data,
    make_article,
    make_role_user,
    make_section,
)

pytestmark = pytest.mark.django_db


def headlines(articles):
    return [article.headline for article in articles]


@pytest.fixture
def archive():
    """A small archive: "China" on a dozen stories, "Changsha" on two."""
    now = timezone.now()
    world = make_section(name="World", slug="world")
    for n in range(10):
        make_article(
            headline=f"Background {n}",
            section=world,
            tags=["China"],
            publish_at=now - timedelta(days=400 + n),
        )
    article = make_article(
        headline="Changsha bets on robots",
        section=world,
        tags=["China", "Changsha", "robots"],
        publish_at=now - timedelta(days=1),
    )
    return {"now": now, "world": world, "article": article}


def related_for(article, limit=5):
    article = Article.objects.prefetch_related("tags").get(pk=article.pk)
    return related.related_articles(article, limit)


def test_rare_shared_tag_beats_common_shared_tag(archive):
    now, world = archive["now"], archive["world"]
    common = make_article(
        headline="Shares China",
        section=world,
        tags=["China"],
        publish_at=now - timedelta(days=2),
    )
    rare = make_article(
        headline="Shares Changsha",
        section=world,
        tags=["Changsha"],
        publish_at=now - timedelta(days=2),
    )
    order = headlines(related_for(archive["article"]))
    assert order.index(rare.headline) < order.index(common.headline)


def test_more_shared_weight_ranks_higher_and_self_never_appears(archive):
    now, world = archive["now"], archive["world"]
    make_article(
        headline="Shares Changsha and robots",
        section=world,
        tags=["Changsha", "robots"],
        publish_at=now - timedelta(days=3),
    )
    make_article(
        headline="Shares Changsha",
        section=world,
        tags=["Changsha"],
        publish_at=now - timedelta(days=3),
    )
    order = headlines(related_for(archive["article"]))
    assert order[:2] == ["Shares Changsha and robots", "Shares Changsha"]
    assert archive["article"].headline not in order


def test_same_section_and_nearer_time_rank_higher(archive):
    now = archive["now"]
    other = make_section(name="Business", slug="business")
    for headline, section, days in [
        ("Same section, same week", archive["world"], 3),
        ("Other section, same week", other, 3),
        ("Same section, years apart", archive["world"], 1500),
    ]:
        make_article(
            headline=headline,
            section=section,
            tags=["robots"],
            publish_at=now - timedelta(days=days),
        )
    order = headlines(related_for(archive["article"], limit=20))
    expected = [
        "Same section, same week",
        "Other section, same week",
        "Same section, years apart",
    ]
    assert [h for h in order if h in expected] == expected


def test_pinned_first_in_editor_order_then_automatic(archive):
    now = archive["now"]
    best = make_article(
        headline="Best automatic", tags=["Changsha"], publish_at=now - timedelta(1)
    )
    second = make_article(headline="Pinned second", tags=["Japan"])
    first = make_article(headline="Pinned first", tags=["Japan"])
    article = archive["article"]
    RelatedLink.objects.create(from_article=article, to_article=second, position=2)
    RelatedLink.objects.create(from_article=article, to_article=first, position=1)
    order = headlines(related_for(article))
    assert order[:3] == ["Pinned first", "Pinned second", best.headline]
    assert order.count(best.headline) == 1


def test_excluded_candidate_never_appears(archive):
    excluded = make_article(headline="Ruled out", tags=["Changsha", "robots"])
    RelatedExclusion.objects.create(
        from_article=archive["article"], to_article=excluded
    )
    assert "Ruled out" not in headlines(related_for(archive["article"], limit=50))


@pytest.mark.parametrize(
    "status",
    [Article.Status.DRAFT, Article.Status.IN_REVIEW, Article.Status.UNPUBLISHED],
)
def test_article_that_is_not_live_never_appears(archive, status):
    make_article(headline="Not live", tags=["Changsha", "robots"], status=status)
    make_article(
        headline="Scheduled for tomorrow",
        tags=["Changsha", "robots"],
        status=Article.Status.SCHEDULED,
        publish_at=timezone.now() + timedelta(days=1),
    )
    shown = headlines(related_for(archive["article"], limit=50))
    assert "Not live" not in shown and "Scheduled for tomorrow" not in shown


def test_unpublished_story_is_hidden_even_before_the_index_is_refreshed(archive):
    pulled = make_article(headline="Pulled", tags=["Changsha"])
    assert "Pulled" in headlines(related_for(archive["article"]))
    Article.objects.filter(pk=pulled.pk).update(status=Article.Status.UNPUBLISHED)
    assert "Pulled" not in headlines(related_for(archive["article"]))
    related.refresh_for(pulled)
    assert not RelatedIndexEntry.objects.filter(article=pulled).exists()


def test_retagged_story_leaves_and_joins_lists_after_refresh(archive):
    story = make_article(headline="Retagged", tags=["Changsha"])
    story.tags.set(["Japan"])
    related.refresh_for(story)
    assert "Retagged" not in headlines(related_for(archive["article"]))
    story.tags.add("robots")
    related.refresh_for(story)
    assert "Retagged" in headlines(related_for(archive["article"]))


def test_editing_and_unpublishing_keep_the_index_current(client, archive):
    story = make_article(headline="Edited", tags=["Changsha"])
    editor = make_role_user("Editor", "desk-editor")
    client.force_login(editor)

    def indexed_tags():
        entries = RelatedIndexEntry.objects.filter(article=story)
        return sorted(entries.values_list("tag__name", flat=True))

    change = reverse("admin:articles_article_change", args=[story.pk])
    assert (
        client.post(change, change_form_data(story, tags=["Japan"])).status_code == 302
    )
    assert indexed_tags() == ["Changsha"]  # pending: readers still see the old tags
    workflow_url = reverse("admin:articles_article_workflow", args=[story.pk, "x"])
    client.post(workflow_url.replace("/x/", "/publish_changes/"))
    assert indexed_tags() == ["Japan"]
    client.post(workflow_url.replace("/x/", "/unpublish/"))
    assert indexed_tags() == []


def test_import_refreshes_the_index(tmp_path):
    path = tmp_path / "articles.json"
    path.write_text(
        '{"format": "newsroom-articles", "version": 1, "articles": [{'
        '"slug": "imported", "headline": "Imported", "section": "World",'
        '"standfirst": "A story from the archive.",'
        '"published_at": "2026-03-26T08:30:00+00:00", "status": "published",'
        '"body_html": "<p>x</p>", "tags": ["Changsha", "China"],'
        '"authors": ["Mei Lin"]}]}'
    )
    from articles.interchange import import_articles

    import_articles(path)
    entries = RelatedIndexEntry.objects.filter(article__slug="imported")
    assert sorted(entries.values_list("tag__name", flat=True)) == ["Changsha", "China"]


def test_refresh_related_command_rebuilds_the_index(archive):
    from django.core.management import call_command

    expected = sorted(RelatedIndexEntry.objects.values_list("article_id", "tag_id"))
    RelatedIndexEntry.objects.all().delete()
    call_command("refresh_related", no_progress=True)
    assert sorted(RelatedIndexEntry.objects.values_list("article_id", "tag_id")) == (
        expected
    )


def _page_queries(client, article) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return len(queries)


def test_article_page_query_count_is_the_same_in_a_larger_archive(client, archive):
    article = archive["article"]
    pinned = make_article(tags=["Japan"])
    RelatedLink.objects.create(from_article=article, to_article=pinned)
    make_article(tags=["Changsha"])
    small = _page_queries(client, article)
    sections = [make_section() for _ in range(3)]
    for n in range(60):
        make_article(
            section=sections[n % 3],
            tags=["China", "robots", f"topic {n % 7}"][: 1 + n % 3],
        )
    assert _page_queries(client, article) == small
