"""`flask translate`: catalogue tooling for translators (extract, update, compile, init, stats, check)."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import click
from babel.messages.catalog import Catalog
from flask.cli import AppGroup

from app.cli.articles import article_problems
from app.collector import collector_paused
from app.content import ArticleError, all_articles, articles_dir, load_library
from app.content.publication import compile_for_site
from app.content.review import read_reviews, reviews_path
from app.content.translation_state import State, english_of, message_states
from app.i18n import files
from app.i18n.locales import (
    REGISTRY_FILE,
    SOURCE_LOCALE,
    SiteLocale,
    read_registry,
    registered_locales,
    registry_entry,
)
from app.i18n_tools import catalogues
from app.i18n_tools.checks import (
    Problem,
    check_catalogue,
    check_language_files,
    check_listing,
    check_placeholder_notes,
    check_reviews,
    check_up_to_date,
)
from app.i18n_tools.glossary import COLUMNS, glossary_path, read_glossary, urgency_path
from app.i18n_tools.report import about_article, summary
from app.i18n_tools.stats import UI, catalogue_counts, stats_summary
from app.i18n_tools.tbx import glossary_tbx
from app.i18n_tools.template import add_article, source_template
from app.i18n_tools.workers import in_worker_processes, worth_forking


@click.group("translate", cls=AppGroup)
@click.pass_context
def translate(context: click.Context) -> None:
    """Translation and localisation commands."""
    # Each command builds catalogues of objects by the hundred thousand and exits: the garbage
    # collector waits until it ends (see app/collector.py).
    context.with_resource(collector_paused())


def _template(directory: Path):
    pot = files.template_path(directory)
    if not pot.exists():
        raise click.ClickException(f"{pot} does not exist: run `flask translate extract` first")
    return catalogues.load(pot)


@translate.command()
def extract() -> None:
    """Write translations/messages.pot from the code, templates and the articles of ARTICLES_DIR."""
    try:
        template = source_template()
    except ArticleError as error:
        raise click.ClickException(f"{error} (nothing written: fix the article, see `flask articles check`)") from None
    pot = files.template_path(files.translations_dir())
    catalogues.save(template, pot, sort_by_file=True)
    click.echo(f"{pot}: {sum(1 for message in template if message.id)} messages")


@translate.command()
def update() -> None:
    """Merge messages.pot into every catalogue, keeping translations; changed English becomes fuzzy."""
    directory = files.translations_dir()
    template = _template(directory)
    paths = [path for _, path in files.catalogue_paths(directory)]
    for path in in_worker_processes(_update_catalogue, template, paths, fork=worth_forking(paths)):
        click.echo(f"updated {path}")


def _update_catalogue(template, path: Path) -> Path:
    """One catalogue merged with the template and written (in a worker process of its own)."""
    catalog = catalogues.load(path)
    catalogues.merge_template(catalog, template)
    catalogues.save(catalog, path)
    return path


@translate.command()
def compile() -> None:  # noqa: A001 - the verb translators know
    """Compile every catalogue for the site (fuzzy translations are left out): messages.mo with
    the interface, and one file per article that pages read one at a time."""
    errors = 0
    articles = load_library(articles_dir()).articles
    for _, path in files.catalogue_paths(files.translations_dir()):
        catalog = catalogues.load(path)
        for message, found in catalog.check():
            if message.fuzzy:  # left out of the .mo file: `check` reports it as a note
                continue
            for error in found:
                errors += 1
                click.echo(f"{path}:{message.lineno}: {error}", err=True)
        compile_for_site(catalog, path, articles)
        click.echo(f"compiled {path}")
    if errors:
        raise click.ClickException(f"{errors} error(s): run `flask translate check` for details")


@translate.command()
@click.argument("code")
def init(code: str) -> None:
    """Start a catalogue for a new language, given its URL code (e.g. `de` or `pt-br`)."""
    try:
        new = catalogues.new_locale(code)
    except ValueError as error:
        raise click.ClickException(f"{error}: use a language tag such as de, pt-br or zh-hant") from None
    directory = files.translations_dir()
    path = files.catalogue_path(directory, new.site_locale.catalogue)
    if path.exists():
        raise click.ClickException(f"{path} already exists: use `flask translate update`")
    catalog = catalogues.init_catalogue(_template(directory), new)
    catalogues.save(catalog, path)
    click.echo(f"created {path} (Language: {catalog.locale_identifier}; Plural-Forms: {catalog.plural_forms})")
    registry = directory / REGISTRY_FILE
    if not any(loc.code == new.site_locale.code for loc in read_registry(registry)):
        with registry.open("a", encoding="utf-8") as handle:
            handle.write("\n" + registry_entry(new.site_locale))
    click.echo(
        f'registered {new.site_locale.code} ("{new.site_locale.endonym}") in {registry}: check its name there; '
        "set listed = true once `flask translate check` says the interface is translated"
    )
    glossary = glossary_path(directory, new.site_locale.catalogue)
    for terms in (glossary, urgency_path(glossary)):
        if not terms.exists():
            terms.parent.mkdir(parents=True, exist_ok=True)
            terms.write_text(",".join(COLUMNS) + "\n", encoding="utf-8")
            click.echo(f"started {terms}: fill it with the medical reviewer (see TRANSLATING.md)")
    if new.site_locale.direction == "rtl":
        click.echo('This language is written right to left: pages get dir="rtl"; see TRANSLATING.md.')


@translate.command()
@click.option(
    "--tbx",
    "tbx_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Write <language>.tbx here for every registered language.",
)
def glossary(tbx_dir: Path) -> None:
    """Export each language's glossary and urgency list as TBX, for Weblate's glossary."""
    directory = files.translations_dir()
    tbx_dir.mkdir(parents=True, exist_ok=True)
    for site_locale in registered_locales():
        if site_locale.code == SOURCE_LOCALE.code:
            continue
        target = tbx_dir / f"{site_locale.lang}.tbx"
        target.write_bytes(glossary_tbx(glossary_path(directory, site_locale.catalogue), site_locale.lang))
        click.echo(f"wrote {target}")


def source_template_skipping_broken():
    """The template from the code and every article that loads (broken ones are reported apart)."""
    template = catalogues.extract_template()
    for article in load_library(articles_dir()).articles:
        add_article(template, article, articles_dir() / f"{article.slug}.yaml")
    return template


def _review_status(directory: Path, catalogue: str, slug: str) -> str:
    article = next(item for item in all_articles() if item.slug == slug)
    record = read_reviews(reviews_path(directory, catalogue))
    current = record.current_for(article)
    if current:
        return "; ".join(
            f"reviewed {review.reviewed_on.isoformat()} ({review.method}, {review.role})" for review in current
        )
    review = record.for_article(slug)
    if review is None:
        return "not reviewed"
    return f"review outdated (of English {review.source_version.isoformat()}, now {article.source_version.isoformat()})"


@translate.command()
@click.option("--details", is_flag=True, help="The full table: the UI and every article, per locale.")
@click.option("--article", "slug", metavar="SLUG", help="The table's rows for this article only.")
def stats(details: bool, slug: str | None) -> None:
    """Per locale: the UI and the articles in a few lines, the articles most in need first;
    --details (or --article SLUG) for a row per article with its outdated blocks, review and English version."""
    directory = files.translations_dir()
    articles = {article.slug: article for article in all_articles()}
    if slug is not None and slug not in articles:
        raise click.ClickException(f"no article {slug!r} in {articles_dir()}")
    header = (
        "locale",
        "part",
        "translated",
        "fuzzy",
        "untranslated",
        "percent",
        "outdated",
        "required-outdated",
        "english",
        "medical review",
    )
    rows = [header]
    summaries: list[str] = []
    english = {context: text for article in articles.values() for context, text in english_of(article).items()}
    for catalogue, path in files.catalogue_paths(directory):
        catalog = catalogues.load(path)
        # Every article message's state at once: one pass over the catalogue, whatever its size.
        states = message_states(catalog, english)
        counts = catalogue_counts(catalog, list(articles))
        summaries += stats_summary(catalogue, counts, states, articles)
        for part, part_counts in counts.items():
            if slug is not None and part != slug:
                continue
            if not (details or slug) and part != UI:
                continue
            outdated = required_outdated = "-"
            version = review = ""
            if part != UI:
                article = articles[part]
                mine = english_of(article)
                stale = {context for context in mine if states[context] is State.OUTDATED}
                outdated = str(len(stale))
                required_outdated = str(len(stale & article.required_contexts()))
                version = article.source_version.isoformat()
                review = _review_status(directory, catalogue, part)
            rows.append(
                (
                    catalogue,
                    part,
                    str(part_counts.translated),
                    str(part_counts.fuzzy),
                    str(part_counts.untranslated),
                    f"{part_counts.percent}%",
                    outdated,
                    required_outdated,
                    version,
                    review,
                )
            )
    widths = [max(len(row[column]) for row in rows) for column in range(len(header))]
    for row in rows:
        cells = [
            cell.rjust(width) if 2 <= index <= 7 else cell.ljust(width)
            for index, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        click.echo("  ".join(cells).rstrip())
    if not (details or slug):
        for line in summaries:
            click.echo(line)
        click.echo("A row per article: flask translate stats --details; one article: --article SLUG")


@translate.command()
@click.argument("codes", nargs=-1)
@click.option("--details", is_flag=True, help="Print every problem and note, one per line (file:line: ...).")
@click.option("--article", "slug", metavar="SLUG", help="Print this article's state and every line about it.")
def check(codes: tuple[str, ...], details: bool, slug: str | None) -> None:
    """Fail, naming file and line, on any problem that must not reach readers.

    By default a summary that fits a screen: the failures, counts of notes by kind, the articles
    most in need and where they are not published."""
    directory = files.translations_dir()
    registered = {loc.catalogue: loc for loc in registered_locales() if loc.code != SOURCE_LOCALE.code}
    shipped = {catalogue for catalogue, loc in registered.items() if loc.listed}
    try:
        wanted = {catalogues.new_locale(code).site_locale.catalogue for code in codes} if codes else None
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    # A broken article file is one problem naming file, line and field; the rest is still checked.
    problems: list[Problem] = article_problems()
    template = source_template_skipping_broken()
    pot = files.template_path(directory)
    problems += check_placeholder_notes(template)
    present = dict(files.catalogue_paths(directory))
    chosen = [path for catalogue, path in present.items() if wanted is None or catalogue in wanted]
    # The template's check last: the four catalogues' checks, longer, start first on the workers.
    files_to_check = [*chosen, pot] if pot.exists() else chosen
    context = _CheckContext(directory=directory, template=template, registered=registered, shipped=shipped)
    results = in_worker_processes(_file_problems, context, files_to_check, fork=worth_forking(files_to_check))
    found = dict(zip(files_to_check, results, strict=True))
    if pot in found:
        problems += found[pot]
    else:
        problems.append(Problem(str(pot), 0, "missing: run flask translate extract"))
    for catalogue in sorted(set(registered) - set(present)):
        problems.append(
            Problem(
                str(files.catalogue_path(directory, catalogue)),
                0,
                f"missing for a language registered in translations/{REGISTRY_FILE}",
            )
        )
    for path in chosen:
        problems += found[path]
    checked = len(chosen)
    totals = {article.slug: len(article.messages()) for article in all_articles()}
    if details:
        lines = [str(problem) for problem in problems]
    elif slug:
        lines = about_article(problems, slug, totals)
    else:
        lines = summary(problems, totals)
    for line in lines:
        click.echo(line)
    failures = [problem for problem in problems if not problem.note]
    if failures:
        click.echo(f"{len(failures)} problem(s) in translations.", err=True)
        sys.exit(1)
    click.echo(f"{checked} catalogue(s) pass every check.")


@dataclass(frozen=True)
class _CheckContext:
    """What checking one file needs, inherited by the worker processes."""

    directory: Path
    template: Catalog
    registered: dict[str, SiteLocale]
    shipped: set[str]


def _file_problems(context: _CheckContext, path: Path) -> list[Problem]:
    """The template (messages.pot) against the source, or a catalogue against every rule, its
    language's glossary, urgency list and review record (in a worker process of its own)."""
    if path == files.template_path(context.directory):
        return check_up_to_date(catalogues.load(path), path, context.template)
    catalogue = path.parent.parent.name
    glossary = read_glossary(glossary_path(context.directory, catalogue))
    problems = check_catalogue(path, context.template, shipped=catalogue in context.shipped, glossary=glossary)
    if site_locale := context.registered.get(catalogue):
        problems += check_language_files(context.directory, site_locale) + check_listing(path, site_locale)
    return problems + check_reviews(context.directory, catalogue)
