"""Several gunicorn workers share one truth: the database for pages, Redis for rate limits."""

from __future__ import annotations

import re
import time

import pytest
import requests

from tests.conftest import ARTICLE_SLUG, LOCALE_CODES
from tests.live_gunicorn import flask_cli, gunicorn_site, post_comment, site_environment

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("live")]

REQUESTS_PER_CHECK = 24  # enough that both workers answer some of them


def _pages(base_url: str, locale: str = "en") -> list[requests.Response]:
    url = f"{base_url}/{locale}/articles/{ARTICLE_SLUG}"
    return [requests.get(url, timeout=30) for _ in range(REQUESTS_PER_CHECK)]


def test_an_approval_through_one_worker_shows_on_every_worker_within_the_revision_max_age(database_url):
    env = site_environment(database_url)
    with gunicorn_site(env, workers=2) as site:
        base_url = site.url
        response = post_comment(requests.Session(), base_url, "Amal", "Shown on every worker")
        assert response.status_code == 303
        before = {code: _pages(base_url, code) for code in LOCALE_CODES}  # every worker caches the page
        assert not any("Shown on every worker" in page.text for pages in before.values() for page in pages)
        etags_before = {page.headers["ETag"].split(":")[0] for page in before["en"]}

        pending = flask_cli(env, "comments", "pending").stdout
        comment_id = re.match(r"\s*(\d+)", pending).group(1)
        moderator = requests.Session()
        login = moderator.get(f"{base_url}/en/moderation/login", timeout=30).text
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login).group(1)
        flask_cli(env, "moderators", "add", "mod@example.org", "--password-stdin", stdin="a long passphrase\n")
        credentials = {"csrf_token": token, "email": "mod@example.org", "password": "a long passphrase"}
        signed_in = moderator.post(f"{base_url}/en/moderation/login", data=credentials, timeout=30)
        queue = signed_in.text
        action = re.search(r'<form[^>]*action="([^"]*)"[^>]*>(?:(?!</form>).)*value="approve"', queue, re.S)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', queue).group(1)
        decision = {"csrf_token": token, "ids": comment_id, "action": "approve"}
        decided = moderator.post(base_url + action.group(1), data=decision, timeout=30, allow_redirects=False)
        assert decided.status_code in (302, 303)

        # The worker that decided shows it at once; the other once its revision is older than
        # PAGE_REVISION_MAX_AGE (1 s as shipped), plus the time the requests themselves take.
        deadline = time.monotonic() + 1 + 5
        for code in LOCALE_CODES:
            while not all("Shown on every worker" in page.text for page in _pages(base_url, code)):
                assert time.monotonic() < deadline, code
                time.sleep(0.1)
        etags_after = {page.headers["ETag"].split(":")[0] for page in _pages(base_url)}
        assert etags_before.isdisjoint(etags_after)


def test_every_reader_gets_the_same_public_page_and_only_the_poster_sees_their_comment(database_url):
    env = site_environment(database_url)
    with gunicorn_site(env, workers=2) as site:
        base_url = site.url
        readers = [requests.Session() for _ in range(6)]
        pages = [reader.get(f"{base_url}/en/articles/{ARTICLE_SLUG}", timeout=30) for reader in readers]
        assert len({page.content for page in pages}) == 1  # byte-identical, whichever worker answered
        assert all("Set-Cookie" not in page.headers for page in pages)
        assert all(page.headers["Cache-Control"].startswith("public") for page in pages)
        first, second = readers[0], readers[1]
        posted = post_comment(first, base_url, "Lin", "Only mine to see")
        assert posted.status_code == 303
        mine = first.get(base_url + posted.headers["Location"], timeout=30)
        assert mine.headers["Cache-Control"] == "private, no-store"
        assert "Only mine to see" in mine.text and 'role="status"' in mine.text
        theirs = second.get(base_url + posted.headers["Location"], timeout=30).text
        assert "Only mine to see" not in theirs
        article = first.get(f"{base_url}/en/articles/{ARTICLE_SLUG}", timeout=30).text
        assert "Only mine to see" not in article and article == pages[0].text


def _redis_available() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url("redis://127.0.0.1:6379/15", socket_timeout=1).ping())
    except Exception:
        return False


@pytest.mark.skipif(not _redis_available(), reason="no Redis server on 127.0.0.1:6379")
def test_rate_limits_are_shared_between_workers_through_redis(database_url):
    import redis

    redis.Redis.from_url("redis://127.0.0.1:6379/15").flushdb()
    env = site_environment(database_url, RATELIMIT_ENABLED="true", RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/15",
                           COMMENT_RATE_LIMIT="4/minute")  # fmt: skip
    with gunicorn_site(env, workers=2) as site:
        base_url = site.url
        session = requests.Session()
        statuses = [post_comment(session, base_url, "Sam", f"Post number {n}").status_code for n in range(8)]
    assert statuses[:4] == [303] * 4
    assert statuses[4:] == [429] * 4  # with per-process counters, the second worker would allow more
