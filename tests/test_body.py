import time
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from articles.body import inline_photos, photo_ids, render_body, with_library_text
from articles.models import Photo
from articles.photos.renditions import rendition_names
from articles.sanitize import sanitize_html
from tests.factories import (
    make_article,
    make_credit,
    make_photo,
    make_rendered_photo,
    make_section,
)

# What the body editor produces for every kind of content it offers.
EDITOR_OUTPUT = (
    "<h2>Why Changsha</h2>"
    "<p>The city bets on <strong>robots</strong>, <em>cheap</em> land and "
    '<a href="https://example.com/park" rel="noopener noreferrer">a new park</a>.'
    "<br>Second line.</p>"
    '<figure data-photo="12"></figure>'
    "<h3>What it costs</h3>"
    "<ul><li><p>Subsidies</p></li></ul>"
    '<ol start="3"><li><p>Three</p></li></ol>'
    "<blockquote><p>“A quote.”</p></blockquote>"
    "<h4>Notes</h4><p><u>u</u> <s>s</s> H<sub>2</sub>O x<sup>2</sup> <code>c</code></p>"
    "<hr><pre><code>code block</code></pre>"
)


def test_everything_the_editor_produces_survives_the_sanitiser_unchanged():
    assert sanitize_html(EDITOR_OUTPUT) == EDITOR_OUTPUT


def test_deep_nesting_is_cleaned_quickly_and_normal_nesting_unchanged():
    # Within the limit, the body is what it was (a long list of unclosed items
    # is not nesting).
    nested = "<blockquote>" * 200 + "<p>Deep</p>" + "</blockquote>" * 200
    assert sanitize_html(nested) == nested
    items = "<ul>" + "<li><p>item" * 400 + "</ul>"
    assert sanitize_html(items).count("<li>") == 400
    # Past it, the deeper tags go and their text stays; 26,000 unclosed <div>s
    # take well under a second instead of minutes.
    hostile = "<div>x" * 26_000
    started = time.process_time()
    cleaned = sanitize_html(hostile)
    assert time.process_time() - started < 1.0
    assert cleaned.count("x") == 26_000


def test_empty_link_title_from_the_editor_is_dropped():
    assert sanitize_html('<p><a href="https://example.com" title="">x</a></p>') == (
        '<p><a href="https://example.com" rel="noopener noreferrer">x</a></p>'
    )


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        (
            '<figure data-photo="12" onerror="alert(1)" onclick="alert(2)"></figure>',
            '<figure data-photo="12"></figure>',
        ),
        (
            '<figure data-photo="12"><script>alert(1)</script></figure><p>After</p>',
            '<figure data-photo="12"></figure><p>After</p>',
        ),
        (
            '<figure data-photo="12"><img src="x" onerror="alert(1)">'
            "<figcaption>Fake credit</figcaption></figure>",
            '<figure data-photo="12"></figure>',
        ),
        (
            '<figure data-photo="12"><a href="javascript:alert(1)">x</a>'
            '<figure data-photo="13"><p>inner</p></figure>tail</figure><p>After</p>',
            '<figure data-photo="12"></figure><p>After</p>',
        ),
        (
            '<figure data-photo="javascript:alert(1)"><figcaption>c</figcaption>'
            "</figure>",
            "<figure><figcaption>c</figcaption></figure>",
        ),
        (
            "<figure data-photo='12\" onmouseover=\"alert(1)'></figure>",
            "<figure></figure>",
        ),
        ('<figure data-photo="-3"></figure>', "<figure></figure>"),
        ('<figure data-photo="0"></figure>', "<figure></figure>"),
        (
            '<figure data-photo=" 12 " class="wide" style="color:red"></figure>',
            '<figure data-photo="12"></figure>',
        ),
        (
            '<p><a href="javascript:alert(1)">x</a><img src=x onerror=alert(1)></p>',
            '<p><a rel="noopener noreferrer">x</a></p>',
        ),
        ('<p data-photo="12" onclick="x()">Text</p>', "<p>Text</p>"),
        ("<svg><script>alert(1)</script></svg><p>ok</p>", "<p>ok</p>"),
    ],
)
def test_sanitiser_refuses_scripts_handlers_and_bad_references_even_in_figures(
    sent, kept
):
    assert sanitize_html(sent) == kept


