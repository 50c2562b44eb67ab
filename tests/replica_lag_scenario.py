"""Run as a script against a primary and its streaming replica (see
test_replicas.py), with the page cache on: a reader asks for a page while the
replica has not yet replayed a publish. Prints, as JSON, what readers saw."""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402

from tests.replica_scenario import caught_up, dsn  # noqa: E402


def main() -> None:
    from django.test.utils import setup_test_environment

    from articles import workflow
    from articles.models import Article
    from tests.factories import make_article, make_role_user, make_section

    setup_test_environment()
    call_command("migrate", verbosity=0)
    editor = make_role_user("Editor", "editor")
    section = make_section(name="Harbours", slug="harbours")
    story = make_article(
        headline="Cranes return to the harbour",
        status=Article.Status.IN_REVIEW,
        publish_at=None,
        section=section,
        tags=["Harbours"],
    )
    caught_up()
    reader = Client()

    def reader_sees_story() -> bool:
        response = reader.get(section.get_absolute_url())
        return story.headline in response.content.decode()

    seen = {"before": reader_sees_story()}
    with psycopg.connect(dsn("replica_1"), autocommit=True) as replica:
        replica.execute("SELECT pg_wal_replay_pause()")
        workflow.publish(story, by=editor)
        seen["while_the_replica_lags"] = reader_sees_story()
        replica.execute("SELECT pg_wal_replay_resume()")
    caught_up()
    seen["once_replayed"] = reader_sees_story()
    connections.close_all()
    print(json.dumps(seen))


if __name__ == "__main__":
    main()
