from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from articles.models import Article, Photo, PhotoCredit, Section, photo_problems
from tests.factories import make_article, make_credit, make_photo

Status = Article.Status


@pytest.mark.parametrize(
    ("parts", "line"),
    [
        (
            {
                "photographer": "Feng Fei",
                "agency": "Imaginechina",
                "distributor": "AFP",
            },
            "Photo: Feng Fei / Imaginechina via AFP",
        ),
        ({"distributor": "AFP"}, "Photo: AFP"),
        (
            {"photographer": "Feng Fei", "agency": "Imaginechina"},
            "Photo: Feng Fei / Imaginechina",
        ),
        ({"photographer": "Feng Fei", "distributor": "AFP"}, "Photo: Feng Fei via AFP"),
        (
            {"agency": "Imaginechina", "distributor": "AFP"},
            "Photo: Imaginechina via AFP",
        ),
        ({"photographer": "Feng Fei"}, "Photo: Feng Fei"),
    ],
)
def test_credit_line_formats(parts, line):
    assert PhotoCredit(**parts).line == line


@pytest.mark.django_db
def test_empty_credit_is_refused():
    with pytest.raises(ValidationError):
        PhotoCredit().full_clean()


@pytest.mark.django_db
def test_section_slug_cannot_shadow_site_paths():
    with pytest.raises(ValidationError) as error:
        Section(name="Tags", slug="tags").full_clean()
    assert "slug" in error.value.message_dict


@pytest.mark.django_db
class TestLive:
    def test_published_article_with_past_time_is_live(self):
        article = make_article()
        assert list(Article.objects.live()) == [article]
        assert article.is_live()

    def test_draft_is_not_live(self):
        article = make_article(status=Status.DRAFT)
        assert not Article.objects.live().exists()
        assert not article.is_live()

    @pytest.mark.parametrize("status", [Status.IN_REVIEW, Status.UNPUBLISHED])
    def test_other_unpublished_states_are_not_live(self, status):
        make_article(status=status)
        assert not Article.objects.live().exists()

    def test_future_publish_time_is_hidden_until_reached(self):
        article = make_article(
            status=Status.SCHEDULED, publish_at=timezone.now() + timedelta(minutes=5)
        )
        assert not Article.objects.live().exists()
        Article.objects.filter(pk=article.pk).update(
            publish_at=timezone.now() - timedelta(seconds=1)
        )
        assert list(Article.objects.live()) == [article]

    def test_published_without_publish_time_is_not_live(self):
        make_article(publish_at=None)
        assert not Article.objects.live().exists()


@pytest.mark.django_db
def test_body_is_sanitised_on_save():
    article = make_article(
        body='<p onclick="steal()">Hi <script>alert(1)</script>'
        '<a href="javascript:x">bad</a> <a href="https://example.com/">good</a>'
        "<img src=x onerror=alert(1)></p>"
    )
    article.refresh_from_db()
    assert "script" not in article.body
    assert "onclick" not in article.body
    assert "javascript:" not in article.body
    assert "<img" not in article.body
    assert (
        '<a href="https://example.com/" rel="noopener noreferrer">good</a>'
        in article.body
    )


@pytest.mark.django_db
def test_photo_records_dimensions_and_fingerprint():
    photo = make_photo()
    assert (photo.width, photo.height) == (800, 450)
    assert len(photo.sha256) == 64


@pytest.mark.django_db
def test_photo_problems_name_what_blocks_publication():
    credit = make_credit(agency="AFP")
    assert photo_problems(make_photo(credit=credit)) == []
    assert photo_problems(None) == []
    problems = photo_problems(
        make_photo(
            alt_text=" ",
            licence_expires_on=timezone.localdate() - timedelta(days=1),
        )
    )
    assert [p.split(":")[0] for p in problems] == [
        "The photo has no alt text",
        "The photo has no credit",
        f"The photo's licence expired on "
        f"{timezone.localdate() - timedelta(days=1):%d %b %Y}",
    ]


@pytest.mark.django_db
def test_licence_querysets_split_expired_from_expiring(settings):
    settings.NEWSROOM_LICENCE_WARNING_DAYS = 7
    today = timezone.localdate()
    expired = make_photo(licence_expires_on=today - timedelta(days=1))
    last_day = make_photo(licence_expires_on=today)
    in_a_week = make_photo(licence_expires_on=today + timedelta(days=7))
    make_photo(licence_expires_on=today + timedelta(days=8))
    make_photo()
    assert list(Photo.objects.licence_expired()) == [expired]
    assert set(Photo.objects.licence_expiring()) == {last_day, in_a_week}
    assert last_day.is_shown_to_readers and not expired.is_shown_to_readers


@pytest.mark.django_db
def test_hero_photo_is_hidden_from_readers_after_expiry():
    photo = make_photo(licence_expires_on=timezone.localdate() - timedelta(days=1))
    article = make_article(hero_photo=photo)
    assert article.hero_photo == photo
    assert article.public_hero_photo is None


@pytest.mark.django_db
def test_credit_parts_keep_the_spelling_already_in_use():
    first = PhotoCredit.objects.for_parts(agency="Imaginechina", distributor="AFP")
    again = PhotoCredit.objects.for_parts(agency=" IMAGINECHINA", distributor="afp")
    other = PhotoCredit.objects.for_parts(photographer="Feng  Fei", distributor="Afp")
    assert again == first
    assert other.line == "Photo: Feng Fei via AFP"
    assert PhotoCredit.objects.for_parts() is None


@pytest.mark.django_db
def test_undated_drafts_sort_after_dated_articles_on_every_database():
    from tests.factories import make_article

    draft = make_article(status=Article.Status.DRAFT, publish_at=None)
    dated = make_article()
    assert list(Article.objects.all()) == [dated, draft]
