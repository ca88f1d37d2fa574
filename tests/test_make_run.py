"""`make run PORT=…` (README, "Quick start"): the README's quick start serves on the port asked for, so a
second copy (or a machine where 5000 is taken) needs no edit of any file."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.live_gunicorn import free_port
from tests.live_make_run import first_page, make_run

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
    with make_run(port, env) as server:
        status, body = first_page(server, f"http://127.0.0.1:{port}/en/about", port)
        assert status == 200
        # Absolute links (hreflang, canonical) name the port the site was started on.
        assert f"http://127.0.0.1:{port}/" in body
