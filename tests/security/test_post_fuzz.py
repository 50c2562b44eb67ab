"""Every admin endpoint that takes a POST, as every role: a message, a refusal or a
page, never a 500.

The endpoints are not listed by hand: every URL of the admin site is walked from
Django's resolver, its placeholders filled with real ids (and with ids that do
not exist or are not numbers). Each is first posted once per role with an empty
form and with one of wrong values; then hypothesis posts random forms made of
the field names the admin's forms use, with hostile values, to random endpoints
as random roles. The Django test client raises any exception a view lets out, so
a 500 fails the test with its traceback.
"""

import re
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import (
    ApiToken,
    ArticleEvent,
    Correction,
    Webhook,
    WebhookDelivery,
)
from articles.workflow.curation import VERBS
from tests.factories import (
    make_article,
    make_author,
    make_credit,
    make_photo,
    make_role_user,
    make_user,
)

pytestmark = pytest.mark.django_db

EXAMPLES = 250
ROLES = ("anonymous", "Writer", "Editor", "Admin", "superuser")
# The catch-all, redirects and script; and RQ's dashboard, which acts on the
# Redis queue itself (superusers only: tests/security/test_findings.py).
SKIPPED_PREFIXES = (
    "admin/(?P<url>",
    "admin/r/",
    "admin/logout/",
    "admin/jsi18n/",
    "admin/django_rq/",
)
PLACEHOLDER = re.compile(
    r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>|\(\\d\+\)|\(\[\^/\]\+\)"
)
WORKFLOW_ACTIONS = [
    *ArticleEvent.Action.values,
    "share",
    "override",
    "correct",
    "withdraw_correction",
    "embargo",
    "take_down",
    "reinstate",
    "nonsense",
]
FIELD_NAMES = [
    "headline",
    "slug",
    "standfirst",
    "body",
    "section",
    "tags",
    "status",
    "version",
    "comment",
    "publish_at",
    "publish_at_0",
    "publish_at_1",
    "action",
    "_selected_action",
    "select_across",
    "index",
    "rule",
    "correction",
    "reason",
    "text",
    "kind",
    "embargo_until",
    "note",
    "url",
    "events",
    "user",
    "name",
    "scopes",
    "expires_at",
    "username",
    "password",
    "password1",
    "password2",
    "groups",
    "is_active",
    "is_superuser",
    "is_staff",
    "agency",
    "photographer",
    "distributor",
    "caption",
    "alt_text",
    "credit",
    "licence_expires_on",
    "hero_photo",
    "hero_caption",
    "bylines-TOTAL_FORMS",
    "bylines-INITIAL_FORMS",
    "related_links-TOTAL_FORMS",
    "post",
    "confirm",
    "confirm_embargo",
    "q",
    "token",
    "otp_token",
    "files",
    "new_name",
    "into",
    "merge_into",
    "_save",
    "_continue",
    "_addanother",
]
HOSTILE = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [
            "",
            "0",
            "-1",
            "1e9",
            "99999999999999999999",
            "abc",
            "None",
            "null",
            "../../etc/passwd",
            "<script>x()</script>",
            "'; DROP TABLE x;--",
            "2026-13-45",
            "2026-12-06T25:61",
            "http://127.0.0.1:5432/",
            "\x00",
            "on",
            "true",
            "[]",
            "{}",
            "a" * 5000,
        ]
    ),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
)
FORMS = st.dictionaries(
    st.one_of(st.sampled_from(FIELD_NAMES), st.text(min_size=1, max_size=12)),
    st.one_of(HOSTILE, st.lists(HOSTILE, max_size=3)),
    max_size=12,
)


@dataclass(frozen=True)
class Target:
    pattern: str
    url: str


@pytest.fixture
def content():
    """One of each thing the admin's endpoints act on."""
    writer = make_role_user("Writer", "fuzz-writer")
    author = make_author(name="Fuzz Writer", slug="fuzz-writer", user=writer)
    photo = make_photo(credit=make_credit(agency="AFP"))
    live = make_article(tags=["ports"], hero_photo=photo, authors=[author])
    draft = make_article(status="draft", publish_at=None, created_by=writer)
    Correction.objects.create(article=live, text="An earlier version erred.")
    webhook = Webhook.objects.create(name="Partner", url="https://hooks.example/in")
    WebhookDelivery.objects.create(webhook=webhook, event="webhook.test", body="{}")
    ApiToken.issue(writer, name="Fuzz client")
    return {"article": draft.pk, "live": live.pk, "photo": photo.pk}


