"""The mutation score of each module that guards readers, from mutmut's results in mutants/.

Score = killed / (mutants - equivalent): a mutant listed in tests/mutation/equivalent.txt (one
per line, `name  reason`) behaves exactly like the real code, so no test can kill it. A listed
mutant that is missing, has no reason or was killed makes the list stale and fails the run, as
does any module under the required score (95 %). Usage: python tools/mutation_score.py
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "mutants"
EQUIVALENT = ROOT / "tests" / "mutation" / "equivalent.txt"
REQUIRED = 95.0
# mutmut's exit codes: a test failed (3: pytest's internal error), or the tests ran past the
# time limit (a mutant that makes the code loop for ever is caught that way; the limit is
# generous, see timeout_multiplier in pyproject.toml, so a slow machine does not fake a kill).
FAILED = {1, 3}
TIMED_OUT = {36, 24, -24, 152, 255}
KILLED = FAILED | TIMED_OUT
NOT_RUN = {None, 2}  # not checked, interrupted


@dataclass
class Score:
    module: str
    mutants: int
    killed: int
    timed_out: int
    equivalent: int
    not_run: int
    survivors: list[str]

    @property
    def percent(self) -> float:
        counted = self.mutants - self.equivalent
        return 100.0 * self.killed / counted if counted else 100.0


def read_equivalent(path: Path = EQUIVALENT) -> tuple[dict[str, str], list[str]]:
    """{mutant name: reason}, and what is wrong with the list."""
    found, errors = {}, []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        name, _, reason = line.strip().partition(" ")
        if not reason.strip():
            errors.append(f"{path.name}:{number}: {name} has no reason")
        found[name] = reason.strip()
    return found, errors


def module_name(meta: Path, mutants: Path) -> str:
    return ".".join(meta.relative_to(mutants).with_suffix("").with_suffix("").parts)


def scores(equivalent: dict[str, str], mutants: Path = MUTANTS) -> tuple[list[Score], list[str]]:
    results, errors, seen = [], [], set()
    for meta in sorted(mutants.glob("app/**/*.py.meta")):
        exit_codes: dict[str, int | None] = json.loads(meta.read_text())["exit_code_by_key"]
        if not exit_codes:
            continue
        module = module_name(meta, mutants)
        score = Score(module, len(exit_codes), 0, 0, 0, 0, [])
        for name, code in sorted(exit_codes.items(), key=lambda item: _natural(item[0])):
            if name in equivalent:
                seen.add(name)
                if code in FAILED:
                    errors.append(f"{name} is listed as equivalent but a test kills it: remove it from the list")
                score.equivalent += 1
            elif code in KILLED:
                score.killed += 1
                score.timed_out += code in TIMED_OUT
            else:
                score.not_run += code in NOT_RUN
                score.survivors.append(name)
        results.append(score)
    errors += [f"{name} is listed as equivalent but mutmut made no such mutant" for name in equivalent.keys() - seen]
    return results, errors


def _natural(name: str) -> list[object]:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def main(mutants: Path = MUTANTS, equivalent_list: Path = EQUIVALENT) -> int:
    if not mutants.is_dir():
        print("No mutants/ here: run `make mutation` first.")
        return 1
    equivalent, errors = read_equivalent(equivalent_list)
    results, stale = scores(equivalent, mutants)
    errors += stale
    print(f"{'module':<28} {'mutants':>7} {'killed':>6} {'(timeout)':>9} {'equiv.':>6} {'score':>7}")
    for score in results:
        print(
            f"{score.module:<28} {score.mutants:>7} {score.killed:>6} {score.timed_out:>9} {score.equivalent:>6}"
            f" {score.percent:>6.1f}%"
        )
    for score in results:
        if score.survivors:
            print(f"\n{score.module}: {len(score.survivors)} not killed (`mutmut show NAME` shows each):")
            print("\n".join(f"  {name}" for name in score.survivors))
        if score.not_run:
            errors.append(f"{score.module}: {score.not_run} mutants were not run (interrupted?)")
        if score.percent < REQUIRED:
            errors.append(f"{score.module}: {score.percent:.1f}% of non-equivalent mutants killed (< {REQUIRED:.0f}%)")
    if not results:
        errors.append("mutants/ holds no results")
    for error in errors:
        print(f"error: {error}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
