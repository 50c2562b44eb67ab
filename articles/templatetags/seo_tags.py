from django import template

from articles.photos.renditions import social_card
from articles.site import seo

register = template.Library()


@register.inclusion_tag("articles/includes/article_meta.html", takes_context=True)
def article_meta(context, article, coverage=None):
    """Open Graph tags and JSON-LD for an article page's <head>: NewsArticle,
    or LiveBlogPosting with its updates for live coverage."""
    request = context["request"]
    photo = article.public_hero_photo
    card = social_card(photo) if photo else None
    return {
        "article": article,
        "site_name": context.get("site_name", ""),
        "url": request.build_absolute_uri(article.get_absolute_url()),
        "photo": photo,
        "card_url": request.build_absolute_uri(card["url"]) if card else "",
        "card": card,
        "json_ld": seo.json_ld_script(
            seo.live_blog_posting(article, coverage.updates, request)
            if coverage
            else seo.news_article(article, request)
        ),
    }
