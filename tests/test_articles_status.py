"""`flask articles status` says when each article is next due for its yearly check (the last
check plus the About page's policy) and `--due` lists only those due or overdue: what `.ci/run`
prints as a warning, never a failure."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from app.content import article_by_slug
from app.content.review import next_review_due
from tests.conftest import ARTICLE_SLUG, PROJECT_ROOT, make_test_app
from tests.i18n_helpers import copy_translations

CHECKED = dt.date(2026, 11, 30)


@pytest.fixture
def runner(tmp_path):
    translations = copy_translations(tmp_path / "translations")
    # A test-only record (the shipped English has none yet): a check of the old English version.
    with (translations / "en" / "medical-reviews.txt").open("a", encoding="utf-8") as handle:
        handle.write(f"{ARTICLE_SLUG} {CHECKED} {CHECKED} sources-check editor Sam Editor\n")
    app = make_test_app(f"sqlite:///{tmp_path / 'cli.db'}", tmp_path, BABEL_TRANSLATION_DIRECTORIES=str(translations))
    return app.test_cli_runner()


def status(runner, monkeypatch, today: dt.date, *args: str) -> str:
    monkeypatch.setattr("app.cli.articles._today", lambda: today)
    result = runner.invoke(args=["articles", "status", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_next_review_is_a_year_after_the_last_check():
    assert next_review_due(CHECKED) == dt.date(2027, 11, 30)
    assert next_review_due(dt.date(2028, 2, 29)) == dt.date(2029, 2, 28)


def test_status_lists_each_article_with_its_check_and_next_review(runner, monkeypatch):
    output = status(runner, monkeypatch, dt.date(2026, 12, 6))
    header, row = output.splitlines()[0], next(line for line in output.splitlines() if line.startswith(ARTICLE_SLUG))
    assert header.split()[:3] == ["article", "english", "checked"]
    version = article_by_slug(ARTICLE_SLUG).source_version.isoformat()
    checked = "2026-11-30" if version == "2026-11-30" else "not this version"
    assert row.startswith(f"{ARTICLE_SLUG}  {version}  {checked}")
    assert row.split()[-7:-5] == ["2027-11-30", "ok"] or "2027-11-30  ok" in row
    assert ARTICLE_SLUG not in status(runner, monkeypatch, dt.date(2026, 12, 6), "--due")


@pytest.mark.parametrize(
    ("today", "state"),
    [(dt.date(2027, 11, 10), "due soon"), (dt.date(2027, 11, 30), "due soon"), (dt.date(2027, 12, 1), "OVERDUE")],
)
def test_due_lists_articles_whose_check_is_near_or_past(runner, monkeypatch, today, state):
    output = status(runner, monkeypatch, today, "--due")
    row = next(line for line in output.splitlines() if line.startswith(ARTICLE_SLUG))
    assert state in row


def test_ci_prints_a_warning_for_overdue_articles_and_does_not_fail():
    script = (PROJECT_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    block = script.split("articles status --due", 1)
    assert len(block) == 2, "the CI script asks for articles whose review is due"
    after = block[1].split("\nfi", 1)[0]
    assert "WARNING" in after and "exit 1" not in after and "false" not in after
    assert Path(PROJECT_ROOT / "docs" / "authoring.md").exists()


def test_an_article_never_checked_is_listed_as_overdue(tmp_path, monkeypatch):
    translations = copy_translations(tmp_path / "translations")
    (translations / "en" / "medical-reviews.txt").write_text("", encoding="utf-8")
    app = make_test_app(f"sqlite:///{tmp_path / 'cli.db'}", tmp_path, BABEL_TRANSLATION_DIRECTORIES=str(translations))
    row = next(
        line
        for line in status(app.test_cli_runner(), monkeypatch, dt.date(2026, 12, 6), "--due").splitlines()
        if line.startswith(ARTICLE_SLUG)
    )
    assert "never checked" in row and "OVERDUE" in row
