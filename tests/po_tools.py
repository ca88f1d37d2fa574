"""The standard PO readers the catalogues must satisfy: GNU gettext, polib and translate-toolkit."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from translate.storage import pypo


def gettext_tool(name: str) -> str:
    """The path of a GNU gettext program (package `gettext`): CI installs it, a laptop may not."""
    path = shutil.which(name)
    if path is None:
        message = f"GNU gettext's {name} is not installed (apt-get install gettext)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def msgfmt_errors(path: Path, *, check: bool = True) -> str:
    """What `msgfmt -c` (or plain msgfmt) says about a catalogue: empty when it accepts it."""
    options = ["-c"] if check else []
    result = subprocess.run(
        [gettext_tool("msgfmt"), *options, "-o", os.devnull, str(path)], capture_output=True, text=True, check=False
    )
    return result.stderr if result.returncode else ""


def msgcat(path: Path) -> bytes:
    """The catalogue as GNU gettext writes it (what msgmerge and msgcat produce)."""
    return subprocess.run([gettext_tool("msgcat"), str(path)], capture_output=True, check=True).stdout


def previous_english(path: Path) -> dict[tuple[str | None, str], dict[str, tuple]]:
    """By (msgctxt, msgid): the previous msgctxt/msgid/msgid_plural as polib and translate-toolkit read them.
    polib raises on a malformed file (e.g. `OSError: Syntax error in po file (line N)`)."""
    found: dict[tuple[str | None, str], dict[str, tuple]] = {}
    for entry in polib.pofile(str(path)):
        if entry.previous_msgid is not None:
            key = (entry.msgctxt, entry.msgid)
            found.setdefault(key, {})["polib"] = (
                entry.previous_msgctxt,
                entry.previous_msgid,
                entry.previous_msgid_plural,
            )
    for unit in pypo.pofile(path.read_bytes()).units:
        if unit.prev_msgid and not unit.isobsolete():
            source = unit.source.strings[0] if unit.hasplural() else unit.source
            previous = unit.prev_source.strings if unit.prev_msgid_plural else [unit.prev_source, None]
            key = (unit.getcontext() or None, source)
            found.setdefault(key, {})["translate-toolkit"] = (unit.prev_context or None, *previous)
    return found
