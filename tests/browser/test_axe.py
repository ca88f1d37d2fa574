"""axe-core finds no WCAG 2.2 A/AA or best-practice violation on any page, locale or scheme."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.axe import describe_violations, run_axe
from tests.browser.pages import PAGE_KINDS, PageKind, open_page
from tests.conftest import LOCALE_CODES

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("locale", LOCALE_CODES)
@pytest.mark.parametrize("kind", PAGE_KINDS, ids=lambda kind: kind.name)
def test_no_axe_violations_in_light_and_dark(injectable_page: Page, base_url: str, kind: PageKind, locale: str) -> None:
    """Both colour schemes on one load (a state behind a form is reached once, not twice)."""
    open_page(injectable_page, base_url, kind, locale)
    reports = []
    for scheme in ("light", "dark"):
        injectable_page.emulate_media(color_scheme=scheme)
        assert injectable_page.evaluate(f"matchMedia('(prefers-color-scheme: {scheme})').matches"), (
            f"{scheme} scheme not applied"
        )
        violations = run_axe(injectable_page)["violations"]
        if violations:
            reports.append(
                f"axe found {len(violations)} violation(s) on {kind.name} ({locale}, {scheme}):\n"
                + describe_violations(violations)
            )
    assert not reports, "\n".join(reports)


def test_axe_checks_target_size_and_colour_contrast(injectable_page: Page, base_url: str) -> None:
    """The rules behind 2.5.8 and 1.4.3 really run (target-size is off in axe by default)."""
    article = next(kind for kind in PAGE_KINDS if kind.name == "article")
    open_page(injectable_page, base_url, article, "en")
    results = run_axe(injectable_page)
    applied = {rule["id"] for rule in results["passes"] + results["violations"]}
    assert {"target-size", "color-contrast", "region", "landmark-one-main"} <= applied


def test_axe_would_report_a_real_violation(injectable_page: Page, base_url: str) -> None:
    """Guards the harness: a page broken on purpose is not reported clean."""
    open_page(injectable_page, base_url, PAGE_KINDS[0], "en")
    injectable_page.evaluate("document.documentElement.removeAttribute('lang')")
    violations = run_axe(injectable_page)["violations"]
    assert "html-has-lang" in {violation["id"] for violation in violations}
