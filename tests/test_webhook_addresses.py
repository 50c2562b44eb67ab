"""Webhooks reach public addresses only, and tell the admin nothing a receiver said."""

import ipaddress
import socket
import struct
import threading

import httpx
import pytest
from django.urls import reverse

from articles.models import Webhook, WebhookDelivery
from articles.webhooks import delivery as deliveries
from articles.webhooks import outgoing
from tests.factories import make_role_user
from tests.receiver import Receiver

pytestmark = pytest.mark.django_db

INTERNAL_URLS = [
    "http://127.0.0.1:5432/",
    "http://[::1]:6379/",
    "http://169.254.169.254/latest/meta-data/",
    "http://10.0.0.1/",
    "http://192.168.1.1/admin",
    "http://[fd00::1]/",
    "http://[fe80::1]/",
    "http://[::ffff:127.0.0.1]:8209/",
    "http://[2002:7f00:1::]/",
    "http://0.0.0.0:8000/",
    "http://224.0.0.1/",
    "http://100.64.0.1/",
    "http://localhost:8000/",
]


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running


@pytest.fixture
def team_admin(client):
    client.force_login(make_role_user("Admin", "team-admin"))
    return client


def add_webhook(client, url):
    return client.post(
        reverse("admin:articles_webhook_add"),
        {"name": "Partner", "url": url, "events": ["article.published"]},
    )


@pytest.mark.parametrize("url", INTERNAL_URLS)
def test_an_internal_address_is_refused_when_the_webhook_is_saved(team_admin, url):
    response = add_webhook(team_admin, url)
    assert response.status_code == 200
    assert "This address is not public" in response.content.decode()
    assert not Webhook.objects.exists()


def test_a_user_name_and_password_in_the_address_are_refused(team_admin):
    response = add_webhook(team_admin, "https://partner:s3cret@93.184.215.14/hooks")
    assert "Leave the user name and password out" in response.content.decode()
    assert not Webhook.objects.exists()


def test_a_public_address_and_a_listed_internal_host_are_accepted(team_admin, settings):
    assert add_webhook(team_admin, "https://93.184.215.14/hooks").status_code == 302
    settings.NEWSROOM_WEBHOOK_ALLOWED_HOSTS = ["hooks.internal", "10.0.0.7"]
    assert add_webhook(team_admin, "http://10.0.0.7:8080/in").status_code == 302
    assert Webhook.objects.count() == 2


@pytest.mark.parametrize(
    "address",
    ["8.8.8.8", "93.184.215.14", "2606:4700::1111", "2a00:1450:4001::1"],
)
def test_public_addresses_are_public(address):
    assert outgoing.is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.9.10",
        "::1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.0.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "::",
        "fd00::1",
        "fe80::1",
        "224.0.0.1",
        "239.255.255.250",
        "ff02::1",
        "240.0.0.1",
        "255.255.255.255",
        "192.0.2.1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "2002:7f00:1::",
        "2002:a9fe:a9fe::",
        "64:ff9b::a9fe:a9fe",
        "2001:0:4136:e378:8000:63bf:80ff:fffe",
    ],
)
def test_internal_and_special_addresses_are_not_public(address):
    assert not outgoing.is_public(ipaddress.ip_address(address))


def send_test_event(hook: Webhook) -> WebhookDelivery:
    delivery = deliveries.queue_test(hook)
    deliveries.attempt(delivery)
    delivery.refresh_from_db()
    return delivery


def test_an_internal_address_saved_anyhow_is_refused_when_sending(receiver, settings):
    # Saved around the form (or resolving to a public address when it was
    # saved): the address is checked again when the request connects.
    settings.NEWSROOM_WEBHOOK_ALLOWED_HOSTS = []
    by_address = Webhook.objects.create(name="Loopback", url=receiver.url)
    port = receiver.server.server_port
    by_name = Webhook.objects.create(name="Name", url=f"http://localhost:{port}/")
    mapped = Webhook.objects.create(
        name="Mapped", url=f"http://[::ffff:127.0.0.1]:{port}/"
    )
    for hook in (by_address, by_name, mapped):
        delivery = send_test_event(hook)
        assert delivery.log[-1]["error"] == "Refused: the address is not public"
        assert delivery.status == WebhookDelivery.Status.PENDING
    # Listing one host lets in that host as written, not others that resolve alike.
    settings.NEWSROOM_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    assert send_test_event(by_name).log[-1]["error"] == outgoing.NOT_PUBLIC
    assert receiver.requests == []
    assert send_test_event(by_address).status == WebhookDelivery.Status.DELIVERED
    assert len(receiver.requests) == 1


def test_a_listed_host_name_is_reached_on_its_checked_address_with_its_own_name(
    receiver, settings
):
    settings.NEWSROOM_WEBHOOK_ALLOWED_HOSTS = ["LocalHost"]
    port = receiver.server.server_port
    hook = Webhook.objects.create(name="Name", url=f"http://localhost:{port}/in")
    assert send_test_event(hook).status == WebhookDelivery.Status.DELIVERED
    assert receiver.requests[0]["headers"]["Host"] == f"localhost:{port}"


