"""Another process on the test database: as the scheduler's cron run, an import
or a second app server would be."""

import os
import subprocess
import sys

from django.conf import settings
from django.db import connection


def database_url(settings_dict) -> str:
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    user = settings_dict["USER"] + (
        f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else ""
    )
    host = f"{settings_dict['HOST'] or '127.0.0.1'}:{settings_dict['PORT'] or 5432}"
    return f"postgres://{user}@{host}/{settings_dict['NAME']}"


def run_in_another_process(code: str, **env: str) -> None:
    """Run Python `code` in `manage.py shell`, on this test's database (the test
    must commit what the other process is to see)."""
    subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "DATABASE_URL": database_url(connection.settings_dict),
            **env,
        },
        check=True,
        capture_output=True,
    )