def test_sanitiser_keeps_text_and_entities_around_photo_figures():
    html = '<p>Fish &amp; chips &lt;3 ©</p><figure data-photo="5"></figure><p>x</p>'
    assert sanitize_html(html) == html


def test_photo_ids_lists_references_in_order():
    body = sanitize_html(
        '<figure data-photo="7"></figure><p>a</p><figure data-photo="3"></figure>'
    )
    assert photo_ids(body) == [7, 3]


@pytest.mark.django_db
def test_inline_photo_renders_with_image_alt_caption_and_credit():
    photo = make_photo(
        credit=make_credit(
            photographer="Feng Fei", agency="Imaginechina", distributor="AFP"
        ),
        alt_text="Robots on a factory floor",
        caption="A robot line <b>in</b> Changsha.",
    )
    html = render_body(
        f'<p>Before.</p><figure data-photo="{photo.pk}"></figure><p>After.</p>'
    )
    assert html.startswith('<p>Before.</p><figure class="inline-photo">')
    assert html.endswith("</figure>\n<p>After.</p>")
    assert 'alt="Robots on a factory floor"' in html
    assert 'width="800" height="450"' in html
    assert "A robot line &lt;b&gt;in&lt;/b&gt; Changsha." in html
    assert "Photo: Feng Fei / Imaginechina via AFP." in html
    assert 'data-photo="' not in html


@pytest.mark.django_db
def test_inline_photo_without_caption_or_credit_has_no_empty_caption():
    photo = make_photo(caption="", credit=None)
    html = render_body(f'<figure data-photo="{photo.pk}"></figure>')
    assert "<img" in html and "<figcaption>" not in html


@pytest.mark.django_db
def test_reference_to_a_photo_that_left_the_library_renders_nothing():
    photo = make_photo()
    gone = photo.pk
    photo.delete()
    html = render_body(f'<p>Before.</p><figure data-photo="{gone}"></figure><p>A.</p>')
    assert html == "<p>Before.</p><p>A.</p>"


@pytest.mark.django_db
def test_inline_photo_whose_licence_ended_is_left_out():
    ended = make_photo(licence_expires_on=timezone.localdate() - timedelta(days=1))
    last_day = make_photo(caption="Last day", licence_expires_on=timezone.localdate())
    html = render_body(
        f'<figure data-photo="{ended.pk}"></figure><p>A.</p>'
        f'<figure data-photo="{last_day.pk}"></figure>'
    )
    assert html.startswith("<p>A.</p>") and "Last day" in html
    assert ended.image.name.rsplit("/", 1)[-1].split(".")[0] not in html


@pytest.mark.django_db
def test_article_page_shows_inline_photos_where_the_writer_put_them(client):
    first = make_photo(caption="First picture", credit=make_credit(distributor="AFP"))
    second = make_photo(caption="Second picture")
    article = make_article(
        section=make_section(),
        body=(
            f'<p>One.</p><figure data-photo="{second.pk}"></figure><p>Two.</p>'
            f'<figure data-photo="{first.pk}"></figure>'
        ),
    )
    html = client.get(article.get_absolute_url()).content.decode()
    body = html[html.index('<div class="article__body">') :]
    order = [body.index(s) for s in ["One.", "Second picture", "Two.", "First pic"]]
    assert order == sorted(order)
    assert "Photo: AFP." in body
    assert "articles/article-body.css" in html


def test_sanitiser_keeps_each_uses_caption_and_alt_text_escaped():
    sent = (
        '<figure data-alt=\'Pupils &amp; "robots" <b>\' data-photo="12" '
        'data-caption="Changsha, <script>alert(1)</script>" onclick="x()">'
        "<figcaption>ignored</figcaption></figure>"
        '<figure data-photo="13" data-caption=""></figure>'
    )
    kept = (
        '<figure data-photo="12" data-caption="Changsha, &lt;script&gt;alert(1)'
        '&lt;/script&gt;" data-alt="Pupils &amp; &quot;robots&quot; &lt;b&gt;">'
        '</figure><figure data-photo="13" data-caption=""></figure>'
    )
    assert sanitize_html(sent) == kept
    assert sanitize_html(kept) == kept
    assert inline_photos(kept) == [
        (12, "Changsha, <script>alert(1)</script>", 'Pupils & "robots" <b>'),
        (13, "", None),
    ]
    assert photo_ids(kept) == [12, 13]


