import pytest
from django.core.management import call_command
from django.urls import reverse
from reversion.models import Version
from taggit.models import Tag

from articles.models import Article, RelatedIndexEntry, TagRedirect
from articles.tags import with_usage
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def tag_names(article):
    return sorted(tag.name for tag in Article.objects.get(pk=article.pk).tags.all())


def merge(admin_client, tags, survivor):
    url = reverse("admin:taggit_tag_changelist")
    ids = [str(tag.pk) for tag in tags]
    page = admin_client.post(url, {"action": "merge_selected", "_selected_action": ids})
    assert page.status_code == 200
    assert "Keep which tag?" in page.content.decode()
    return admin_client.post(
        url,
        {
            "action": "merge_selected",
            "_selected_action": ids,
            "survivor": survivor.pk,
            "merge": "Merge",
        },
        follow=True,
    )


def test_merging_ai_into_artificial_intelligence_in_the_admin(client, admin_client):
    both = make_article(tags=["AI", "artificial intelligence", "China"])
    only_ai = make_article(tags=["AI", "Changsha"])
    only_long = make_article(tags=["artificial intelligence"])
    untouched = make_article(tags=["Japan"])
    ai = Tag.objects.get(name="AI")
    survivor = Tag.objects.get(name="artificial intelligence")

    response = merge(admin_client, [ai, survivor], survivor)

    assert "Merged AI into artificial intelligence; 2 articles retagged." in (
        response.content.decode()
    )
    assert tag_names(both) == ["China", "artificial intelligence"]
    assert tag_names(only_ai) == ["Changsha", "artificial intelligence"]
    assert tag_names(only_long) == ["artificial intelligence"]
    assert tag_names(untouched) == ["Japan"]
    assert not Tag.objects.filter(name="AI").exists()
    old = client.get("/tags/ai/")
    assert old.status_code == 301
    assert old["Location"] == "/tags/artificial-intelligence/"
    page = client.get("/tags/artificial-intelligence/").content.decode()
    for article in (both, only_ai, only_long):
        assert article.headline in page
    indexed = RelatedIndexEntry.objects.filter(article=only_ai)
    assert sorted(indexed.values_list("tag__name", flat=True)) == [
        "Changsha",
        "artificial intelligence",
    ]


def test_merging_several_tags_keeps_one_copy_and_chains_redirects(admin_client):
    article = make_article(tags=["Hong Kong", "HK", "Hongkong", "Trade"])
    names = ["Hong Kong", "HK", "Hongkong"]
    tags = list(Tag.objects.filter(name__in=names))
    survivor = Tag.objects.get(name="Hong Kong")
    merge(admin_client, tags, survivor)
    assert tag_names(article) == ["Hong Kong", "Trade"]
    assert set(TagRedirect.objects.values_list("old_slug", flat=True)) == {
        "hk",
        "hongkong",
    }
    newer = make_article(tags=["Hong Kong SAR"])
    merge(admin_client, [survivor, *newer.tags.all()], newer.tags.get())
    assert set(TagRedirect.objects.values_list("old_slug", "tag__name").distinct()) == {
        ("hk", "Hong Kong SAR"),
        ("hongkong", "Hong Kong SAR"),
        ("hong-kong", "Hong Kong SAR"),
    }


def test_merge_needs_two_tags(admin_client):
    make_article(tags=["Japan"])
    response = admin_client.post(
        reverse("admin:taggit_tag_changelist"),
        {"action": "merge_selected", "_selected_action": [Tag.objects.get().pk]},
        follow=True,
    )
    assert "Select at least two tags to merge." in response.content.decode()
    assert Tag.objects.count() == 1


def test_tag_list_shows_usage_counts(admin_client):
    make_article(tags=["China", "Changsha"])
    make_article(tags=["China"])
    make_article(tags=["China"], status=Article.Status.DRAFT)
    html = admin_client.get(reverse("admin:taggit_tag_changelist")).content.decode()
    china = Tag.objects.get(name="China")
    assert f'?tags__id__exact={china.pk}">3</a>' in html
    changsha = Tag.objects.get(name="Changsha")
    assert f'?tags__id__exact={changsha.pk}">1</a>' in html


def test_near_duplicates_are_found_and_offered_for_merging(admin_client):
    make_article(tags=["Hunan province"])
    make_article(tags=["Hunan province", "Japan"])
    Tag.objects.create(name="hunan  province", slug="hunan-province-2")
    Tag.objects.create(name="HunanProvince", slug="hunanprovince")
    html = admin_client.get(
        reverse("admin:taggit_tag_near_duplicates")
    ).content.decode()
    group = html[html.index("Hunan province") :]
    group = group[: group.index("</tr>")]
    assert "hunan  province" in group and "HunanProvince" in group
    assert "Japan" not in html
    assert 'value="merge_selected"' in group


def test_renaming_to_a_near_duplicate_is_refused_with_a_message(admin_client):
    make_article(tags=["AI", "Robots"])
    robots = Tag.objects.get(name="Robots")
    response = admin_client.post(
        reverse("admin:taggit_tag_change", args=[robots.pk]),
        {"name": "ai", "slug": "robots"},
    )
    assert response.status_code == 200
    assert "differs from this name only in case or spacing" in (
        response.content.decode()
    )
    robots.refresh_from_db()
    assert robots.name == "Robots"


