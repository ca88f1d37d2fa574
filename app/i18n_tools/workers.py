"""One catalogue per worker process: `update` and `check` spend their time at hundreds of
articles on each catalogue in turn (reading, merging, checking, writing), work that shares
nothing between languages, so the catalogues are worked on side by side on every core.

The workers are forked from the command's process: they inherit what it loaded (the articles,
the template, the app's configuration) instead of loading it again or receiving it through a
pipe; each returns its result, and the command gets the results in the order of the items, so
what it prints and writes does not depend on which worker finished first.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from app.collector import collector_paused

S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")

# Below this much PO text in all, forking the workers costs more than it saves (the
# repository's own four catalogues, 0.5 MB, check in 0.4 s one after the other).
WORTH_FORKING_BYTES = 2_000_000

# What the forked workers inherit: set by _inherit in each worker, before its first item.
_work: Callable[[Any, Any], Any] | None = None
_shared: Any = None


def usable_cores() -> int:
    """The cores this process may run on (a container or taskset may allow fewer than exist)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def fork_is_safe() -> bool:
    """Forking a process that has already imported and run what these commands run is safe on
    Linux only: macOS's system libraries may crash a forked child (Python's own default start
    method there is "spawn"), and Windows cannot fork."""
    return sys.platform == "linux" and "fork" in multiprocessing.get_all_start_methods()


def worth_forking(paths: Iterable[Path]) -> bool:
    """Whether files this large are worth spreading over worker processes."""
    return sum(path.stat().st_size for path in paths if path.exists()) >= WORTH_FORKING_BYTES


def in_worker_processes(work: Callable[[S, T], R], shared: S, items: Sequence[T], *, fork: bool = True) -> list[R]:
    """[work(shared, item) for item in items], in that order, the items spread over forked worker
    processes (as many as there are usable cores, at most one per item).

    Only the items and the results travel between processes (they must pickle); `work` and
    `shared` are inherited by the fork. In this process, one item after the other, when `fork`
    is false (see worth_forking), where forking is not safe (see fork_is_safe), on one core, or
    for a single item. An exception in a worker is raised here.

    The work builds a catalogue's objects by the hundred thousand: the garbage collector is
    paused while it runs (see app/collector.py), here and in the workers.
    """
    count = min(len(items), usable_cores())
    if not fork or count < 2 or not fork_is_safe():
        with collector_paused():
            return [work(shared, item) for item in items]
    with ProcessPoolExecutor(
        max_workers=count,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_inherit,
        initargs=(work, shared),
    ) as pool:
        return list(pool.map(_run, items))


def _inherit(work: Callable[[Any, Any], Any], shared: Any) -> None:
    """A worker's start: it keeps `work` and `shared`, and never collects reference cycles (it
    lives for a few catalogues; what cycles they hold are freed when it exits)."""
    global _work, _shared
    _work, _shared = work, shared
    gc.disable()


def _run(item: Any) -> Any:
    assert _work is not None, "a worker runs only after _inherit"
    return _work(_shared, item)
