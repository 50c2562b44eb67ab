"""Read replicas against a real PostgreSQL streaming replica on loopback."""

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from tests.replication import ReplicatedClusters

SCENARIO = Path(__file__).with_name("replica_scenario.py")


@pytest.fixture(scope="module")
def clusters():
    clusters = ReplicatedClusters().start()
    with psycopg.connect(clusters.url(clusters.primary_port, "postgres")) as db:
        db.autocommit = True
        db.execute("CREATE DATABASE newsroom")
    yield clusters
    clusters.stop()


def run_scenario(script: Path, clusters, database: str, tmp_path, **env) -> dict:
    """What the scenario script saw, run on `database` of the primary and its
    replica."""
    run = subprocess.run(
        [sys.executable, str(script)],
        env={
            **os.environ,
            "DATABASE_URL": clusters.url(clusters.primary_port, database),
            "DATABASE_REPLICA_URL": clusters.url(clusters.replica_port, database),
            "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
            "NEWSROOM_TASK_BACKEND": "immediate",
            "REDIS_URL": "",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_public_reads_go_to_the_replica_and_the_rest_to_the_primary(clusters, tmp_path):
    seen = run_scenario(SCENARIO, clusters, "newsroom", tmp_path)
    assert seen["replica_in_recovery"] is True  # a real standby, read-only

    # A visitor's page is read from the replica only.
    assert seen["reader_before"]["status"] == 404
    assert seen["reader_before"]["replica"] > 0
    assert seen["reader_before"]["primary"] == 0
    # Publishing is a write in the admin: the primary only.
    assert seen["publish"]["status"] == 302
    assert seen["publish"]["replica"] == 0
    # The editor reads the page just after publishing, from the primary.
    assert seen["editor_just_after"] == {
        "status": 200,
        "primary": seen["editor_just_after"]["primary"],
        "replica": 0,
    }
    assert seen["editor_just_after"]["primary"] > 0
    # Once replayed, the replica serves the new article to readers.
    assert seen["reader_after"]["status"] == 200
    assert seen["reader_after"]["primary"] == 0
    assert seen["reader_home"]["status"] == 200
    assert seen["reader_home"]["primary"] == 0
    # The admin never reads from a replica.
    assert seen["reader_admin"]["replica"] == 0
    assert seen["read_after_write"] == {
        "before": "replica_1",
        "after": "default",
        "found": True,
    }


LAG_SCENARIO = Path(__file__).with_name("replica_lag_scenario.py")


def test_a_page_read_from_a_lagging_replica_is_never_kept_as_current(
    clusters, tmp_path
):
    with psycopg.connect(clusters.url(clusters.primary_port, "postgres")) as db:
        db.autocommit = True
        db.execute("CREATE DATABASE newsroom_lag")
    seen = run_scenario(
        LAG_SCENARIO,
        clusters,
        "newsroom_lag",
        tmp_path,
        NEWSROOM_PAGE_CACHE="1",
        NEWSROOM_PAGE_CACHE_DIR=str(tmp_path / "pages"),
    )
    # The reader who asks while the replica lags gets the page as the replica
    # has it; the next reader, once it has replayed, gets the story.
    assert seen == {
        "before": False,
        "while_the_replica_lags": False,
        "once_replayed": True,
    }
