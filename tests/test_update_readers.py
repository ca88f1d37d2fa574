"""Issue 27: after an English correction, `flask translate extract` and `update` write catalogues
that GNU gettext, polib and translate-toolkit (Weblate) read, with the old English as `#|`.

The commands run as a translator runs them, in a copy of the project (code, templates, articles,
catalogues), after editing the English there: a long article paragraph, a short heading, a long
and a short plural message of the interface, and one interface string replaced by a new one (the
old one becomes obsolete, `#~`, the new one arrives untranslated)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.i18n_tools.catalogues import load
from tests.conftest import ARTICLE_SLUG
from tests.i18n_helpers import PROJECT_ROOT
from tests.po_tools import msgcat, msgfmt_errors, previous_english

# One worker runs the module and its project copy is a session fixture, so the copy is extracted
# and updated once (a module fixture is set up again whenever the worker interleaves another module).
# Slow: the CLI runs in subprocesses on a project copy (about 25 s); `make test` runs it.
pytestmark = [pytest.mark.xdist_group("update_readers"), pytest.mark.slow]

ARTICLE = Path("app/content/articles") / f"{ARTICLE_SLUG}.yaml"
FORMS = Path("app/comments/forms.py")
ARTICLE_TEMPLATE = Path("templates/articles/article.html")
REPLACED = ('{{ _("Contents") }}', '{{ _("On this page") }}')
LONG_BLOCK = (
    f"{ARTICLE_SLUG}|overview|symptoms",
    "A muscle spasm is when a muscle tightens by itself. Your child cannot stop it. "
    "It may hurt, and your child may not be able to move that part of the body freely.",
    ("move that part of the body freely.", "move that part of the body easily."),
)
SHORT_BLOCK = (f"{ARTICLE_SLUG}|overview|heading", "Overview", ("      text: Overview\n", "      text: Summary\n"))
PRIVACY = "Please do not include personal medical details, phone numbers or email addresses."
LONG_PLURAL = (None, f"Up to %(num)s character. {PRIVACY}", ("or email addresses.", "or e-mail addresses."))
SHORT_PLURAL = (
    None,
    "Up to %(num)s character.",
    ('"Up to %(num)s character.", "Up to %(num)s characters."', '"Up to %(num)s letter.", "Up to %(num)s letters."'),
)


def _edit(path: Path, old: str, new: str, count: int) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == count, f"{old!r} in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def _flask(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("BABEL_", "FLASK_"))}
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "translate", *args],
        cwd=project,
        env={**env, "PYTHONPATH": str(project)},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.fixture(scope="session")
def corrected(tmp_path_factory) -> Path:
    """A copy of the project whose English was corrected, after `extract` and `update`."""
    project = tmp_path_factory.mktemp("project")
    shutil.copytree(PROJECT_ROOT / "app", project / "app", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(PROJECT_ROOT / "templates", project / "templates")
    shutil.copyfile(PROJECT_ROOT / "babel.cfg", project / "babel.cfg")
    shutil.copytree(PROJECT_ROOT / "translations", project / "translations", ignore=shutil.ignore_patterns("*.mo"))
    _edit(project / ARTICLE, *LONG_BLOCK[2], count=1)
    _edit(project / ARTICLE, *SHORT_BLOCK[2], count=1)
    _edit(project / FORMS, *LONG_PLURAL[2], count=2)
    _edit(project / FORMS, *SHORT_PLURAL[2], count=1)
    _edit(project / ARTICLE_TEMPLATE, *REPLACED, count=1)
    for command in ("extract", "update"):
        result = _flask(project, command)
        assert result.returncode == 0, result.stdout + result.stderr
    return project


def _catalogues(project: Path) -> list[Path]:
    paths = sorted((project / "translations").glob("*/LC_MESSAGES/messages.po"))
    assert [path.parent.parent.name for path in paths] == ["ar", "es", "fr", "zh_Hans"]
    return paths


def test_every_reader_accepts_the_updated_catalogues(corrected):
    for path in [corrected / "translations" / "messages.pot", *_catalogues(corrected)]:
        assert msgfmt_errors(path) == "", path
        previous_english(path)  # polib and translate-toolkit parse it (polib raises on a syntax error)


def test_the_previous_english_of_each_changed_message_is_the_old_english(corrected):
    expected = {
        (LONG_BLOCK[0], LONG_BLOCK[1].replace("freely", "easily")): (LONG_BLOCK[0], LONG_BLOCK[1], None),
        (SHORT_BLOCK[0], "Summary"): (SHORT_BLOCK[0], "Overview", None),
        (None, LONG_PLURAL[1].replace("email", "e-mail")): (
            None,
            LONG_PLURAL[1],
            LONG_PLURAL[1].replace("character.", "characters."),
        ),
        (None, "Up to %(num)s letter."): (None, "Up to %(num)s character.", "Up to %(num)s characters."),
    }
    for path in _catalogues(corrected):
        found = previous_english(path)
        assert set(found) == set(expected), path
        for key, previous in expected.items():
            assert found[key] == {"polib": previous, "translate-toolkit": previous}, (path, key)
        catalog = load(path)
        for context, msgid in expected:
            message = catalog.get(msgid, context=context)
            assert message.fuzzy and all(message.string), (path, msgid)


def test_a_removed_string_becomes_obsolete_and_a_new_one_arrives_empty(corrected):
    for path in _catalogues(corrected):
        catalog = load(path)
        new = catalog.get("On this page")
        assert new is not None and not new.string and not new.fuzzy and not new.previous_id
        assert catalog.get("Contents") is None
        gone = [message for message in catalog.obsolete.values() if message.id == "Contents"]
        assert len(gone) == 1 and gone[0].string  # the translation is kept, as `#~` lines
        assert '#~ msgid "Contents"' in path.read_text(encoding="utf-8")


def test_a_second_update_changes_nothing_and_gettext_would_write_the_same_bytes(corrected):
    before = {path: path.read_bytes() for path in _catalogues(corrected)}
    result = _flask(corrected, "update")
    assert result.returncode == 0, result.stdout + result.stderr
    assert {path: path.read_bytes() for path in before} == before
    for path, data in before.items():
        assert msgcat(path) == data, path
    pot = corrected / "translations" / "messages.pot"
    assert msgcat(pot) == pot.read_bytes()


def test_check_finds_no_syntax_problem_after_the_update(corrected):
    result = _flask(corrected, "check")
    # The corrected blocks are outdated now (that fails check, as it should); nothing else may.
    syntax = [
        line
        for line in result.stdout.splitlines()
        if "not valid PO" in line or "readers disagree" in line or "compile error" in line
    ]
    assert syntax == []
    assert "Traceback" not in result.stderr and "messages.po:" in result.stdout
