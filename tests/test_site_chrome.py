"""What every visitor meets around the pages: the favicon, a refusal page with
the site around it, and sentences that read right."""

import io

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from PIL import Image

from tests.factories import make_role_user

pytestmark = pytest.mark.django_db


def test_the_favicon_is_found_and_every_page_links_it(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == static("articles/favicon.ico")
    with open(finders.find("articles/favicon.ico"), "rb") as icon:
        assert Image.open(io.BytesIO(icon.read())).format == "ICO"
    home = client.get("/").content.decode()
    assert f'<link rel="icon" href="{static("articles/favicon.ico")}"' in home


def test_staff_without_rights_get_a_refusal_with_the_site_around_it(client):
    client.force_login(make_role_user("Writer", "wendy"))
    response = client.get("/admin/auth/user/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "<h1>You may not open this page</h1>" in page
    assert 'class="skip-link"' in page  # the site's own page, not a bare text
    assert 'href="/admin/">your desk</a>' in page
