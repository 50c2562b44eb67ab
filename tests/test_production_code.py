"""What production runs holds no demo code: the demo pictures' generator and the
synthetic archive live in `demo/`, loaded only by `load_demo` and `seed_archive`."""

import json
import subprocess
import sys

from django.conf import settings

SERVE_THE_SITE = """
import json, sys
import django
django.setup()
import newsroom.urls, newsroom.wsgi  # every view, the admin and the API
print(json.dumps(sorted(name for name in sys.modules if name.split(".")[0] == "demo")))
"""


def test_the_site_serves_without_importing_demo_code():
    loaded = subprocess.run(
        [sys.executable, "-c", SERVE_THE_SITE],
        cwd=settings.BASE_DIR,
        env={
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "DJANGO_DEBUG": "true",
            "PATH": "/usr/bin:/bin",
        },
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert json.loads(loaded.splitlines()[-1]) == ["demo", "demo.apps"]
    assert not (settings.BASE_DIR / "articles" / "demo").exists()
