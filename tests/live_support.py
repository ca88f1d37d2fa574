"""Shared by the fault and load tests: gunicorn whose worker processes the test can see (and
kill), on a fresh database, and a reader's browser that fetches the comment form and posts it.
Builds on tests/live_gunicorn.py (environment, CLI, form fields)."""

from __future__ import annotations

import contextlib
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import requests

from tests.conftest import ARTICLE_SLUG, PROJECT_ROOT
from tests.live_gunicorn import VENV_BIN, comment_form_fields, flask_cli, free_port, site_environment


@dataclass
class Site:
    url: str
    process: subprocess.Popen

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return [int(pid) for pid in children]


@contextlib.contextmanager
def gunicorn_site(database_url: str, *, workers: int = 2, threads: int = 1) -> Iterator[Site]:
    """`gunicorn -w N --threads T 'app:create_app()'` on a migrated database, as in production.
    Its output goes nowhere: a pipe nobody reads would block the workers under load."""
    env = site_environment(database_url)
    flask_cli(env, "db", "upgrade")
    port = free_port()
    command = [str(VENV_BIN / "gunicorn"), "-w", str(workers), "--threads", str(threads), "--backlog", "2048"]
    command += ["-b", f"127.0.0.1:{port}", "app:create_app()"]
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    site = Site(f"http://127.0.0.1:{port}", process)
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{site.url}/healthz", timeout=5).status_code == 200:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start")
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


def post_comment(session: requests.Session, base_url: str, name: str, body: str, locale: str = "en") -> int:
    """Fetch the form as a browser does and post it; the status (redirects not followed)."""
    page = session.get(base_url + article_path(locale), timeout=60)
    page.raise_for_status()
    data = {**comment_form_fields(page.text), "name": name, "comment": body, "website": ""}
    response = session.post(f"{base_url}{article_path(locale)}/comments", data=data, allow_redirects=False, timeout=60)
    return response.status_code
