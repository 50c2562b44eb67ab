"""The edge rows of the serving benchmark: Varnish (deploy/varnish/default.vcl)
in front of the site's gunicorn, and nginx serving the same bytes from files,
the web server's ceiling on this machine. Each runs on loopback with a working
directory of its own and stops when its block ends."""

import contextlib
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

from related_bench import RESULTS, ROOT

VCL = ROOT / "deploy" / "varnish" / "default.vcl"


def _binary(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin")
    if not found:
        raise RuntimeError(f"{name} is needed (make bench installs it)")
    return found


def _wait(url: str, what: str) -> None:
    for _ in range(150):
        with contextlib.suppress(OSError):
            urllib.request.urlopen(url, timeout=2).read()
            return
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not answer at {url}")


# Varnish doing nothing but keep and serve what the site sends: what Varnish
# itself costs here, beside what the site's VCL adds.
EMPTY_VCL = """\
vcl 4.1;
backend site { .host = "127.0.0.1"; .port = "8000"; }
sub vcl_recv { return (hash); }
sub vcl_backend_response { set beresp.ttl = 1h; return (deliver); }
"""


@contextlib.contextmanager
def varnish(backend_port: int, port: int, start, vcl: str | None = None):
    """varnishd on `port` in front of 127.0.0.1:`backend_port` with the site's
    VCL, or `vcl`; `start` is the benchmark's process starter (same scheduling
    as the servers)."""
    workdir = Path(tempfile.mkdtemp(prefix="bench-varnish-"))
    vcl = (vcl or VCL.read_text()).replace(
        '.port = "8000";', f'.port = "{backend_port}";'
    )
    (workdir / "default.vcl").write_text(vcl)
    process = start(
        [_binary("varnishd"), "-F", "-j", "none", "-n", str(workdir / "instance")]
        + ["-a", f"127.0.0.1:{port}", "-T", "none", "-s", "malloc,256m"]
        + ["-f", str(workdir / "default.vcl")],
        below_database=False,
        stdout=subprocess.DEVNULL,
        stderr=open(RESULTS / f"varnish-{port}.log", "w"),  # noqa: SIM115
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(base + "/robots.txt", "varnishd")
        if process.poll() is not None:  # another server answered on its port
            raise RuntimeError(f"varnishd could not listen on {port}")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)


NGINX_CONF = """\
worker_processes auto;
daemon off;
pid {root}/nginx.pid;
error_log {root}/error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    client_body_temp_path {root}/tmp;
    proxy_temp_path {root}/tmp;
    fastcgi_temp_path {root}/tmp;
    default_type text/html;
    server {{
        listen 127.0.0.1:{port};
        root {root}/site;
        location / {{ try_files $uri $uri/index.html =404; }}
    }}
}}
"""


@contextlib.contextmanager
def nginx(pages: dict[str, bytes], port: int, start):
    """nginx on `port` serving each of `pages` (path: bytes) from a file."""
    root = Path(tempfile.mkdtemp(prefix="bench-nginx-"))
    root.chmod(0o755)
    (root / "tmp").mkdir()
    (root / "logs").mkdir()
    for path, content in pages.items():
        target = root / "site" / path.strip("/") / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    for folder in [root, *root.rglob("*")]:
        folder.chmod(0o755 if folder.is_dir() else 0o644)
    (root / "nginx.conf").write_text(NGINX_CONF.format(root=root, port=port))
    process = start(
        [_binary("nginx"), "-c", str(root / "nginx.conf"), "-p", str(root)],
        below_database=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(base + next(iter(pages)), "nginx")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
        shutil.rmtree(root, ignore_errors=True)
