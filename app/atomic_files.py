"""Writing a file that a running site may be reading: whole or not at all.

Workers read compiled catalogues while an operator (or a deployment) compiles them again: a
reader opening the file halfway through a plain write would get a truncated catalogue. The new
content goes to a temporary file beside the target (named by process, so two writers never share
one), which then replaces the target in one step (POSIX `rename`): a reader opens the old file or
the new one, never a part of either. The file gets the usual permissions (the process's umask),
as a plain write would, so a site running as another user can still read it.
"""

from __future__ import annotations

import os
from contextlib import suppress
from pathlib import Path


def write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        with partial.open("wb") as handle:
            handle.write(data)
        partial.replace(path)
    finally:
        with suppress(FileNotFoundError):
            partial.unlink()
