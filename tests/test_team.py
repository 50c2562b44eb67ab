"""Admins run the team: create users with a role, set-password links, deactivation."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from django.utils.html import escape

from articles.models import Author
from tests.factories import make_article, make_author, make_role_user, make_user

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def site_admin(client):
    admin = make_role_user("Admin", "siteadmin")
    client.force_login(admin)
    return admin


def create_user(client, **over):
    data = {
        "username": "mei",
        "first_name": "Mei",
        "last_name": "Lin",
        "email": "mei@example.com",
        "role": Group.objects.get(name="Writer").pk,
        **over,
    }
    return client.post(reverse("admin:auth_user_add"), data, follow=True)


def test_admin_creates_a_writer_in_one_step_and_the_link_sets_a_password(
    client, site_admin
):
    response = create_user(client)
    assert any(
        "sent a link to mei@example.com" in str(m) for m in response.context["messages"]
    )
    mei = User.objects.get(username="mei")
    assert list(mei.groups.values_list("name", flat=True)) == ["Writer"]
    assert mei.is_staff and not mei.has_usable_password()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["mei@example.com"]

    link = re.search(r"http://testserver(/accounts/reset/\S+)", mail.outbox[0].body)[1]
    client.logout()
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    done = client.post(
        set_url,
        {"new_password1": "Harbour-lights-729", "new_password2": "Harbour-lights-729"},
        follow=True,
    )
    assert done.status_code == 200
    assert logs_in(client, "mei", "Harbour-lights-729")
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.parametrize(
    ("over", "field"),
    [({"role": ""}, "role"), ({"email": ""}, "email"), ({"username": ""}, "username")],
)
def test_user_cannot_be_created_without_role_email_or_name(
    client, site_admin, over, field
):
    response = create_user(client, **over)
    assert field in response.context["adminform"].form.errors
    assert not User.objects.filter(email="mei@example.com").exists()
    assert not mail.outbox


def test_admin_changes_a_role(client, site_admin):
    writer = make_role_user("Writer", "wendy")
    editor_role = Group.objects.get(name="Editor")
    url = reverse("admin:auth_user_change", args=[writer.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in {"password", "groups", "user_permissions"}
    }
    data |= {"groups": [editor_role.pk], "last_login_0": "", "date_joined_0": ""}
    client.post(url, data)
    writer.refresh_from_db()
    assert list(writer.groups.values_list("name", flat=True)) == ["Editor"]
    assert writer.is_staff


def test_staff_without_a_role_is_refused(client):
    superuser = make_user("boss", is_staff=True, is_superuser=True)
    client.force_login(superuser)
    plain = make_user("plain")
    url = reverse("admin:auth_user_change", args=[plain.pk])
    response = client.post(
        url,
        {
            "username": "plain",
            "is_staff": "on",
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
        },
    )
    assert "Staff need a role" in response.content.decode()
    plain.refresh_from_db()
    assert not plain.is_staff


def test_deactivated_user_cannot_log_in_but_keeps_bylines(client, site_admin):
    writer = make_role_user("Writer", "wendy")
    author = make_author(name="Wendy Writer", user=writer)
    article = make_article(headline="Her story", authors=[author])
    client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "deactivate", "_selected_action": [writer.pk]},
    )
    writer.refresh_from_db()
    assert not writer.is_active
    assert Author.objects.get(pk=author.pk).user == writer
    assert article.byline_authors == [author]
    client.logout()
    assert not logs_in(client, "wendy", "correct horse battery")
    assert "Wendy Writer" in client.get(article.get_absolute_url()).content.decode()


def test_admin_cannot_deactivate_themselves(client, site_admin):
    client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "deactivate", "_selected_action": [site_admin.pk]},
    )
    site_admin.refresh_from_db()
    assert site_admin.is_active


def test_user_list_shows_role_and_last_login(client, site_admin):
    make_role_user("Editor", "eddie")
    html = client.get(reverse("admin:auth_user_changelist")).content.decode()
    assert "eddie" in html and "Editor" in html and "Last login" in html


def test_a_deactivated_users_set_password_link_no_longer_works(client, site_admin):
    create_user(client)
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mail.outbox[0].body)[1]
    User.objects.filter(username="mei").update(is_active=False)
    client.logout()
    page = client.get(link, follow=True)
    assert "new_password1" not in page.content.decode()
    set_url = page.redirect_chain[-1][0] if page.redirect_chain else link
    client.post(
        set_url,
        {"new_password1": "Harbour-lights-729", "new_password2": "Harbour-lights-729"},
    )
    assert not User.objects.get(username="mei").has_usable_password()


@pytest.mark.parametrize(
    ("role", "title"),
    [("Writer", "Writer's desk"), ("Editor", "Editor's desk"), ("Admin", "Your desk")],
)
def test_each_desk_is_titled_for_its_role(client, role, title):
    client.force_login(make_role_user(role))
    html = client.get(reverse("admin:index")).content.decode()
    assert f"<h1>{escape(title)}</h1>" in html
    assert "Editors' desk" not in html


def test_admin_role_desk_offers_the_team_and_no_article_list(client, site_admin):
    story = make_article(headline="Not theirs")
    html = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:auth_user_changelist") in html
    assert reverse("admin:articles_article_changelist") not in html
    change = reverse("admin:articles_article_change", args=[story.pk])
    assert client.get(change).status_code in {302, 403}


def logs_in(client, username, password) -> bool:
    """Signs in through the admin's login page, as a person does."""
    response = client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
    )
    return response.status_code == 302
