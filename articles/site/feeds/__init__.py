"""RSS 2.0 and Atom feeds over `Article.objects.live()`: the latest articles, and
per section, tag and author (`views`), written with Media RSS pictures
(`formats`)."""
