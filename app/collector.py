"""Python's cyclic garbage collector, paused while a burst of work builds objects by the thousand.

Each burst of allocations sets the collector walking the young objects and, ever more often,
every object still alive: a third of the time of loading hundreds of articles, or of checking a
catalogue of a hundred thousand messages. That work holds few reference cycles to free, and any
cycle is collected once the collector resumes.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """The collector off for the block, then back as it was (nested or concurrent uses end with
    it on, if it was on when the first began)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
