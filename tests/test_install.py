"""A production install (`make install` on a clean clone) holds no test tools."""

import shutil
import subprocess
import sys

from django.conf import settings

TEST_TOOLS = {
    "pytest",
    "pytest-django",
    "playwright",
    "schemathesis",
    "moto",
    "flask",
    "docker",
    "cfn-lint",
    "hypothesis",
    "ruff",
    "time-machine",
    "pip-tools",
}


def test_make_install_on_a_clean_clone_installs_no_test_tool(tmp_path):
    clone = tmp_path / "newsroom"
    subprocess.run(
        ["git", "clone", "--quiet", str(settings.BASE_DIR), str(clone)], check=True
    )
    subprocess.run(
        ["make", "install", f"PYTHON={sys.executable}"],
        cwd=clone,
        check=True,
        capture_output=True,
        timeout=900,
    )
    listed = subprocess.run(
        [str(clone / ".venv/bin/python"), "-m", "pip", "list", "--format=freeze"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    installed = {line.split("==")[0].lower() for line in listed.splitlines()}
    assert not installed & TEST_TOOLS
    # What production runs is there: the web server and the Procfile's runner.
    assert {"django", "gunicorn", "honcho"} <= installed
    shutil.rmtree(clone)