def test_renaming_a_tag_keeps_its_old_address(client, admin_client):
    make_article(tags=["Hunan"])
    tag = Tag.objects.get()
    response = admin_client.post(
        reverse("admin:taggit_tag_change", args=[tag.pk]),
        {"name": "Hunan province", "slug": "hunan-province"},
    )
    assert response.status_code == 302
    moved = client.get("/tags/hunan/")
    assert (moved.status_code, moved["Location"]) == (301, "/tags/hunan-province/")
    assert (
        "<h1>Hunan province</h1>"
        in client.get("/tags/hunan-province/").content.decode()
    )


def test_seed_archive_builds_a_skewed_archive():
    call_command("seed_archive", articles=600, tags=80, no_progress=True)
    assert Article.objects.count() == 600
    usage = sorted(
        with_usage(Tag.objects.all()).values_list("usage", flat=True), reverse=True
    )
    assert len(usage) == 80
    assert usage[0] > 600 / 5  # the head sits on a large share of articles
    assert usage[len(usage) // 2] < usage[0] / 10  # the long tail on a few
    assert Article.objects.exclude(status=Article.Status.PUBLISHED).exists()
    live = set(Article.objects.live().values_list("pk", flat=True))
    indexed = set(RelatedIndexEntry.objects.values_list("article_id", flat=True))
    assert indexed <= set(
        Article.objects.filter(status__in=Article.LIVE_STATUSES).values_list(
            "pk", flat=True
        )
    )
    assert live - indexed == set()
    call_command("seed_archive", articles=10, tags=80, no_progress=True)
    assert Article.objects.count() == 610


def test_tag_reusing_an_old_address_can_itself_be_merged_away(client, admin_client):
    make_article(tags=["AI", "robots"])
    ai, robots = Tag.objects.get(name="AI"), Tag.objects.get(name="robots")
    merge(admin_client, [ai, robots], robots)
    again = make_article(tags=["AI"])
    assert Tag.objects.get(name="AI").slug == "ai"
    assert client.get("/tags/ai/").status_code == 200
    merge(admin_client, [Tag.objects.get(name="AI"), robots], robots)
    assert tag_names(again) == ["robots"]
    assert client.get("/tags/ai/")["Location"] == "/tags/robots/"


def test_merged_tag_keeps_its_feed_subscribers_and_pending_changes(
    admin_client, client, editor
):
    from articles import workflow

    ai = make_article(tags=["AI"]).tags.get()
    survivor = make_article(tags=["artificial intelligence"]).tags.get()
    live = make_article(tags=["Trade"])
    content = workflow.proposed_content(live)
    content.tags = ["Trade", "AI"]
    workflow.edit(live, content, by=editor)
    merge(admin_client, [ai, survivor], survivor)

    response = client.get(f"/feeds/tags/{ai.slug}/")
    assert response.status_code == 301
    assert response["Location"] == f"/feeds/tags/{survivor.slug}/"
    workflow.publish_changes(live, by=editor)
    assert tag_names(live) == ["Trade", "artificial intelligence"]
    assert not Tag.objects.filter(name="AI").exists()


def test_a_form_opened_before_a_merge_is_refused_and_the_merge_is_recorded(
    admin_client, editor, settings, django_capture_on_commit_callbacks
):
    from articles.models import ArticleEvent, Webhook
    from tests.factories import change_form_data
    from tests.receiver import Receiver

    settings.NEWSROOM_WEBHOOKS_IN_BACKGROUND = False
    settings.NEWSROOM_WEBHOOK_ALLOWED_HOSTS = [Receiver.host]
    live = make_article(headline="Robots", tags=["AI", "China"])
    draft = make_article(status=Article.Status.DRAFT, publish_at=None, tags=["AI"])
    form = change_form_data(draft, headline="Robots, the draft")
    ai, survivor = Tag.objects.get(name="AI"), Tag.objects.create(name="Robotics")
    with Receiver() as receiver:
        Webhook.objects.create(name="All", url=receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            merge(admin_client, [ai, survivor], survivor)
        [event] = receiver.events()
    # The live story's subscribers hear of its new tags.
    assert event["type"] == "article.updated"
    tags = event["data"]["article"]["tags"]
    assert [t["name"] for t in tags] == ["China", "Robotics"]
    for article in (live, draft):
        merged = ArticleEvent.objects.get(article=article, action="retag")
        assert merged.comment == "Tags merged: “AI” into “Robotics”"
        assert Version.objects.get_for_object(article).first().revision.comment == (
            merged.comment
        )
    # The form opened before the merge cannot bring the merged tag back.
    response = admin_client.post(
        reverse("admin:articles_article_change", args=[draft.pk]), form, follow=True
    )
    assert "Someone else saved this article" in response.content.decode()
    assert tag_names(draft) == ["Robotics"]
    assert not Tag.objects.filter(name="AI").exists()


def test_a_renamed_tag_is_found_by_its_new_name_only(client, admin_client):
    article = make_article(headline="Rice harvest", tags=["Hunan"])
    tag = Tag.objects.get()
    admin_client.post(
        reverse("admin:taggit_tag_change", args=[tag.pk]),
        {"name": "Xiang", "slug": "xiang"},
    )

    def found(words):
        return [a.pk for a in client.get("/search/", {"q": words}).context["articles"]]

    assert found("Xiang") == [article.pk]
    assert found("Hunan") == []
    renamed = article.events.get(action="retag")
    assert renamed.comment == "Tag renamed: “Hunan” to “Xiang”"
