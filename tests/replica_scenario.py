"""Run as a script against a primary and its streaming replica (see
test_replicas.py): DATABASE_URL names the primary, DATABASE_REPLICA_URL the
replica. Prints, as JSON, which database each request read from."""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from tests.replication import wait_for_replay  # noqa: E402


def dsn(alias: str) -> str:
    s = connections[alias].settings_dict
    return f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def caught_up() -> None:
    wait_for_replay(dsn("default"), dsn("replica_1"))


def request(client, method, url, **data) -> dict:
    with CaptureQueriesContext(connections["default"]) as primary:
        with CaptureQueriesContext(connections["replica_1"]) as replica:
            response = getattr(client, method)(url, data)
    return {
        "status": response.status_code,
        "primary": len(primary),
        "replica": len(replica),
    }


def main() -> None:
    from django.test.utils import setup_test_environment

    from articles.models import Article, Section
    from newsroom import routers
    from tests.factories import make_article, make_role_user

    setup_test_environment()
    call_command("migrate", verbosity=0)
    editor = make_role_user("Editor", "editor")
    article = make_article(
        status=Article.Status.IN_REVIEW, publish_at=None, tags=["Harbours"]
    )
    url = article.get_absolute_url()
    caught_up()
    reader, desk = Client(), Client()
    desk.force_login(editor)
    seen = {
        "replica_in_recovery": connections["replica_1"]
        .cursor()
        .connection.execute("SELECT pg_is_in_recovery()")
        .fetchone()[0]
    }
    seen["reader_before"] = request(reader, "get", url)
    publish = reverse("admin:articles_article_workflow", args=[article.pk, "publish"])
    seen["publish"] = request(desk, "post", publish)
    seen["editor_just_after"] = request(desk, "get", url)
    caught_up()
    seen["reader_after"] = request(reader, "get", url)
    seen["reader_home"] = request(reader, "get", "/")
    seen["reader_admin"] = request(reader, "get", "/admin/login/")

    # A request that writes reads its own write from the primary afterwards.
    token = routers._replica.set("replica_1")
    try:
        before = routers.ReplicaRouter().db_for_read(Section)
        Section.objects.create(name="Fresh", slug="fresh")
        after = routers.ReplicaRouter().db_for_read(Section)
        found = Section.objects.filter(slug="fresh").exists()
    finally:
        routers._replica.reset(token)
    seen["read_after_write"] = {"before": before, "after": after, "found": found}
    print(json.dumps(seen))


if __name__ == "__main__":
    main()
