"""`flask translate update` and `check` work on each catalogue in a worker process of its own
(app/i18n_tools/workers.py): what they print and write is the same, byte for byte, whether
the catalogues are worked on side by side or one after the other."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from app.i18n_tools import workers
from app.i18n_tools.workers import in_worker_processes, usable_cores, worth_forking
from tests.i18n_helpers import copy_translations
from tests.test_translate_cli import cli

needs_two_cores = pytest.mark.skipif(usable_cores() < 2, reason="one usable core: the work stays in this process")


def _where(shared, item: int) -> tuple[int, int, int]:
    return item, shared(item), os.getpid()


def _fails(shared, item: int) -> int:
    if item == 2:
        raise ValueError(f"item {item}")
    return item


@needs_two_cores
def test_results_come_in_the_order_of_the_items_from_worker_processes():
    # A lambda does not pickle: the workers inherit it from the fork.
    results = in_worker_processes(_where, lambda item: item * 10, list(range(6)))
    assert [(item, value) for item, value, _ in results] == [(item, item * 10) for item in range(6)]
    assert os.getpid() not in {pid for _, _, pid in results}


def test_without_fork_the_work_stays_in_this_process():
    results = in_worker_processes(_where, lambda item: -item, [1, 2, 3], fork=False)
    assert results == [(1, -1, os.getpid()), (2, -2, os.getpid()), (3, -3, os.getpid())]


@needs_two_cores
@pytest.mark.parametrize("platform", ["darwin", "win32"])
def test_only_linux_forks_workers(monkeypatch, platform):
    """macOS's system libraries may crash a forked child, and Windows has no fork: the work
    stays in this process there."""
    monkeypatch.setattr(workers.sys, "platform", platform)
    results = in_worker_processes(_where, lambda item: -item, [1, 2, 3])
    assert {pid for _, _, pid in results} == {os.getpid()}


@needs_two_cores
def test_an_error_in_a_worker_is_raised_in_the_command():
    with pytest.raises(ValueError, match="item 2"):
        in_worker_processes(_fails, None, [1, 2, 3])


def test_small_catalogues_are_not_worth_forking_for(tmp_path):
    small = tmp_path / "small.po"
    small.write_bytes(b"x" * 1000)
    large = tmp_path / "large.po"
    large.write_bytes(b"x" * workers.WORTH_FORKING_BYTES)
    assert not worth_forking([small, tmp_path / "missing.po"])
    assert worth_forking([small, large])


def _stale(translations: Path) -> Path:
    """A copy whose Spanish catalogue holds a message no longer in the source (a problem for
    check, an obsolete entry for update)."""
    path = translations / "es" / "LC_MESSAGES" / "messages.po"
    with path.open("a", encoding="utf-8") as handle:
        handle.write('\nmsgctxt "gone"\nmsgid "No longer in the source"\nmsgstr "Ya no está en el código"\n')
    return translations


def _run_tools(tmp_path: Path, translations: Path) -> tuple[list[str], dict[str, bytes]]:
    outputs = []
    for args in (("check", "--details"), ("check",), ("update",), ("check", "--details")):
        result = cli(tmp_path, translations, *args)
        outputs.append(f"{result.exit_code}\n{result.output}".replace(str(translations), "<translations>"))
    written = {str(path.relative_to(translations)): path.read_bytes() for path in sorted(translations.rglob("*.po*"))}
    return outputs, written


@needs_two_cores
def test_update_and_check_print_and_write_the_same_side_by_side_or_one_by_one(tmp_path, monkeypatch):
    template = _stale(copy_translations(tmp_path / "template"))
    side_by_side = tmp_path / "side-by-side"
    shutil.copytree(template, side_by_side)
    monkeypatch.setattr(workers, "WORTH_FORKING_BYTES", 0)
    forked = _run_tools(tmp_path, side_by_side)
    one_by_one = tmp_path / "one-by-one"
    shutil.copytree(template, one_by_one)
    monkeypatch.setattr(workers, "WORTH_FORKING_BYTES", 10**12)
    serial = _run_tools(tmp_path, one_by_one)
    assert "no longer in the source" in forked[0][0]
    assert forked == serial
