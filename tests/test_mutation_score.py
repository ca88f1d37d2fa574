"""tools/mutation_score.py, on results laid out as mutmut 3 writes them: the score leaves out the
listed equivalent mutants, and a stale list or a low score fails the run."""

from __future__ import annotations

import json
from pathlib import Path

from tools.mutation_score import main


def lay_out(tmp_path: Path, exit_codes: dict[str, int | None], equivalent: str) -> tuple[Path, Path]:
    meta = tmp_path / "mutants" / "app" / "guard.py.meta"
    meta.parent.mkdir(parents=True)
    meta.write_text(json.dumps({"exit_code_by_key": exit_codes}))
    listed = tmp_path / "equivalent.txt"
    listed.write_text(equivalent)
    return tmp_path / "mutants", listed


def killed(count: int) -> dict[str, int]:
    return {f"app.guard.x_check__mutmut_{n}": 1 for n in range(1, count + 1)}


def test_the_score_counts_killed_among_non_equivalent_mutants(tmp_path, capsys):
    codes = {**killed(19), "app.guard.x_check__mutmut_20": 0, "app.guard.x_check__mutmut_21": 0}
    mutants, listed = lay_out(tmp_path, codes, "# why\napp.guard.x_check__mutmut_21 the same string either way\n")
    assert main(mutants, listed) == 0
    out = capsys.readouterr().out
    assert "app.guard" in out and " 21 " in out and " 19 " in out and "95.0%" in out
    assert "app.guard.x_check__mutmut_20" in out  # the survivor is named


def test_under_95_percent_fails(tmp_path, capsys):
    mutants, listed = lay_out(
        tmp_path, {**killed(18), "app.guard.x_check__mutmut_19": 0, "app.guard.x_check__mutmut_20": 33}, ""
    )
    assert main(mutants, listed) == 1
    assert "90.0% of non-equivalent mutants killed" in capsys.readouterr().err


def test_a_timeout_counts_as_killed(tmp_path):
    mutants, listed = lay_out(tmp_path, {**killed(3), "app.guard.x_check__mutmut_4": 36}, "")
    assert main(mutants, listed) == 0


def test_a_stale_or_unexplained_equivalent_list_fails(tmp_path, capsys):
    mutants, listed = lay_out(tmp_path, killed(20), "app.guard.x_check__mutmut_3 said to be equivalent\n")
    assert main(mutants, listed) == 1
    assert "mutmut_3 is listed as equivalent but a test kills it" in capsys.readouterr().err
    listed.write_text("app.guard.x_gone__mutmut_1 was once\napp.guard.x_check__mutmut_4\n")
    assert main(mutants, listed) == 1
    err = capsys.readouterr().err
    assert "x_gone__mutmut_1 is listed as equivalent but mutmut made no such mutant" in err
    assert "mutmut_4 has no reason" in err


def test_mutants_not_run_fail(tmp_path, capsys):
    mutants, listed = lay_out(tmp_path, {**killed(100), "app.guard.x_check__mutmut_101": None}, "")
    assert main(mutants, listed) == 1
    assert "1 mutants were not run" in capsys.readouterr().err


def test_an_equivalent_mutant_that_timed_out_is_not_called_stale(tmp_path):
    mutants, listed = lay_out(
        tmp_path, {**killed(3), "app.guard.x_check__mutmut_4": 36}, "app.guard.x_check__mutmut_4 why\n"
    )
    assert main(mutants, listed) == 0