def admin_patterns():
    def walk(patterns, prefix):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                yield prefix + str(entry.pattern)

    found = [p for p in walk(get_resolver().url_patterns, "") if p.startswith("admin/")]
    return [p for p in found if not p.startswith(SKIPPED_PREFIXES)]


def model_of(pattern: str):
    parts = pattern.split("/")
    if len(parts) > 2:
        try:
            return apps.get_model(parts[1], parts[2])
        except (LookupError, ValueError):
            return None
    return None


def filled(pattern: str, content: dict) -> list[str]:
    """The pattern with each placeholder set to real ids, and a few broken ones."""
    model = model_of(pattern)
    managed = model is not None and model._meta.managed
    existing = model.objects.order_by("pk").first() if managed else None
    an_id = str(existing.pk) if existing else "1"

    def value(match, broken: str | None):
        name = match.group("name") or "object_id"
        if broken is not None and name in ("object_id", "pk", "id", "photo_id"):
            return broken
        if name == "action":
            return "{action}"
        if name == "verb":
            return VERBS[0] if VERBS else "pin"
        if name in ("candidate",):
            return str(content["live"])
        if name in ("photo_id",):
            return str(content["photo"])
        if name == "content_type_id":
            return "1"
        if "articles/article/" in pattern:
            return str(content["article"])
        return an_id

    urls = []
    for broken in (None, "999999", "not-a-number"):
        url = "/" + PLACEHOLDER.sub(lambda m, b=broken: value(m, b), pattern)
        url = url.replace("^", "").replace("$", "")
        if "{action}" in url:
            urls.extend(url.replace("{action}", action) for action in WORKFLOW_ACTIONS)
        else:
            urls.append(url)
        if not PLACEHOLDER.search(pattern):
            break
    return list(dict.fromkeys(urls))


class Roles:
    def __init__(self):
        self.users = {
            "anonymous": None,
            "Writer": make_role_user("Writer", "role-writer"),
            "Editor": make_role_user("Editor", "role-editor"),
            "Admin": make_role_user("Admin", "role-admin"),
            "superuser": make_user("role-super", is_staff=True, is_superuser=True),
        }
        assert Group.objects.filter(name__in=ROLES).count() == 3

    def client(self, role: str) -> Client:
        client = Client()
        if self.users[role] is not None:
            client.force_login(self.users[role])
        return client


def posts_without_a_server_error(client: Client, url: str, data: dict) -> int:
    response = client.post(url, data)
    assert response.status_code < 500, (url, data, response.status_code)
    return response.status_code


@pytest.fixture
def roles(content):
    return Roles()


@pytest.fixture
def targets(content):
    urls = [url for pattern in admin_patterns() for url in filled(pattern, content)]
    assert len(urls) > 150  # the walk found the admin, not a handful of pages
    return urls


def test_every_admin_post_endpoint_answers_every_role_without_a_server_error(
    roles, targets
):
    wrong = {name: "not a value" for name in FIELD_NAMES}
    answered, failures = set(), []
    for role in ROLES:
        for url in targets:
            for data in ({}, wrong):
                try:
                    answered.add(
                        posts_without_a_server_error(roles.client(role), url, data)
                    )
                except Exception as error:  # the view let it out: a 500
                    failures.append(
                        f"{role} {url} {'wrong' if data else 'empty'}: {error!r}"[:300]
                    )
    assert failures == []
    assert {302, 403} <= answered  # refusals were seen, not only one kind of page


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    derandomize=True,
    database=None,
)
@given(choice=st.data())
def test_random_forms_to_random_admin_endpoints_never_fail_the_server(
    roles, targets, choice
):
    url = choice.draw(st.sampled_from(targets))
    role = choice.draw(st.sampled_from(ROLES))
    posts_without_a_server_error(roles.client(role), url, choice.draw(FORMS))
