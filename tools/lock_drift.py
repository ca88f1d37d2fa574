"""Print the packages whose newest allowed release differs from the lock file's pin."""

from __future__ import annotations

import re
import sys
from pathlib import Path

PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)")


def pins(path: Path) -> dict[str, str]:
    found = {}
    for line in path.read_text().splitlines():
        if match := PIN.match(line.strip()):
            found[re.sub(r"[-_.]+", "-", match[1]).lower()] = match[2]
    return found


def main(lock: str, latest: str) -> int:
    locked, newest = pins(Path(lock)), pins(Path(latest))
    changed = sorted(name for name in newest if name in locked and locked[name] != newest[name])
    for name in changed:
        print(f"  {name}: locked {locked[name]}, newest {newest[name]}")
    if not changed:
        print("  none: the lock holds the newest allowed releases")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
