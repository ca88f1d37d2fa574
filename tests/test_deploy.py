"""The deployment guide's nginx example is valid nginx configuration."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT


def nginx_example() -> str:
    guide = (PROJECT_ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- nginx-example-start -->\n```nginx\n(.*?)```", guide, re.S)
    assert block, "docs/deploy.md has no marked nginx example"
    return block.group(1)


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed")
def test_nginx_example_passes_nginx_t(tmp_path: Path):
    certificate = tmp_path / "cert.pem"
    key = tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=test",
            "-keyout",
            str(key),
            "-out",
            str(certificate),
        ],
        check=True,
        capture_output=True,
    )
    server_blocks = (
        nginx_example()
        .replace("/etc/ssl/certs/ssl-cert-snakeoil.pem", str(certificate))
        .replace("/etc/ssl/private/ssl-cert-snakeoil.key", str(key))
    )
    config = tmp_path / "nginx.conf"
    config.write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\naccess_log off;\nclient_body_temp_path {tmp_path};\n{server_blocks}\n}}\n"
    )
    result = subprocess.run(["nginx", "-t", "-c", str(config), "-p", str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_gunicorn_config_loads():
    namespace: dict[str, object] = {}
    exec((PROJECT_ROOT / "gunicorn.conf.py").read_text(), namespace)
    assert namespace["workers"] >= 1 and namespace["graceful_timeout"] > 0
    assert "%(U)s" in namespace["access_log_format"] and "%(r)s" not in namespace["access_log_format"]
