"""`flask articles`: check the article files and see where each article stands (docs/authoring.md)."""

from __future__ import annotations

import datetime as dt
import sys

import click
from flask.cli import AppGroup

from app.content import articles_dir, load_library
from app.content.publication import blocking
from app.content.review import ENGLISH
from app.content.review_status import english_status
from app.i18n.files import translations_dir
from app.i18n.locales import SOURCE_LOCALE, registered_locales
from app.i18n_tools.checks import Problem, check_reviews

articles = AppGroup("articles", help="Article files: check them, and see their reviews and languages.")


def article_problems() -> list[Problem]:
    """Every article file loads (one error per broken file: file, line, field), and the English
    review records are well formed and name real articles."""
    problems = [
        Problem(error.path, error.line or 1, f"{error.field}: {error.message}" if error.field else error.message)
        for error in load_library(articles_dir()).errors
    ]
    return problems + check_reviews(translations_dir(), ENGLISH)


def unpublished_notes() -> list[str]:
    """(article, language) pairs not yet published, and what they wait for."""
    notes = []
    library = load_library(articles_dir())
    for site_locale in registered_locales():
        if site_locale.code == SOURCE_LOCALE.code:
            continue
        for article in library.articles:
            waiting = blocking(article, site_locale)
            if waiting is not None:
                notes.append(
                    f"{article.slug} [{site_locale.code}]: not published yet, shown in English: "
                    f"{len(waiting.missing)} message(s) to translate, {len(waiting.outdated)} to update"
                )
    return notes


@articles.command()
def check() -> None:
    """Fail, naming file, line and field, on an article file or English review record that is wrong."""
    problems = article_problems()
    for problem in problems:
        click.echo(str(problem))
    for note in unpublished_notes():
        click.echo(f"note: {note}")
    if problems:
        click.echo(f"{len(problems)} problem(s) in the articles.", err=True)
        sys.exit(1)
    count = len(load_library(articles_dir()).articles)
    click.echo(f"{count} article(s) in {articles_dir()} pass every check.")


def _today() -> dt.date:
    return dt.date.today()


@articles.command()
@click.option("--due", is_flag=True, help="Only the articles whose check is due within 30 days or overdue.")
def status(due: bool) -> None:
    """Each article: its English version, last check against its sources, next review due, languages."""
    today = _today()
    translations = translations_dir()
    rows = [("article", "english", "checked", "next review due", "state", "published in")]
    for article in load_library(articles_dir()).articles:
        english = english_status(article, translations)
        if due and not english.is_due(today):
            continue
        state = "OVERDUE" if english.is_overdue(today) else ("due soon" if english.is_due(today) else "ok")
        checked = english.checked_on.isoformat() if english.checked_on else "not this version"
        published = [loc.code for loc in registered_locales() if blocking(article, loc) is None]
        rows.append(
            (
                article.slug,
                article.source_version.isoformat(),
                checked,
                english.next_due.isoformat() if english.next_due else "now (never checked)",
                state,
                " ".join(published),
            )
        )
    if due and len(rows) == 1:
        return
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
