"""The CI dependency audit fails on a known vulnerability and tolerates an unreachable service."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import PROJECT_ROOT
from tools.audit_dependencies import classify

VULNERABLE_REPORT = {
    "dependencies": [
        {"name": "flask", "version": "0.12", "vulns": [{"id": "PYSEC-2019-179", "fix_versions": ["1.0"]}]},
        {"name": "nh3", "version": "0.2.17", "vulns": []},
    ]
}
UNREACHABLE_REPORT = {
    "dependencies": [
        {"name": "flask", "skip_reason": "Dependency not found on PyPI and could not be audited: flask (3.1.3)"},
        {"name": "nh3", "skip_reason": "Dependency not found on PyPI and could not be audited: nh3 (0.3.2)"},
    ]
}


def test_a_known_vulnerability_fails_the_audit():
    outcome = classify(VULNERABLE_REPORT)
    assert outcome.vulnerable == ["flask 0.12: PYSEC-2019-179 (fixed in 1.0)"]
    assert not outcome.advisory_unreachable


def test_an_unreachable_advisory_service_is_tolerated():
    outcome = classify(UNREACHABLE_REPORT)
    assert outcome.vulnerable == [] and outcome.advisory_unreachable


def test_the_script_exits_nonzero_only_for_vulnerabilities(tmp_path, monkeypatch):
    fake = tmp_path / "pip-audit"
    for report, expected in ((VULNERABLE_REPORT, 1), (UNREACHABLE_REPORT, 0), ({}, 0)):
        fake.write_text(f"#!{sys.executable}\nprint({json.dumps(json.dumps(report))})\n")
        fake.chmod(0o755)
        fake_python = tmp_path / "python"
        if not fake_python.exists():
            fake_python.symlink_to(sys.executable)
        result = subprocess.run(
            [str(fake_python), str(PROJECT_ROOT / "tools" / "audit_dependencies.py")],
            capture_output=True,
            text=True,
        )
        assert result.returncode == expected, result.stdout + result.stderr