def test_credentials_saved_in_an_address_are_never_sent(receiver, settings):
    settings.NEWSROOM_WEBHOOK_ALLOWED_HOSTS = [Receiver.host]
    url = receiver.url.replace("http://", "http://partner:s3cret@")
    delivery = send_test_event(Webhook.objects.create(name="Creds", url=url))
    assert delivery.log[-1]["error"] == outgoing.HAS_CREDENTIALS
    assert receiver.requests == []


def test_the_admin_sees_a_status_and_a_fixed_message_never_the_answer(
    team_admin, receiver, settings
):
    settings.NEWSROOM_WEBHOOK_ALLOWED_HOSTS = [Receiver.host]
    hook = Webhook.objects.create(name="Internal", url=receiver.url)
    receiver.statuses = [500]
    receiver.answer = b'{"database": "postgres://app:hunter2@db/newsroom"}'
    sent = team_admin.post(
        reverse("admin:articles_webhook_test", args=[hook.pk]), follow=True
    )
    page = sent.content.decode()
    assert "Test event not delivered: HTTP 500. It will be retried" in page
    assert "hunter2" not in page
    delivery = WebhookDelivery.objects.get()
    assert "hunter2" not in str(delivery.log)
    shown = team_admin.get(
        reverse("admin:articles_webhookdelivery_change", args=[delivery.pk])
    )
    assert "HTTP 500" in shown.content.decode()
    assert "hunter2" not in shown.content.decode()


def _listener(on_accept):
    """A TCP port on loopback whose connections are handed to `on_accept`."""
    server = socket.create_server(("127.0.0.1", 0))
    held = []

    def serve():
        while True:
            try:
                connection, _ = server.accept()
            except OSError:
                return
            held.append(connection)
            on_accept(connection)

    threading.Thread(target=serve, daemon=True).start()
    return server, held


def _reset(connection):
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    connection.close()


def test_closed_silent_and_resetting_ports_read_alike(
    team_admin, settings, monkeypatch
):
    settings.NEWSROOM_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    monkeypatch.setattr(outgoing, "TIMEOUT", httpx.Timeout(0.5))
    with Receiver() as gone:
        closed = gone.url
    silent, held_silent = _listener(lambda connection: None)
    resetting, held_reset = _listener(_reset)
    urls = [
        closed,
        f"http://127.0.0.1:{silent.getsockname()[1]}/",
        f"http://127.0.0.1:{resetting.getsockname()[1]}/",
    ]
    try:
        messages = []
        for number, url in enumerate(urls):
            hook = Webhook.objects.create(name=f"Port {number}", url=url)
            sent = team_admin.post(
                reverse("admin:articles_webhook_test", args=[hook.pk]), follow=True
            )
            page = sent.content.decode()
            assert "Test event not delivered: No answer (connection failed)." in page
            messages.append(WebhookDelivery.objects.get(webhook=hook).log[-1])
    finally:
        for server, held in ((silent, held_silent), (resetting, held_reset)):
            server.close()
            for connection in held:
                connection.close()
    assert {(entry["error"], entry["status"], entry["ms"]) for entry in messages} == {
        ("No answer (connection failed)", None, None)
    }


def test_answers_kept_in_older_delivery_logs_are_removed(receiver):
    from importlib import import_module

    from django.apps import apps

    migration = import_module(
        "articles.migrations.0019_webhook_delivery_logs_without_answers"
    )
    hook = Webhook.objects.create(name="Internal", url=receiver.url)
    delivery = deliveries.queue_test(hook)
    delivery.log = [
        {"at": "t1", "status": 500, "error": "HTTP 500: password=hunter2", "ms": 3},
        {"at": "t2", "status": None, "error": "ConnectError: [Errno 111]", "ms": 1},
        {"at": "t3", "status": 200, "error": "", "ms": 5, "ok": True},
    ]
    delivery.save()
    migration.remove_answers(apps, None)
    delivery.refresh_from_db()
    assert [(e["status"], e["error"], e["ms"]) for e in delivery.log] == [
        (500, "HTTP 500", 3),
        (None, "No answer (connection failed)", None),
        (200, "", 5),
    ]


def test_allowed_hosts_are_read_from_the_environment(settings):
    import os
    import subprocess
    import sys

    shown = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings; "
            "print(settings.NEWSROOM_WEBHOOK_ALLOWED_HOSTS)",
        ],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "NEWSROOM_WEBHOOK_ALLOWED_HOSTS": " hooks.internal, 10.0.0.7 ,",
        },
        capture_output=True,
        text=True,
        check=True,
    )
    assert shown.stdout.strip() == "['hooks.internal', '10.0.0.7']"
