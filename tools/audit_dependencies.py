"""Dependency audit for CI: fail on a known vulnerability, tolerate an unreachable advisory service.

    python tools/audit_dependencies.py [extra pip-audit arguments]

Runs pip-audit on the project's environment with JSON output and decides:
- any dependency with a known vulnerability -> exit 1 (the run fails);
- the advisory service could not be reached, or knew none of the packages -> a warning, exit 0;
- otherwise -> exit 0.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass
class AuditOutcome:
    vulnerable: list[str]
    audited: int
    skipped: int

    @property
    def advisory_unreachable(self) -> bool:
        return self.audited == 0


def classify(report: dict) -> AuditOutcome:
    """Read pip-audit's JSON report (`--format json`)."""
    vulnerable, audited, skipped = [], 0, 0
    for dependency in report.get("dependencies", []):
        if "skip_reason" in dependency:
            skipped += 1
            continue
        audited += 1
        for vulnerability in dependency.get("vulns", []):
            fixes = ", ".join(vulnerability.get("fix_versions", [])) or "no fix yet"
            vulnerable.append(f"{dependency['name']} {dependency['version']}: {vulnerability['id']} (fixed in {fixes})")
    return AuditOutcome(vulnerable, audited, skipped)


def main(argv: list[str]) -> int:
    pip_audit = Path(sys.executable).with_name("pip-audit")
    command = [str(pip_audit), "--format", "json", "--progress-spinner", "off", "-s", "pypi", *argv]
    completed = subprocess.run(command, capture_output=True, text=True)
    try:
        report = json.loads(completed.stdout or "{}")
    except json.JSONDecodeError:
        report = {}
    if not report:
        print(f"dependency audit: advisory service unreachable, audit skipped ({completed.stderr.strip()[:300]})")
        return 0
    outcome = classify(report)
    for line in outcome.vulnerable:
        print(f"VULNERABLE {line}")
    if outcome.vulnerable:
        return 1
    if outcome.advisory_unreachable:
        print(f"dependency audit: the advisory service knew none of {outcome.skipped} packages; audit skipped")
        return 0
    print(f"dependency audit: {outcome.audited} packages audited, none with a known vulnerability")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
