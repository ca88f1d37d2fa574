"""Run deploy/nginx.conf, as shipped, in front of a test gunicorn: only the addresses, ports,
certificate and cache folder are replaced."""

from __future__ import annotations

import contextlib
import http.client
import re
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT
from tests.live_gunicorn import free_port

SITE_HOST = "health.example.org"
SHIPPED = PROJECT_ROOT / "deploy" / "nginx.conf"


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    certificate, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", f"/CN={SITE_HOST}",
         "-keyout", str(key), "-out", str(certificate)],
        check=True, capture_output=True,
    )  # fmt: skip
    return certificate, key


def site_config(upstream_port: int, http_port: int, https_port: int | None, folder: Path) -> str:
    """deploy/nginx.conf with this machine's ports and folders. Without `https_port` the site's
    server listens on plain HTTP at `http_port` (for load tests: TLS is not what they measure),
    and the redirect and catch-all servers are left out."""
    site = (
        SHIPPED.read_text()
        .replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream_port};")
        .replace("/var/cache/nginx/chg", str(folder / "cache"))
    )
    if https_port is None:
        site = re.sub(r"\n# Requests for any other host name.*?\n}\n\nserver {.*?\n}\n", "\n", site, flags=re.S)
        site = site.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{http_port};")
        return re.sub(r"\n\s*ssl_certificate(_key)? [^;]+;", "", site)
    certificate, key = self_signed_certificate(folder)
    return (
        site.replace("listen 80", f"listen 127.0.0.1:{http_port}")
        .replace("listen 443", f"listen 127.0.0.1:{https_port}")
        .replace("/etc/ssl/certs/ssl-cert-snakeoil.pem", str(certificate))
        .replace("/etc/ssl/private/ssl-cert-snakeoil.key", str(key))
    )


def main_config(http_blocks: str, folder: Path) -> str:
    """A minimal nginx main configuration around `http_blocks`, everything under `folder`."""
    temp = folder / "temp"
    temp.mkdir(parents=True, exist_ok=True)
    return (
        f"user root;\ndaemon off;\nworker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log;\n"
        "events { worker_connections 4096; }\n"
        f"http {{\naccess_log off;\nclient_body_temp_path {temp}/body;\nproxy_temp_path {temp}/proxy;\n"
        f"fastcgi_temp_path {temp}/fastcgi;\nuwsgi_temp_path {temp}/uwsgi;\nscgi_temp_path {temp}/scgi;\n"
        f"{http_blocks}\n}}\n"
    )


@contextlib.contextmanager
def running_nginx(config_text: str, folder: Path, port: int) -> Iterator[None]:
    """nginx with this configuration until the block ends; `port` answers once it is ready."""
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "nginx.conf"
    config.write_text(config_text)
    process = subprocess.Popen(["nginx", "-c", str(config), "-p", str(folder)], stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("nginx did not start: " + (folder / "error.log").read_text(errors="replace")[-2000:])
            time.sleep(0.05)
        yield
    finally:
        process.terminate()
        process.wait(timeout=20)


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()

    def header(self, name: str) -> str | None:
        return self.headers.get(name)


@dataclass
class Proxy:
    https_port: int
    http_port: int
    cache_folder: Path | None = None

    def cache_entries(self) -> int:
        """How many responses nginx has stored on disk."""
        assert self.cache_folder is not None
        return sum(1 for path in self.cache_folder.rglob("*") if path.is_file())

    def request(self, method: str, path: str, *, headers=None, body: bytes | None = None, host=SITE_HOST) -> Answer:
        """One request over TLS to this nginx, with `host` as SNI (its name) and Host header, as
        a browser asking for https://health.example.org (or https://health.example.org:PORT) does."""
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        raw = socket.create_connection(("127.0.0.1", self.https_port), timeout=30)
        connection = http.client.HTTPSConnection(host, self.https_port, timeout=30, context=context)
        connection.sock = context.wrap_socket(raw, server_hostname=host.rsplit(":", 1)[0])
        try:
            connection.request(method, path, body=body, headers={"Host": host, **(headers or {})})
            response = connection.getresponse()
            return Answer(response.status, response.headers, response.read())
        finally:
            connection.close()


@contextlib.contextmanager
def nginx_in_front_of(upstream_port: int, folder: Path) -> Iterator[Proxy]:
    folder.mkdir(parents=True, exist_ok=True)
    http_port, https_port = free_port(), free_port()
    config = main_config(site_config(upstream_port, http_port, https_port, folder), folder)
    with running_nginx(config, folder, https_port):
        yield Proxy(https_port, http_port, folder / "cache")
