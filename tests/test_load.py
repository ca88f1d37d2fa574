"""Load: 200 concurrent readers and 30 concurrent commenters against two gunicorn workers, on
SQLite and (when TEST_DATABASE_URL is set) PostgreSQL. Zero errors, zero lost or duplicated
comments; latency percentiles are printed, never asserted."""

from __future__ import annotations

import os
import statistics
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, text

from tests.conftest import throwaway_database
from tests.live_gunicorn import article_path, gunicorn_site, post_comment, site_environment

READERS, COMMENTERS = 200, 30
DURATION = 12.0  # seconds of load; every request started before the end is awaited
READER_PAGES = [article_path("en"), article_path("ar"), "/en/", "/fr/", article_path("zh-hans")]


class StartLine:
    """Every client thread waits here; the load window starts once all of them are running
    (starting 230 threads beside busy ones takes seconds on a loaded 2-core machine)."""

    def __init__(self, duration: float) -> None:
        self.duration = duration
        self.deadline = 0.0
        self._go = threading.Event()

    def go(self) -> None:
        self.deadline = time.monotonic() + self.duration
        self._go.set()

    def wait(self) -> float:
        self._go.wait()
        return self.deadline


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.errors: Counter[str] = Counter()
        self.answered: dict[str, int] = {}

    def timed(self, seconds: float) -> None:
        with self.lock:
            self.latencies.append(seconds)

    def error(self, what: str) -> None:
        with self.lock:
            self.errors[what] += 1


def client_session() -> requests.Session:
    """A client that keeps cookies but opens a connection per request, as nginx does towards
    gunicorn: with keep-alive, a thread starved of the GIL for longer than gunicorn's keep-alive
    timeout would reuse a connection the server had closed, and requests never retries that."""
    session = requests.Session()
    session.headers["Connection"] = "close"
    return session


def reader(base_url: str, number: int, start: StartLine, tally: Tally) -> None:
    session = client_session()
    deadline = start.wait()
    turn = number
    while time.monotonic() < deadline:
        path = READER_PAGES[turn % len(READER_PAGES)]
        turn += 1
        started = time.perf_counter()
        try:
            response = session.get(base_url + path, timeout=120)
        except requests.RequestException as error:
            tally.error(f"GET {path}: {type(error).__name__}: {str(error)[:160]}")
            continue
        tally.timed(time.perf_counter() - started)
        if response.status_code != 200:
            tally.error(f"GET {path}: {response.status_code}")


def commenter(base_url: str, number: int, start: StartLine, tally: Tally) -> None:
    session = client_session()
    deadline = start.wait()
    sent = 0
    while time.monotonic() < deadline:
        body = f"Load comment {number}-{sent}: my child slept better after this advice."
        sent += 1
        started = time.perf_counter()
        try:
            status = post_comment(session, base_url, f"Commenter {number}", body).status_code
        except requests.RequestException as error:
            tally.error(f"comment: {type(error).__name__}: {str(error)[:160]}")
            status = -1
        tally.timed(time.perf_counter() - started)
        with tally.lock:
            tally.answered[body] = status
        if status != 303:
            tally.error(f"comment: {status}")


def server_errors(log: Path) -> str:
    """What the workers logged about errors (tracebacks, warnings), so a failure under load can
    be understood from the CI output alone."""
    lines = log.read_text(errors="replace").splitlines()
    wanted = [line for line in lines if "[INFO]" not in line]
    return "gunicorn's log, INFO lines left out:\n" + "\n".join(wanted[-80:])


def percentiles(latencies: list[float]) -> str:
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return f"p50 {cuts[49] * 1000:.0f} ms, p95 {cuts[94] * 1000:.0f} ms, p99 {cuts[98] * 1000:.0f} ms"


def database_urls():
    yield pytest.param("sqlite", id="sqlite")
    yield pytest.param(
        "postgresql",
        id="postgresql",
        marks=pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="TEST_DATABASE_URL not set"),
    )


@pytest.mark.slow
@pytest.mark.xdist_group("live")
@pytest.mark.parametrize("backend", database_urls())
def test_readers_and_commenters_under_load_lose_nothing(backend, tmp_path: Path, capsys):
    postgres = "" if backend == "sqlite" else os.environ["TEST_DATABASE_URL"]
    tally = Tally()
    log = tmp_path / "gunicorn.log"
    with throwaway_database(tmp_path, "load", postgres=postgres) as database_url:
        with gunicorn_site(site_environment(database_url), workers=2, threads=4, stderr_path=log) as site:
            start = StartLine(DURATION)
            threads = [threading.Thread(target=reader, args=(site.url, n, start, tally)) for n in range(READERS)]
            threads += [threading.Thread(target=commenter, args=(site.url, n, start, tally)) for n in range(COMMENTERS)]
            for thread in threads:
                thread.start()
            started = time.monotonic()
            start.go()
            for thread in threads:
                thread.join(timeout=300)
            elapsed = time.monotonic() - started
            assert not any(thread.is_alive() for thread in threads)

        engine = create_engine(database_url)
        with engine.connect() as connection:
            stored = [row[0] for row in connection.execute(text("SELECT body FROM comments"))]
        engine.dispose()

    acknowledged = {body for body, status in tally.answered.items() if status == 303}
    with capsys.disabled():
        print(
            f"\n[load {backend}] {len(tally.latencies)} requests in {elapsed:.1f} s "
            f"({len(tally.latencies) / elapsed:.0f}/s), {len(acknowledged)} comments; {percentiles(tally.latencies)}"
        )
    assert not tally.errors, f"{dict(tally.errors)}\n{server_errors(log)}"
    assert len(stored) == len(set(stored)), "a comment was stored twice"
    assert set(stored) == acknowledged, "the database and the 303 answers differ"
    assert len(acknowledged) >= COMMENTERS  # every commenter got at least one through
