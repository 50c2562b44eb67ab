"""Production settings fail closed: the web server refuses to start without them
and `check --deploy` names them; it is clean when they are set."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k3Yx-9f2Q_mZ7vB1nR8tL4wE6sD0aH5jC2uP9gK7yT3oI1xV8bN6mQ4zW"
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": GOOD_KEY,
    "DJANGO_ALLOWED_HOSTS": "news.example.com",
}


def manage(*args, **env):
    return run_python("manage.py", *args, **env)


def serve(**env):
    """Load the web server's application (newsroom/wsgi.py), as gunicorn does."""
    return run_python("-c", "import newsroom.wsgi", **env)


def run_python(*args, **env):
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "NEWSROOM_"))
    }
    environ.update(env)
    environ = {key: value for key, value in environ.items() if value is not None}
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"DJANGO_SECRET_KEY": None}, "DJANGO_SECRET_KEY is not set"),
        ({"DJANGO_SECRET_KEY": ""}, "DJANGO_SECRET_KEY is not set"),
        (
            {"DJANGO_SECRET_KEY": "django-insecure-local-development-key-change-me"},
            "DJANGO_SECRET_KEY is the development key",
        ),
        ({"DJANGO_SECRET_KEY": "short"}, "DJANGO_SECRET_KEY is too short"),
        ({"DJANGO_ALLOWED_HOSTS": None}, "DJANGO_ALLOWED_HOSTS is empty"),
        ({"DJANGO_ALLOWED_HOSTS": " , "}, "DJANGO_ALLOWED_HOSTS is empty"),
        ({"DJANGO_ALLOWED_HOSTS": "*"}, "DJANGO_ALLOWED_HOSTS must name the hosts"),
    ],
)
def test_start_up_refuses_an_unsafe_production_setting_and_names_it(change, named):
    result = serve(**(PRODUCTION | change))
    assert result.returncode != 0
    assert named in result.stderr
    assert "Refusing to start with DJANGO_DEBUG off" in result.stderr
    # `check --deploy` says the same before a deployment.
    checked = manage("check", "--deploy", **(PRODUCTION | change))
    assert checked.returncode != 0
    assert named in checked.stderr


def test_check_deploy_with_the_documented_production_variables_reports_nothing():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_cookies_are_secure_and_http_only_and_https_is_enforced():
    script = (
        "from django.conf import settings as s; print("
        "s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_SECURE, "
        "s.CSRF_COOKIE_HTTPONLY, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS >= "
        "31536000)"
    )
    result = manage("shell", "-v", "0", "-c", script, **PRODUCTION)
    assert result.stdout.split()[-6:] == ["True"] * 6, result.stderr


def test_a_deployment_that_sets_nothing_runs_with_debug_off():
    # No secret key and no hosts with DEBUG off: the web server stops and says so.
    started = serve()
    assert started.returncode != 0
    assert "Refusing to start with DJANGO_DEBUG off" in started.stderr
    script = "from django.conf import settings; print(settings.DEBUG)"
    shown = manage(
        "shell", "-v", "0", "-c", script, **{**PRODUCTION, "DJANGO_DEBUG": None}
    )
    assert shown.stdout.split()[-1:] == ["False"], shown.stderr


def test_development_needs_only_debug_on():
    result = manage("check", DJANGO_DEBUG="true")
    assert result.returncode == 0, result.stderr


def test_management_commands_need_no_production_secret():
    # They serve no one: a developer's check or migration runs as it is.
    for args in (["check"], ["makemigrations", "--check", "--dry-run"]):
        result = manage(*args)
        assert result.returncode == 0, result.stderr
