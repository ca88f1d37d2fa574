"""Start the real site under gunicorn (several workers) for tests that cross process boundaries."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from tests.conftest import ARTICLE_SLUG, PROJECT_ROOT

VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def site_environment(database_url: str, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "live-test-secret",
        "RATELIMIT_ENABLED": "false",
        "FLASK_APP": "app",
    }
    env.update(extra)
    if "SITE_URL" in extra and "TRUSTED_HOSTS" not in extra:
        # The tests talk to gunicorn at 127.0.0.1 while links name the public site.
        env["TRUSTED_HOSTS"] = f"{urlsplit(extra['SITE_URL']).hostname},127.0.0.1"
    return env


def flask_cli(env: dict[str, str], *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(VENV_BIN / "flask"), *args], cwd=PROJECT_ROOT, env=env, input=stdin,
                          capture_output=True, text=True, check=True)  # fmt: skip


@dataclass
class Site:
    url: str
    process: subprocess.Popen

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return [int(pid) for pid in children]


@contextlib.contextmanager
def gunicorn_site(
    env: dict[str, str],
    *,
    workers: int = 2,
    threads: int = 1,
    shipped_config: bool = False,
    stderr_path: Path | None = None,
) -> Iterator[Site]:
    """`gunicorn -w N --threads T 'app:create_app()'` on a migrated database, as in production
    (`shipped_config`: with the project's gunicorn.conf.py, as an operator runs it). Its output
    goes nowhere (a pipe nobody reads would block the workers under load), or its stderr to a
    file at `stderr_path` for tests that read the log."""
    flask_cli(env, "db", "upgrade")
    port = free_port()
    command = [str(VENV_BIN / "gunicorn"), "-w", str(workers), "--threads", str(threads), "--backlog", "2048"]
    if shipped_config:
        command += ["-c", str(PROJECT_ROOT / "gunicorn.conf.py"), "--access-logfile", "-"]
    command += ["-b", f"127.0.0.1:{port}", "app:create_app()"]
    with contextlib.ExitStack() as files:
        stderr = files.enter_context(stderr_path.open("wb")) if stderr_path else subprocess.DEVNULL
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
    site = Site(f"http://127.0.0.1:{port}", process)
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{site.url}/healthz", timeout=5).status_code == 200:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("gunicorn did not start")
            time.sleep(0.1)
        yield site
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def article_path(locale: str = "en") -> str:
    return f"/{locale}/articles/{ARTICLE_SLUG}"


def post_comment(session: requests.Session, base_url: str, name: str, text: str, locale: str = "en"):
    """Fetch the form as a browser does and post it (redirects not followed)."""
    page = session.get(base_url + article_path(locale), timeout=60)
    page.raise_for_status()
    assert 'class="comment-form"' in page.text
    data = {"name": name, "comment": text, "website": ""}
    headers = {"Sec-Fetch-Site": "same-origin"}  # as a browser says for a form posted from the page
    return session.post(
        f"{base_url}{article_path(locale)}/comments", data=data, headers=headers, allow_redirects=False, timeout=60
    )
