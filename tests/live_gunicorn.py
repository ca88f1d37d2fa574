"""Start the real site under gunicorn (several workers) for tests that cross process boundaries."""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

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
        "COMMENT_MIN_SECONDS": "0",
        "FLASK_APP": "app",
    }
    env.update(extra)
    return env


def flask_cli(env: dict[str, str], *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(VENV_BIN / "flask"), *args], cwd=PROJECT_ROOT, env=env, input=stdin,
                          capture_output=True, text=True, check=True)  # fmt: skip


@contextlib.contextmanager
def gunicorn_site(env: dict[str, str], workers: int = 2, extra_args: tuple[str, ...] = ()) -> Iterator[str]:
    """Migrate the database, start gunicorn, yield its base URL, stop it."""
    flask_cli(env, "db", "upgrade")
    port = free_port()
    server = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}", *extra_args, "app:create_app()"],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{url}/healthz", timeout=5).status_code == 200:
                    break
            time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not start: " + server.stderr.read1().decode(errors="replace"))
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def comment_form_fields(html: str) -> dict[str, str]:
    """The hidden fields (CSRF token, signed timestamp) of the comment form in a page."""
    form = re.search(r'<form class="comment-form".*?</form>', html, re.S).group(0)
    return dict(re.findall(r'<input[^>]*name="(csrf_token|form_time)"[^>]*value="([^"]*)"', form))


def post_comment(session: requests.Session, base_url: str, name: str, text: str, locale: str = "en"):
    page = session.get(f"{base_url}/{locale}/articles/{ARTICLE_SLUG}", timeout=30).text
    data = {**comment_form_fields(page), "name": name, "comment": text, "website": ""}
    return session.post(f"{base_url}/{locale}/articles/{ARTICLE_SLUG}/comments", data=data,
                        allow_redirects=False, timeout=60)  # fmt: skip
