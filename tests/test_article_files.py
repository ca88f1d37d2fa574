"""A broken article file is one clear error naming the file, the line and the field: from
`flask articles check`, `flask translate check` and `extract`, and at start-up, where it is
logged and left out while every other page keeps serving. Never a traceback, never a 500."""

from __future__ import annotations

import logging
from pathlib import Path

import click
import pytest

from app.content import ArticleError, load_article_file, load_library, parse_article_text
from tests.articles_support import SECOND_SLUG, articles_folder, forget_articles
from tests.conftest import ARTICLE_SLUG, LOCALE_CODES, make_test_app
from tests.i18n_helpers import copy_translations
from tests.test_translate_cli import cli

FIXTURE = Path(__file__).parent / "fixtures" / "articles" / f"{SECOND_SLUG}.yaml"
GOOD = FIXTURE.read_text(encoding="utf-8")


def line_of(text: str, fragment: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), start=1) if fragment in line)


def broken(tmp_path: Path, change) -> Path:
    """The fixture article, changed, in a folder of its own; returns the file."""
    path = tmp_path / "broken" / f"{SECOND_SLUG}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(change(GOOD), encoding="utf-8")
    return path


def bad_indent(text: str) -> str:
    # One bad indent, as an editor might type it.
    return text.replace("      - id: definition\n", "     - id: definition\n", 1)


def unknown_urgency(text: str) -> str:
    return text.replace("urgency: urgent", "urgency: soonish", 1)


def test_a_yaml_syntax_error_names_the_file_and_the_line(tmp_path):
    path = broken(tmp_path, bad_indent)
    with pytest.raises(ArticleError) as raised:
        load_article_file(path)
    error = raised.value
    assert error.path == str(path)
    # PyYAML stops at or just after the bad line; the error says which line.
    assert line_of(path.read_text(), "     - id: definition") <= error.line <= line_of(path.read_text(), "note: Keep")
    assert str(error).startswith(f"{path}:{error.line}: not valid YAML")
    assert "\n" not in str(error) and "Traceback" not in str(error)


def test_a_schema_error_names_the_file_the_field_and_its_line(tmp_path):
    path = broken(tmp_path, unknown_urgency)
    with pytest.raises(ArticleError) as raised:
        load_article_file(path)
    error = raised.value
    assert error.field == "sections[3].blocks[0].urgency"
    assert error.line == line_of(path.read_text(), "urgency: soonish")
    assert str(error) == (
        f"{path}:{error.line}: sections[3].blocks[0].urgency: "
        "Input should be 'emergency', 'urgent' or 'routine'; got 'soonish'"
    )


def swap(old: str, new: str):
    return lambda text: text.replace(old, new, 1)


@pytest.mark.parametrize(
    ("change", "field", "message", "line_fragment"),
    [
        # A misspelt field is not silently ignored.
        (swap("timeframe: today", "timefrme: today"), "sections[3].blocks[0].timefrme", "unknown field", "timefrme"),
        # A missing field points at the mapping it is missing from.
        (swap("source_version: 2026-12-06\n", ""), "source_version", "missing", "slug:"),
        # An editorial rule, said at its field.
        (
            swap("        required: true\n        text: Get", "        text: Get"),
            "sections[3].blocks[0].required",
            "every warning must be marked",
            "- id: get-help-today",
        ),
        (
            swap(
                "sources: [nhs-fever]\n    heading:\n      text: What", "sources: [nhs]\n    heading:\n      text: What"
            ),
            "sections[1].sources",
            "unknown source id(s) nhs",
            "sources: [nhs]",
        ),
        (
            swap("    at_a_glance: true\n", "    at_a_glance: yes please\n"),
            "sections[0].at_a_glance",
            "true or false",
            "at_a",
        ),
        (
            swap("id: breathing", "id: Breathing!"),
            "sections[0].blocks[0].items[4].id",
            "lower-case letters",
            "Breathing!",
        ),
    ],
)
def test_every_schema_problem_names_field_and_line(tmp_path, change, field, message, line_fragment):
    path = broken(tmp_path, change)
    with pytest.raises(ArticleError) as raised:
        load_article_file(path)
    error = raised.value
    assert error.field == field and message in error.message, str(error)
    assert error.line == line_of(path.read_text(), line_fragment), str(error)


