"""Runs axe-core (bundled by axe-playwright-python) and reports its violations readably."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": AXE_TAGS},
    # target-size (2.5.8, tagged wcag22aa) is off by default in axe-core: switch it on.
    "rules": {"target-size": {"enabled": True}},
    "resultTypes": ["violations"],
}

_axe = Axe()


def run_axe(page: Page) -> dict:
    """axe's raw results for the page as it is now (needs a CSP-bypassing context). The bundled
    axe-core is put into a document once: a second run on the same load (the other colour
    scheme) reuses it, where `Axe.run` would inject all of it again."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(_axe.axe_script)
    return page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']} "
            f"[{', '.join(tag for tag in violation['tags'] if tag.startswith('wcag'))}]"
        )
        for node in violation["nodes"][:10]:
            lines.append(f"    at {' > '.join(map(str, node['target']))}: {node['html'][:160]}")
            lines.append(f"      {node.get('failureSummary', '').replace(chr(10), ' ')[:300]}")
        if len(violation["nodes"]) > 10:
            lines.append(f"    … and {len(violation['nodes']) - 10} more")
    return "\n".join(lines)
