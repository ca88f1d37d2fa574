"""`make run PORT=…` (README, "Quick start"): the README's quick start serves on the port asked for, so a
second copy (or a machine where 5000 is taken) needs no edit of any file."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT
from tests.live_gunicorn import free_port

pytestmark = pytest.mark.slow


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_serves_on_the_port_it_is_given(tmp_path: Path):
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}",
        "SECRET_KEY": "make-run-test",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    env.pop("SITE_URL", None)
    server = subprocess.Popen(
        ["make", "--no-print-directory", "run", f"PORT={port}"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/en/about", timeout=5) as response:
                    body = response.read().decode()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    output = server.stdout.read().decode(errors="replace") if server.stdout else ""
                    pytest.fail(f"make run PORT={port} did not serve the site:\n{output[-3000:]}")
                time.sleep(0.5)
        assert response.status == 200
        # Absolute links (hreflang, canonical) name the port the site was started on.
        assert f"http://127.0.0.1:{port}/" in body
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
