"""A real Varnish on loopback, running deploy/varnish/default.vcl in front of
an app server, with a working directory of its own."""

import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings

from tests.test_redis_faults import free_port

VCL = Path(settings.BASE_DIR) / "deploy" / "varnish" / "default.vcl"


class Answer:
    def __init__(self, status: int, headers, body: str):
        self.status, self.headers, self.body = status, headers, body

    @property
    def edge(self) -> str:
        return self.headers.get("X-Edge", "")


class Varnish:
    """`with Varnish(backend_port) as edge:` varnishd in the foreground, its
    backend the app server on `backend_port`; stopped and removed after."""

    def __init__(self, backend_port: int):
        self.backend_port = backend_port

    def __enter__(self) -> "Varnish":
        self.workdir = Path(tempfile.mkdtemp(prefix="newsroom-varnish-"))
        vcl = VCL.read_text().replace(
            '.port = "8000";', f'.port = "{self.backend_port}";'
        )
        assert f'"{self.backend_port}"' in vcl
        (self.workdir / "default.vcl").write_text(vcl)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [
                shutil.which("varnishd") or "/usr/sbin/varnishd",
                "-F",
                "-j",
                "none",
                "-n",
                str(self.workdir / "instance"),
                "-a",
                f"127.0.0.1:{self.port}",
                "-T",
                "none",
                "-f",
                str(self.workdir / "default.vcl"),
                "-s",
                "malloc,64m",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._wait_until_listening()
        return self

    def _wait_until_listening(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError("varnishd stopped at start")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("varnishd did not start listening")
        # The backend probe's first rounds, then the site through the edge.
        while time.monotonic() < deadline:
            if self.get("/robots.txt").status == 200:
                return
            time.sleep(0.2)
        raise AssertionError("the site did not answer through varnishd")

    def get(self, path: str, cookie: str | None = None) -> Answer:
        request = urllib.request.Request(self.base + path)
        if cookie:
            request.add_header("Cookie", cookie)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return Answer(
                    response.status, response.headers, response.read().decode()
                )
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.headers, error.read().decode())

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.workdir, ignore_errors=True)
