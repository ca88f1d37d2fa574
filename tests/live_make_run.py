"""`make run` as a reader starts it: a development server on the port asked for."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from tests.conftest import PROJECT_ROOT


@contextmanager
def make_run(port: int, env: dict[str, str]) -> Iterator[subprocess.Popen]:
    """`make run PORT=port`, stopped (its whole process group) at the end."""
    server = subprocess.Popen(
        ["make", "--no-print-directory", "run", f"PORT={port}"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        yield server
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def first_page(server: subprocess.Popen, url: str, port: int) -> tuple[int, str]:
    """(status, body) of the first answer at url, waiting for the server to start (90 s)."""
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status, response.read().decode()
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                output = server.stdout.read().decode(errors="replace") if server.stdout else ""
                pytest.fail(f"make run PORT={port} did not serve the site:\n{output[-3000:]}")
            time.sleep(0.5)
