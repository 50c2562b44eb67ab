"""A PostgreSQL primary and a streaming replica of it, for the replica tests.

Both are clusters of their own in a temporary folder, on loopback ports of
their own: `initdb` makes the primary, `pg_basebackup -R` copies it into the
replica, which then follows the primary's WAL stream. PostgreSQL refuses to
run as root, so as root the clusters run as the `postgres` user.
"""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

PORTS = range(18950, 19000)


def _bin_dir() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_basebackup"))
    if found:
        return found[-1].parent
    which = shutil.which("pg_basebackup")
    if which:
        return Path(which).parent
    raise RuntimeError(
        "The replica tests need PostgreSQL's server programs (initdb, "
        "pg_basebackup, pg_ctl): apt-get install postgresql"
    )


def _free_ports(count: int) -> list[int]:
    free = []
    for port in PORTS:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                free.append(port)
        if len(free) == count:
            return free
    raise RuntimeError("no free ports for the PostgreSQL clusters")


class ReplicatedClusters:
    def __init__(self):
        self.bin = _bin_dir()
        self.root = Path(tempfile.mkdtemp(prefix="newsroom-replication-"))
        self.primary_port, self.replica_port = _free_ports(2)
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            shutil.chown(self.root, "postgres", "postgres")
        self.primary, self.replica = self.root / "primary", self.root / "replica"

    def _run(self, *command: str) -> None:
        argv = [str(self.bin / command[0]), *command[1:]]
        if self.as_postgres:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        subprocess.run(argv, check=True, capture_output=True, timeout=120)

    def start(self) -> "ReplicatedClusters":
        self._run("initdb", "-D", str(self.primary), "-U", "postgres", "-A", "trust")
        with (self.primary / "postgresql.conf").open("a") as conf:
            conf.write(
                "listen_addresses = '127.0.0.1'\n"
                f"port = {self.primary_port}\n"
                "unix_socket_directories = ''\n"
                "wal_level = replica\nmax_wal_senders = 4\nfsync = off\n"
            )
        with (self.primary / "pg_hba.conf").open("a") as hba:
            hba.write("host replication postgres 127.0.0.1/32 trust\n")
        self._pg_ctl(self.primary, "start")
        self._run(
            "pg_basebackup",
            "-h",
            "127.0.0.1",
            "-p",
            str(self.primary_port),
            "-U",
            "postgres",
            "-D",
            str(self.replica),
            "-R",  # standby.signal and primary_conninfo: follow the primary
            "-X",
            "stream",
        )
        with (self.replica / "postgresql.conf").open("a") as conf:
            conf.write(f"port = {self.replica_port}\nhot_standby = on\n")
        self._pg_ctl(self.replica, "start")
        return self

    def _pg_ctl(self, data: Path, action: str) -> None:
        self._run(
            "pg_ctl",
            "-D",
            str(data),
            "-w",
            "-t",
            "60",
            "-l",
            str(data) + ".log",
            action,
        )

    def url(self, port: int, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{port}/{name}"

    def stop(self) -> None:
        for data in (self.replica, self.primary):
            if (data / "postmaster.pid").exists():
                try:
                    self._run("pg_ctl", "-D", str(data), "-m", "immediate", "stop")
                except subprocess.CalledProcessError:
                    pass
        shutil.rmtree(self.root, ignore_errors=True)


def wait_for_replay(primary_dsn: str, replica_dsn: str, timeout: float = 30) -> None:
    """Wait until the replica has replayed everything the primary has written."""
    import psycopg

    with psycopg.connect(primary_dsn, autocommit=True) as primary:
        target = primary.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
    deadline = time.monotonic() + timeout
    with psycopg.connect(replica_dsn, autocommit=True) as replica:
        while time.monotonic() < deadline:
            done = replica.execute(
                "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target]
            ).fetchone()[0]
            if done:
                return
            time.sleep(0.05)
    raise TimeoutError("the replica did not catch up")
