"""Babel's message extraction remembered per file for the whole test process.

Many tests run `flask translate extract` (or build the template) in-process on the same unchanged
code and templates; Babel tokenizes every Python file and parses every template again each time
(about half a second a run). This wraps the function Babel's `extract_from_dir` calls for each
file so that a file whose path, size and modification time are unchanged gives back the messages
it gave before; a file a test writes or edits is read again. Only the tests use it."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

from babel.messages import extract

_Key = tuple[Any, ...]


def _key(filepath: str, method_map: Any, options_map: Any, args: tuple[Any, ...], dirpath: Any) -> _Key | None:
    try:
        status = os.stat(filepath)
    except OSError:
        return None
    return (
        os.fspath(filepath),
        os.fspath(dirpath) if dirpath is not None else None,
        status.st_mtime_ns,
        status.st_size,
        repr(list(method_map)),
        repr(options_map),
        repr(args),
    )


def remembering(read: Callable[..., Iterator[tuple[Any, ...]]]) -> Callable[..., Iterator[tuple[Any, ...]]]:
    """`read` (Babel's check_and_call_extract_file) remembered by file and arguments."""
    found: dict[_Key, list[tuple[Any, ...]]] = {}

    def check_and_call_extract_file(
        filepath: str, method_map: Any, options_map: Any, callback: Any, *args: Any, dirpath: Any = None
    ) -> Iterator[tuple[Any, ...]]:
        key = _key(filepath, method_map, options_map, args, dirpath)
        if key is None or callback is not None:
            yield from read(filepath, method_map, options_map, callback, *args, dirpath=dirpath)
            return
        if key not in found:
            found[key] = list(read(filepath, method_map, options_map, callback, *args, dirpath=dirpath))
        # Fresh lists each time (the translator comments), as a new extraction would give.
        yield from (tuple(list(part) if isinstance(part, list) else part for part in item) for item in found[key])

    return check_and_call_extract_file


def install() -> Callable[[], None]:
    """Remember extraction in this process; returns what undoes it."""
    original = extract.check_and_call_extract_file
    extract.check_and_call_extract_file = remembering(original)

    def undo() -> None:
        extract.check_and_call_extract_file = original

    return undo
