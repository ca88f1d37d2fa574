"""Concurrent posts through two gunicorn workers on one SQLite file: every comment stored once."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, text

from tests.conftest import ARTICLE_SLUG, PROJECT_ROOT

POSTS = 32
VENV_BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def gunicorn_site(tmp_path: Path):
    database = tmp_path / "concurrency.db"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "SECRET_KEY": "concurrency-test-secret",
        "RATELIMIT_ENABLED": "false",
        "COMMENT_MIN_SECONDS": "0",
        "FLASK_APP": "app",
    }
    subprocess.run([str(VENV_BIN / "flask"), "db", "upgrade"], cwd=PROJECT_ROOT, env=env, check=True,
                   capture_output=True)  # fmt: skip
    port = _free_port()
    server = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "app:create_app()"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if requests.get(f"{url}/healthz", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not start: " + server.stderr.read1().decode(errors="replace"))
        yield url, database
    finally:
        server.terminate()
        server.wait(timeout=30)


def _post_one(base_url: str, number: int) -> int:
    session = requests.Session()
    page = session.get(f"{base_url}/en/articles/{ARTICLE_SLUG}", timeout=30).text
    csrf = re.search(r'id="comment-csrf-token" name="csrf_token" type="hidden" value="([^"]+)"', page)
    stamp = re.search(r'name="form_time" type="hidden" value="([^"]+)"', page)
    response = session.post(
        f"{base_url}/en/articles/{ARTICLE_SLUG}/comments",
        data={
            "csrf_token": csrf.group(1),
            "form_time": stamp.group(1),
            "name": f"Parallel {number}",
            "comment": f"Parallel comment number {number}",
            "website": "",
        },
        allow_redirects=False,
        timeout=60,
    )
    return response.status_code


@pytest.mark.slow
def test_parallel_posts_through_two_workers_are_all_stored_once(gunicorn_site):
    base_url, database = gunicorn_site
    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(lambda n: _post_one(base_url, n), range(POSTS)))
    assert statuses == [303] * POSTS

    engine = create_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT body, status FROM comments")).all()
    engine.dispose()
    bodies = sorted(body for body, _ in rows)
    assert bodies == sorted(f"Parallel comment number {n}" for n in range(POSTS))
    assert {status for _, status in rows} == {"pending"}