def test_the_file_name_is_the_slug(tmp_path):
    path = tmp_path / "fever.yaml"
    path.write_text(GOOD, encoding="utf-8")
    with pytest.raises(ArticleError, match=r"fever.yaml:\d+: slug: the slug 'fever-in-children' must be the file"):
        load_article_file(path)


def test_the_schema_fixes_the_shape_not_which_sections(tmp_path):
    # Any sections, any ids: a one-section article is as valid as the seed's many.
    text = GOOD.split("  - id: what-it-is", 1)[0]
    article = parse_article_text(text, "x.yaml")
    assert [section.id for section in article.sections] == ["get-help-now"]


def folder_with_a_broken_file(tmp_path: Path) -> Path:
    folder = articles_folder(tmp_path / "articles")
    (folder / f"{SECOND_SLUG}.yaml").write_text(bad_indent(GOOD), encoding="utf-8")
    return folder


@pytest.fixture
def broken_folder(tmp_path, monkeypatch):
    folder = folder_with_a_broken_file(tmp_path)
    monkeypatch.setenv("ARTICLES_DIR", str(folder))
    forget_articles()
    yield folder
    forget_articles()


def test_start_up_logs_the_broken_file_and_every_other_page_serves(broken_folder, database_url, tmp_path, caplog):
    with caplog.at_level(logging.ERROR, logger="app.content"):
        app = make_test_app(database_url, tmp_path)
    logged = [record.getMessage() for record in caplog.records if record.name == "app.content"]
    assert len(logged) == 1 and f"{SECOND_SLUG}.yaml:" in logged[0] and "not valid YAML" in logged[0]
    assert "Traceback" not in caplog.text
    client = app.test_client()
    for locale in LOCALE_CODES:
        for url in (f"/{locale}/", f"/{locale}/articles/{ARTICLE_SLUG}", f"/{locale}/about"):
            assert client.get(url).status_code == 200, url
    assert client.get("/sitemap.xml").status_code == 200
    # The broken article is simply not published (a 404, as for any page that does not exist).
    assert client.get(f"/en/articles/{SECOND_SLUG}").status_code == 404
    assert SECOND_SLUG not in client.get("/en/").get_data(as_text=True)


@pytest.mark.parametrize(("command", "reads_at_start"), [("run", True), ("update", False)])
def test_only_a_serving_process_reads_the_articles_at_start_up(
    broken_folder, database_url, tmp_path, caplog, command, reads_at_start
):
    """`flask run` (as gunicorn) reads every article when the app is created and logs a broken
    one; `flask translate update` and the other tools read them only if the command does."""
    forget_articles()  # the database fixture made an app of its own
    with caplog.at_level(logging.ERROR, logger="app.content"), click.Context(click.Command(command)):
        make_test_app(database_url, tmp_path)
    logged = [record for record in caplog.records if record.name == "app.content"]
    assert (load_library.cache_info().currsize == 1) is reads_at_start
    assert len(logged) == (1 if reads_at_start else 0)


def test_articles_check_fails_with_one_clear_line(broken_folder, tmp_path):
    app = make_test_app(f"sqlite:///{tmp_path / 'cli.db'}", tmp_path)
    result = app.test_cli_runner().invoke(args=["articles", "check"])
    assert result.exit_code == 1
    problems = [line for line in result.output.splitlines() if f"{SECOND_SLUG}.yaml" in line]
    assert len(problems) == 1 and ": not valid YAML" in problems[0]
    assert "Traceback" not in result.output


def test_translate_check_and_extract_name_the_broken_file_without_a_traceback(broken_folder, tmp_path):
    translations = copy_translations(tmp_path / "translations")
    result = cli(tmp_path, translations, "check")
    assert result.exit_code == 1
    problems = [line for line in result.output.splitlines() if f"{SECOND_SLUG}.yaml" in line]
    assert len(problems) == 1 and ": not valid YAML" in problems[0], result.output
    assert "Traceback" not in result.output
    before = (translations / "messages.pot").read_bytes()
    result = cli(tmp_path, translations, "extract")
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert f"{SECOND_SLUG}.yaml:" in result.output and "nothing written" in result.output
    assert (translations / "messages.pot").read_bytes() == before
