"""Settings come from the environment; a laptop gets safe defaults and a generated secret."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import request

from app import create_app
from app.config import settings_from_environment


def test_secret_key_is_generated_once_into_instance(tmp_path: Path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = settings_from_environment(tmp_path)["SECRET_KEY"]
    second = settings_from_environment(tmp_path)["SECRET_KEY"]
    assert first == second and len(first) >= 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_environment_overrides_defaults(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-env")
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u@127.0.0.1/db")
    monkeypatch.setenv("RATELIMIT_ENABLED", "false")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("SITE_URL", "https://health.example.org/")
    settings = settings_from_environment(tmp_path)
    assert settings["SECRET_KEY"] == "from-env"
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@127.0.0.1/db"
    assert settings["RATELIMIT_ENABLED"] is False
    assert settings["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"
    assert settings["SITE_URL"] == "https://health.example.org"
    assert not (tmp_path / "secret_key").exists()


def test_default_database_is_sqlite_in_instance(tmp_path: Path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert (
        settings_from_environment(tmp_path)["SQLALCHEMY_DATABASE_URI"]
        == f"sqlite:///{tmp_path / 'child-health-guide.db'}"
    )


@pytest.mark.parametrize(
    ("hops", "expected_ip", "expected_secure"), [(0, "127.0.0.1", False), (1, "203.0.113.9", True)]
)
def test_proxy_fix_trusts_only_the_configured_hops(tmp_path: Path, hops, expected_ip, expected_secure):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "PROXY_FIX_HOPS": hops,
            "INSTANCE_PATH": str(tmp_path),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite'}",
        }
    )
    seen = {}

    @app.get("/whoami")
    def whoami():
        seen["ip"], seen["secure"] = request.remote_addr, request.is_secure
        return "ok"

    response = app.test_client().get(
        "/whoami", headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    )
    assert (seen["ip"], seen["secure"]) == (expected_ip, expected_secure)
    assert ("Strict-Transport-Security" in response.headers) == expected_secure