def test_a_photos_text_without_the_photo_is_dropped():
    assert sanitize_html('<figure data-caption="x" data-alt="y"></figure>') == (
        "<figure></figure>"
    )


@pytest.mark.django_db
def test_inline_photo_shows_this_storys_caption_and_alt_text():
    photo = make_photo(
        caption="Library caption",
        alt_text="Library alt",
        credit=make_credit(distributor="AFP"),
    )
    html = render_body(
        f'<figure data-photo="{photo.pk}" data-caption="Pupils &lt;b&gt; at work" '
        f'data-alt="Two pupils and a robot"></figure>'
        f'<figure data-photo="{photo.pk}" data-caption=""></figure>'
        f'<figure data-photo="{photo.pk}"></figure>'
    )
    first, second, third = html.split("</figure>")[:3]
    assert "Pupils &lt;b&gt; at work" in first and 'alt="Two pupils and a robot"' in (
        first
    )
    assert "Library caption" not in first
    # An empty caption for this use prints none, but keeps the credit.
    assert "inline-photo__caption" not in second and "Photo: AFP." in second
    assert 'alt="Library alt"' in second
    # A body from before per-use text shows the library's.
    assert "Library caption" in third and 'alt="Library alt"' in third


@pytest.mark.django_db
def test_library_text_is_written_into_figures_that_have_none():
    photo = make_photo(caption='Say "cheese" & smile', alt_text="A smile")
    body = (
        f'<figure data-photo="{photo.pk}"></figure>'
        f'<figure data-photo="{photo.pk}" data-caption="Own"></figure>'
        '<figure data-photo="999999"></figure>'
    )
    filled = with_library_text(body)
    assert filled == (
        f'<figure data-photo="{photo.pk}" data-caption="Say &quot;cheese&quot; '
        f'&amp; smile" data-alt="A smile"></figure>'
        f'<figure data-photo="{photo.pk}" data-caption="Own" data-alt="A smile">'
        '</figure><figure data-photo="999999"></figure>'
    )
    assert sanitize_html(filled) == filled


@pytest.mark.django_db
def test_two_stories_keep_their_own_caption_when_the_library_changes(client):
    photo = make_photo(caption="Library caption", alt_text="Library alt")
    first, second = (
        make_article(
            body=f'<p>x</p><figure data-photo="{photo.pk}" data-caption="{caption}" '
            f'data-alt="{alt}"></figure>'
        )
        for caption, alt in [
            ("Robots in Changsha", "A robot arm"),
            ("A classroom in Hunan", "Pupils at desks"),
        ]
    )
    photo.caption, photo.alt_text = "Rewritten by someone", "Rewritten alt"
    photo.save()
    one = client.get(first.get_absolute_url()).content.decode()
    two = client.get(second.get_absolute_url()).content.decode()
    assert "Robots in Changsha" in one and 'alt="A robot arm"' in one
    assert "A classroom in Hunan" in two and 'alt="Pupils at desks"' in two
    assert "Rewritten" not in one + two


@pytest.mark.django_db
def test_inline_photos_are_served_from_renditions_with_srcset(client):
    photo = make_rendered_photo()
    article = make_article(body=f'<figure data-photo="{photo.pk}"></figure>')
    html = client.get(article.get_absolute_url()).content.decode()
    body = html[html.index('<div class="article__body">') :]
    figure = body[: body.index("</figure>")]
    assert '<source type="image/webp" srcset="' in figure
    assert 'sizes="(min-width: 752px) 720px, calc(100vw - 2rem)"' in figure
    assert " 640w" in figure and " 1200w" in figure
    assert 'loading="lazy"' in figure
    for name in rendition_names(photo.renditions):
        assert default_storage.exists(name)
    assert photo.image.name not in html


@pytest.mark.django_db
def test_a_photo_without_renditions_is_left_out_of_the_body():
    photo = make_photo(caption="No renditions yet")
    Photo.objects.filter(pk=photo.pk).update(renditions={})
    assert render_body(f'<p>a</p><figure data-photo="{photo.pk}"></figure>') == (
        "<p>a</p>"
    )
