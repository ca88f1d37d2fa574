"""The deployment files are what the guides say: deploy/nginx.conf is valid nginx, the guides
name the commands that exist, and gunicorn.conf.py loads."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT
from tests.live_nginx import SHIPPED, main_config, site_config


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed")
def test_the_shipped_nginx_configuration_passes_nginx_t(tmp_path: Path):
    config = tmp_path / "nginx.conf"
    config.write_text(main_config(site_config(8000, 8080, 8443, tmp_path), tmp_path))
    result = subprocess.run(["nginx", "-t", "-c", str(config), "-p", str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_the_guides_point_at_the_shipped_files_and_real_commands():
    guide = (PROJECT_ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert "deploy/nginx.conf" in guide and SHIPPED.exists()
    assert "requirements.lock" in guide
    # The cron line in the guide is a command the README lists.
    cron = re.search(r"drain the mail outbox: `flask --app app ([a-z-]+ [a-z-]+)`", guide).group(1)
    assert f"`{cron}`" in readme, cron
    digest = re.search(r"send moderators their digest: `flask --app app ([a-z-]+ [a-z-]+)`", guide).group(1)
    assert f"`{digest}`" in readme, digest
    # Both guides show the same cron commands, and each is one the README's table lists.
    for text in (guide, readme):
        block = re.search(r"```cron\n(.*?)```", text, re.S).group(1)
        commands = re.findall(r"flask --app app ([a-z-]+ [a-z-]+)", block)
        assert sorted(commands) == sorted([cron, digest]), commands


def test_gunicorn_config_loads():
    namespace: dict[str, object] = {}
    exec((PROJECT_ROOT / "gunicorn.conf.py").read_text(), namespace)
    assert namespace["workers"] >= 1 and namespace["graceful_timeout"] > 0
    assert "%(U)s" in namespace["access_log_format"] and "%(r)s" not in namespace["access_log_format"]
    # Restarts are cheap (a fork of the loaded app) and rare, never all workers at once.
    assert namespace["preload_app"] is True
    assert namespace["max_requests"] >= 10_000 and namespace["max_requests_jitter"] > 0
    # No control socket at the one path per user that every instance would share.
    assert namespace["control_socket_disable"] is True and "control_socket" not in namespace


def test_gunicorn_control_socket_is_per_instance_when_asked_for(monkeypatch, tmp_path):
    monkeypatch.setenv("GUNICORN_CONTROL_SOCKET", str(tmp_path / "chg.ctl"))
    namespace: dict[str, object] = {}
    exec((PROJECT_ROOT / "gunicorn.conf.py").read_text(), namespace)
    assert namespace["control_socket"] == str(tmp_path / "chg.ctl") and "control_socket_disable" not in namespace
