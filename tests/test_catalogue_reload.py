"""See a change at once: under `make run` (development), a catalogue compiled with `flask
translate compile` shows on the next page load, stored public pages included; an app without
RELOAD_CATALOGUES (production) keeps the catalogues it started with until it restarts."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT, make_test_app
from tests.i18n_helpers import copy_translations
from tests.live_gunicorn import free_port
from tests.live_make_run import first_page, make_run

SITE_NAME = 'msgid "Child Health Guide"\nmsgstr "Guía de Salud Infantil"\n'
CHANGED = "Guía de Salud Infantil (recién compilada)"


def change_and_compile(translations: Path, env: dict[str, str]) -> None:
    catalogue = translations / "es" / "LC_MESSAGES" / "messages.po"
    text = catalogue.read_text(encoding="utf-8")
    assert SITE_NAME in text
    catalogue.write_text(text.replace(SITE_NAME, f'msgid "Child Health Guide"\nmsgstr "{CHANGED}"\n'), encoding="utf-8")
    flask = str(Path(sys.executable).with_name("flask"))
    subprocess.run(
        [flask, "--app", "app", "translate", "compile"], cwd=PROJECT_ROOT, env=env, check=True, capture_output=True
    )


def compile_env(translations: Path, tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "BABEL_TRANSLATION_DIRECTORIES": str(translations),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}",
        "SECRET_KEY": "reload-test",
        "PYTHONDONTWRITEBYTECODE": "1",
    }


@pytest.mark.slow
@pytest.mark.parametrize(("reload", "shows_change"), [(True, True), (False, False)])
def test_a_recompiled_catalogue_shows_on_the_next_page_only_where_reloading_is_on(
    database_url, tmp_path, reload, shows_change
):
    translations = copy_translations(tmp_path / "translations")
    env = compile_env(translations, tmp_path)
    subprocess.run(
        [str(Path(sys.executable).with_name("flask")), "--app", "app", "translate", "compile"],
        cwd=PROJECT_ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    app = make_test_app(
        database_url, tmp_path, BABEL_TRANSLATION_DIRECTORIES=str(translations), RELOAD_CATALOGUES=reload
    )
    client = app.test_client()
    assert "Guía de Salud Infantil<" in client.get("/es/").get_data(as_text=True)  # now stored, too
    time.sleep(0.01)
    change_and_compile(translations, env)
    assert (CHANGED in client.get("/es/").get_data(as_text=True)) is shows_change


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_shows_a_compiled_change_without_a_restart(tmp_path):
    translations = copy_translations(tmp_path / "translations")
    env = compile_env(translations, tmp_path)
    env.pop("SITE_URL", None)
    port = free_port()
    url = f"http://127.0.0.1:{port}/es/"
    with make_run(port, env) as server:
        before = first_page(server, url, port)[1]
        assert "Guía de Salud Infantil<" in before and CHANGED not in before
        change_and_compile(translations, env)
        with urllib.request.urlopen(url, timeout=5) as response:
            assert CHANGED in response.read().decode()
        assert server.poll() is None  # the same server, never restarted
