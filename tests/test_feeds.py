from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article, make_author

pytestmark = pytest.mark.django_db


def test_latest_feed_lists_live_articles_newest_first(client):
    now = timezone.now()
    make_article(headline="Older story", publish_at=now - timedelta(days=2))
    make_article(
        headline="Newer story",
        publish_at=now - timedelta(hours=1),
        authors=[make_author(name="Mei Lin")],
        tags=["Changsha"],
    )
    make_article(headline="Draft story", status=Article.Status.DRAFT)
    make_article(headline="Tomorrow's story", publish_at=now + timedelta(days=1))
    response = client.get("/feeds/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    xml = response.content.decode()
    assert xml.index("Newer story") < xml.index("Older story")
    assert "Draft story" not in xml and "Tomorrow" not in xml
    assert "<category>Changsha</category>" in xml and "Mei Lin" in xml


def test_tag_feed_lists_only_that_tags_live_articles(client):
    make_article(headline="Robots in Changsha", tags=["Changsha"])
    make_article(headline="Tokyo wages", tags=["Japan"])
    make_article(headline="Draft in Changsha", tags=["Changsha"], status="draft")
    xml = client.get("/feeds/tags/changsha/").content.decode()
    assert "Robots in Changsha" in xml
    assert "Tokyo wages" not in xml and "Draft in Changsha" not in xml
    assert "<link>http://testserver/tags/changsha/</link>" in xml


def test_tag_feed_404s_for_unknown_tag_or_one_without_live_articles(client):
    make_article(tags=["Only drafts"], status="draft")
    assert client.get("/feeds/tags/only-drafts/").status_code == 404
    assert client.get("/feeds/tags/no-such-tag/").status_code == 404
