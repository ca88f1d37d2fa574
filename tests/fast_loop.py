"""What the fast loop (`make test-fast`, the "fast" hypothesis profile) trims, and only that.

`make test` and CI run every case. The fast loop, which contributors run after each change, runs
fewer examples of a property (conftest.hypothesis_examples) and runs the costliest per-language
corpora in one language of each writing direction instead of all five."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import settings

# English (left to right) and Arabic (right to left, its own digits and plural forms).
ONE_LOCALE_PER_DIRECTION = ("en", "ar")


def in_fast_loop() -> bool:
    return settings.get_current_profile_name() == "fast"


def locales_for_costly_corpus(locales: Sequence[str]) -> list[str]:
    """Every locale in the full suite; one per writing direction in the fast loop."""
    if in_fast_loop():
        return [code for code in locales if code in ONE_LOCALE_PER_DIRECTION]
    return list(locales)
