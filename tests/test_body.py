from datetime import timedelta

import pytest
from django.utils import timezone

from articles.body import photo_ids, render_body
from articles.sanitize import sanitize_html
from tests.factories import make_article, make_credit, make_photo, make_section

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
    assert f'<img src="{photo.image.url}" alt="Robots on a factory floor"' in html
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
