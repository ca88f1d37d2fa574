"""Concurrent posts through two gunicorn workers on one SQLite file: every comment stored once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, text

from tests.live_gunicorn import gunicorn_site, post_comment, site_environment

POSTS = 32


@pytest.mark.slow
@pytest.mark.xdist_group("live")
def test_parallel_posts_through_two_workers_are_all_stored_once(tmp_path: Path):
    database = tmp_path / "concurrency.db"
    with gunicorn_site(site_environment(f"sqlite:///{database}"), workers=2) as site:

        def post_one(number: int) -> int:
            response = post_comment(
                requests.Session(), site.url, f"Parallel {number}", f"Parallel comment number {number}"
            )
            return response.status_code

        with ThreadPoolExecutor(max_workers=16) as pool:
            statuses = list(pool.map(post_one, range(POSTS)))
    assert statuses == [303] * POSTS

    engine = create_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT body, status FROM comments")).all()
    engine.dispose()
    bodies = sorted(body for body, _ in rows)
    assert bodies == sorted(f"Parallel comment number {n}" for n in range(POSTS))
    assert {status for _, status in rows} == {"pending"}
