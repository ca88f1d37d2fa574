"""`flask translate`: extract, update, compile, init, stats and check, on temporary catalogues."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from flask_babel import ngettext

from app import create_app
from app.content import article_by_slug
from app.content.article_translations import read_article
from app.content.publication import publication_contexts
from app.i18n.locales import LOCALES, SiteLocale, read_registry
from app.i18n_tools.catalogues import load, merge_template, save
from app.i18n_tools.checks import check_catalogue
from app.i18n_tools.plurals import LARGEST_SITE_COUNT, check_formula, cldr_rule, form_layouts
from app.i18n_tools.template import source_template
from tests.conftest import ARTICLE_SLUG, make_test_app
from tests.i18n_helpers import SHIPPED_TRANSLATIONS, copy_translations, fallback_texts, rewrite

FIXTURES = Path(__file__).parent / "fixtures" / "catalogues"
TITLE_CONTEXT = f"{ARTICLE_SLUG}|title"


def cli(tmp_path: Path, translations: Path, *args: str, **config: object):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'cli.db'}",
            "BABEL_TRANSLATION_DIRECTORIES": str(translations),
            **config,
        }
    )
    return app.test_cli_runner().invoke(args=["translate", *args])


def fixture_dir(tmp_path: Path, **catalogues: str) -> Path:
    """A translations directory holding the fixture template and the given fixture catalogues."""
    directory = tmp_path / "translations"
    directory.mkdir()
    shutil.copyfile(FIXTURES / "messages.pot", directory / "messages.pot")
    for catalogue, fixture in catalogues.items():
        target = directory / catalogue / "LC_MESSAGES" / "messages.po"
        target.parent.mkdir(parents=True)
        shutil.copyfile(FIXTURES / fixture, target)
    return directory


def test_extract_writes_every_message_with_context_and_translator_notes(tmp_path):
    directory = tmp_path / "translations"
    result = cli(tmp_path, directory, "extract")
    assert result.exit_code == 0, result.output
    pot = load(directory / "messages.pot")
    keys = {(m.id, m.context) for m in pot if m.id}
    assert keys == {(m.id, m.context) for m in source_template() if m.id}
    title = pot.get("Muscle spasms in children", context=TITLE_CONTEXT)
    assert title.auto_comments and title.locations[0][0].endswith(f"{ARTICLE_SLUG}.yaml")
    dated = pot.get("Translated from the English version of %(date)s.")
    assert dated.python_format and dated.auto_comments[0].startswith("%(date)s is a date")


def test_update_keeps_translations_marks_changed_source_fuzzy_and_leaves_new_ones_empty(tmp_path):
    directory = fixture_dir(tmp_path, es="good_es.po")
    template = load(directory / "messages.pot")
    changed_block = "Muscle spasms are sudden, involuntary tightenings of a muscle or a group of muscles."
    context = f"{ARTICLE_SLUG}|overview|symptoms"
    template.delete("Muscle spasms are involuntary contractions of a group of muscles.", context=context)
    template.add(changed_block, context=context)
    template.delete("Thank you, {name}.")
    template.add("Thank you very much, {name}.")
    template.add("Contents of this page")  # new, though close to "Contents", which stays
    template.delete('Read the <a href="/guide">guide</a> <em>first</em>.')
    save(template, directory / "messages.pot")

    result = cli(tmp_path, directory, "update")
    assert result.exit_code == 0, result.output
    catalog = load(directory / "es" / "LC_MESSAGES" / "messages.po")

    kept = catalog.get("Muscle spasms in children", context=TITLE_CONTEXT)
    assert kept.string == "Espasmos musculares en niños" and not kept.fuzzy
    assert catalog.get("%(num)d comment").string == ("%(num)d comentario", "%(num)d comentarios")
    block = catalog.get(changed_block, context=context)
    assert block.fuzzy and block.string.startswith("Los espasmos musculares son contracciones")
    # The old English is kept as `#| msgid` so Poedit and Weblate can show what changed.
    text = (directory / "es" / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
    previous = "".join(
        line[3:].removeprefix("msgid ").strip('"') for line in text.splitlines() if line.startswith("#| ")
    )
    assert "Muscle spasms are involuntary contractions of a group of muscles." in previous
    ui = catalog.get("Thank you very much, {name}.")
    assert ui.fuzzy and ui.string == "Gracias, {name}."
    new = catalog.get("Contents of this page")
    assert new.string == "" and not new.fuzzy
    assert catalog.get("Contents").string == "Contenido"
    assert catalog.get('Read the <a href="/guide">guide</a> <em>first</em>.') is None
    assert '#~ msgid "Read the' in (directory / "es" / "LC_MESSAGES" / "messages.po").read_text()


def test_update_keeps_each_catalogues_plural_forms(tmp_path):
    # Babel 2.19 would give Spanish and French three forms; ours keep two (see TRANSLATING.md).
    translations = copy_translations(tmp_path / "translations")
    paths = sorted(translations.glob("*/LC_MESSAGES/messages.po"))
    before = {path: load(path).plural_forms for path in paths}
    result = cli(tmp_path, translations, "update")
    assert result.exit_code == 0, result.output
    assert {path: load(path).plural_forms for path in paths} == before
    assert before[translations / "es" / "LC_MESSAGES" / "messages.po"] == "nplurals=2; plural=(n != 1);"
    assert before[translations / "fr" / "LC_MESSAGES" / "messages.po"] == "nplurals=2; plural=(n > 1);"


def test_compile_leaves_fuzzy_translations_out(tmp_path):
    directory = fixture_dir(tmp_path, es="fuzzy_es.po")
    result = cli(tmp_path, directory, "compile")
    assert result.exit_code == 0, result.output
    from babel.support import Translations

    translations = Translations.load(str(directory), ["es"])
    assert translations.gettext("Contents") == "Contents"
    # Article messages go to one file per article, read by the pages of that article alone.
    assert translations.pgettext(TITLE_CONTEXT, "Muscle spasms in children") == "Muscle spasms in children"
    compiled = read_article(directory / "es" / "LC_MESSAGES" / "messages.po", ARTICLE_SLUG)
    assert compiled.text(TITLE_CONTEXT, "Muscle spasms in children") == "Espasmos musculares en niños"


def test_compile_replaces_each_file_whole_while_workers_read_the_old_one(tmp_path):
    """A running site reads the compiled files while an operator compiles again: each file is
    replaced in one step, so a reader that opened the old one reads it to the end (an in-place
    rewrite would truncate it under the reader: a 500 for every page in that language)."""
    directory = fixture_dir(tmp_path, es="fuzzy_es.po")
    assert cli(tmp_path, directory, "compile").exit_code == 0
    compiled = sorted(path for path in (directory / "es" / "LC_MESSAGES").rglob("*") if path.suffix in {".mo", ".json"})
    assert any(path.suffix == ".mo" for path in compiled) and any(path.suffix == ".json" for path in compiled)
    readers = {path: (path.open("rb"), path.read_bytes()) for path in compiled}
    try:
        result = cli(tmp_path, directory, "compile")
        assert result.exit_code == 0, result.output
        for path, (reader, before) in readers.items():
            assert reader.read() == before, f"{path.name} was rewritten in place"
            assert path.stat().st_ino != os.fstat(reader.fileno()).st_ino, f"{path.name} was rewritten in place"
    finally:
        for reader, _ in readers.values():
            reader.close()
    left_over = [path.name for path in directory.rglob("*") if path.name.endswith((".partial", ".tmp"))]
    assert not left_over


def test_a_catalogue_written_by_update_is_replaced_whole(tmp_path):
    directory = fixture_dir(tmp_path, es="fuzzy_es.po")
    catalogue = directory / "es" / "LC_MESSAGES" / "messages.po"
    with catalogue.open("rb") as reader:
        before = catalogue.read_bytes()
        save(load(catalogue), catalogue)
        assert reader.read() == before
        assert catalogue.stat().st_ino != os.fstat(reader.fileno()).st_ino
    assert [path.name for path in catalogue.parent.iterdir()] == ["messages.po"]


@pytest.mark.parametrize(
    ("code", "catalogue", "language", "categories"),
    [
        ("pt-br", "pt_BR", "pt_BR", ("one", "other")),
        ("de", "de", "de", ("one", "other")),
        ("he", "he", "he", ("one", "two", "other")),
        ("ar", "ar", "ar", ("zero", "one", "two", "few", "many", "other")),
    ],
)
def test_init_writes_language_and_plural_headers(tmp_path, code, catalogue, language, categories):
    directory = fixture_dir(tmp_path)
    result = cli(tmp_path, directory, "init", code)
    assert result.exit_code == 0, result.output
    path = directory / catalogue / "LC_MESSAGES" / "messages.po"
    assert f'"Language: {language}\\n"' in path.read_text(encoding="utf-8")
    # The formula itself depends on the Babel release (2.19 gives Portuguese CLDR's "many" for
    # exact millions, 2.18 does not); what must hold is that it means what CLDR means, up to
    # the largest count the site shows, so that `check` accepts the fresh catalogue.
    fresh = load(path)
    assert check_formula(catalogue, fresh.plural_forms).errors == []
    assert {cldr_rule(catalogue)(n) for n in range(LARGEST_SITE_COUNT + 1)} == set(categories)
    assert set(categories) <= set(form_layouts(catalogue)[fresh.num_plurals])
    assert all(len(message.string) == fresh.num_plurals for message in fresh if message.pluralizable)
    problems = check_catalogue(path, load(directory / "messages.pot"), shipped=False)
    assert [problem for problem in problems if not problem.note] == []
    registered = read_registry(directory / "locales.toml")[-1]
    assert (registered.code, registered.catalogue, registered.listed) == (code, catalogue, False)
    assert f"registered {code} " in result.output
    assert (code in ("he", "ar")) == ("right to left" in result.output)


def test_init_refuses_an_unknown_language_and_an_existing_catalogue(tmp_path):
    directory = fixture_dir(tmp_path, es="good_es.po")
    unknown = cli(tmp_path, directory, "init", "xx-yy")
    assert unknown.exit_code != 0 and "unknown language code" in unknown.output
    existing = cli(tmp_path, directory, "init", "es")
    assert existing.exit_code != 0 and "already exists" in existing.output


def test_init_a_new_locale_then_the_site_serves_it_with_english_fallback(database_url, tmp_path):
    translations = copy_translations(tmp_path / "translations")
    result = cli(tmp_path, translations, "init", "pt-br")
    assert result.exit_code == 0, result.output
    new_locale = read_registry(translations / "locales.toml")[-1]  # `init` registered it, not yet listed
    assert new_locale == SiteLocale("pt-br", "pt-BR", "pt_BR", "ltr", "Português (Brasil)", listed=False)
    catalogue = translations / "pt_BR" / "LC_MESSAGES" / "messages.po"

    def translate_a_little(catalog: Catalog) -> None:
        catalog.get("Muscle spasms in children", context=TITLE_CONTEXT).string = "Espasmos musculares em crianças"
        catalog.get("Contents").string = "Conteúdo"

    rewrite(catalogue, translate_a_little)
    app = make_test_app(
        database_url, tmp_path, BABEL_TRANSLATION_DIRECTORIES=str(translations), LOCALES=(*LOCALES, new_locale)
    )
    client = app.test_client()
    # The warnings are not translated yet: the article is not published in Portuguese, and its
    # Portuguese URL leads to the English (never a 404, never a warning half in English).
    response = client.get(f"/pt-br/articles/{ARTICLE_SLUG}")
    assert response.status_code == 302 and response.headers["Location"] == f"/en/articles/{ARTICLE_SLUG}"
    assert ARTICLE_SLUG not in client.get("/pt-br/").get_data(as_text=True)

    article = article_by_slug(ARTICLE_SLUG)

    def translate_what_publishes(catalog: Catalog) -> None:
        for message in catalog:
            if message.context in publication_contexts(article) and message.context != TITLE_CONTEXT:
                message.string = f"[pt] {message.id}"

    rewrite(catalogue, translate_what_publishes)
    # A deployment restarts after a catalogue change (docs/deploy.md): a new app, no stored pages.
    app = make_test_app(
        database_url, tmp_path, BABEL_TRANSLATION_DIRECTORIES=str(translations), LOCALES=(*LOCALES, new_locale)
    )
    client = app.test_client()
    html = client.get(f"/pt-br/articles/{ARTICLE_SLUG}").get_data(as_text=True)
    assert '<html lang="pt-BR" dir="ltr"' in html
    assert '<h1 id="article-title">Espasmos musculares em crianças</h1>' in html
    assert '<h2 id="contents-heading">Conteúdo</h2>' in html
    assert "A muscle spasm is when a muscle tightens by itself." in " ".join(fallback_texts(html))
    assert 'id="translation-status"' in html
    assert 'hreflang="pt-BR"' in html
    assert f"/pt-br/articles/{ARTICLE_SLUG}" in client.get("/pt-br/").get_data(as_text=True)


def test_stats_counts_translated_fuzzy_untranslated_per_part_with_review_status(tmp_path):
    directory = fixture_dir(tmp_path, fr="stats_fr.po", es="good_es.po")
    # The French review is of the article's current English, so it counts as current.
    version = article_by_slug(ARTICLE_SLUG).source_version
    reviewed = version + dt.timedelta(days=4)
    (directory / "fr" / "medical-reviews.txt").write_text(
        f"{ARTICLE_SLUG} {version} {reviewed} clinical-bilingual-review doctor Dr Marie Roux\n"
    )
    (directory / "es" / "medical-reviews.txt").write_text(
        f"{ARTICLE_SLUG} 2026-01-01 2026-01-05 back-translation medical-translator Sam Lee\n"
    )
    result = cli(tmp_path, directory, "stats", "--details")
    assert result.exit_code == 0, result.output
    rows = [line.split() for line in result.output.splitlines()]
    assert rows[0][:6] == ["locale", "part", "translated", "fuzzy", "untranslated", "percent"]
    assert ["es", "UI", "5", "0", "0", "100%"] in [row[:6] for row in rows]
    assert ["fr", "UI", "2", "1", "2", "40%"] in [row[:6] for row in rows]
    fr_article = next(row for row in rows if row[:2] == ["fr", ARTICLE_SLUG])
    assert fr_article[2:6] == ["1", "0", "1", "50%"]
    assert fr_article[-5:] == [
        version.isoformat(),
        "reviewed",
        reviewed.isoformat(),
        "(clinical-bilingual-review,",
        "doctor)",
    ]
    es_article = next(row for row in rows if row[:2] == ["es", ARTICLE_SLUG])
    assert es_article[2:6] == ["2", "0", "0", "100%"] and "outdated" in " ".join(es_article)


def test_check_names_file_and_line_of_a_broken_copy(tmp_path):
    translations = copy_translations(tmp_path / "translations")
    path = translations / "fr" / "LC_MESSAGES" / "messages.po"
    catalog = load(path)
    catalog.get("Contents").string = ""
    catalog.get("Muscle spasms in children", context=TITLE_CONTEXT).flags.add("fuzzy")
    save(catalog, path)
    line_of = {
        msgid: load(path).get(msgid, context=ctx).lineno
        for msgid, ctx in [("Contents", None), ("Muscle spasms in children", TITLE_CONTEXT)]
    }
    result = cli(tmp_path, translations, "check", "--details")
    assert result.exit_code == 1
    assert f'fr/LC_MESSAGES/messages.po:{line_of["Contents"]}: untranslated: "Contents"' in result.output
    # An article message whose translation is fuzzy is shown in English: reported, not a failure.
    title_line = line_of["Muscle spasms in children"]
    assert f"fr/LC_MESSAGES/messages.po:{title_line}: note: block outdated, shown in English" in result.output


def test_check_fails_when_a_registered_locale_has_no_catalogue(tmp_path):
    translations = copy_translations(tmp_path / "translations")
    extra = SiteLocale("de", "de", "de", "ltr", "Deutsch")
    result = cli(tmp_path, translations, "check", LOCALES=(*LOCALES, extra))
    assert result.exit_code == 1
    assert (
        "de/LC_MESSAGES/messages.po:0: missing for a language registered in translations/locales.toml" in result.output
    )


def test_shipped_catalogues_pass_check(tmp_path):
    """CI refuses a broken or stale catalogue: this runs `flask translate check` on translations/."""
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "INSTANCE_PATH": str(tmp_path / "instance")})
    result = app.test_cli_runner().invoke(args=["translate", "check"])
    assert result.exit_code == 0, result.output


def test_article_page_shows_a_medical_review_only_for_the_current_english(database_url, tmp_path):
    version = article_by_slug(ARTICLE_SLUG).source_version
    reviewed, older = version + dt.timedelta(days=4), version - dt.timedelta(days=40)
    translations = copy_translations(tmp_path / "translations")
    (translations / "es" / "medical-reviews.txt").write_text(
        f"# slug, English version, reviewed on, method, role, reviewer\n"
        f"{ARTICLE_SLUG} {version} {reviewed} clinical-bilingual-review doctor Dr Ana Ruiz\n"
    )
    (translations / "fr" / "medical-reviews.txt").write_text(
        f"{ARTICLE_SLUG} {older} {older} back-translation nurse Sam Lee\n"
    )
    app = make_test_app(database_url, tmp_path, BABEL_TRANSLATION_DIRECTORIES=str(translations))
    client = app.test_client()
    spanish = client.get(f"/es/articles/{ARTICLE_SLUG}").get_data(as_text=True)
    assert 'id="medical-review"' in spanish and f'<time datetime="{reviewed}">' in spanish
    for outdated_or_source in ("fr", "en"):
        html = client.get(f"/{outdated_or_source}/articles/{ARTICLE_SLUG}").get_data(as_text=True)
        assert 'id="medical-review"' not in html


def test_update_never_carries_one_languages_translation_into_another():
    """Two catalogues merged with the same template each keep their own old translation."""
    context = f"{ARTICLE_SLUG}|overview|symptoms"
    template = Catalog()
    template.add("Spasms, said simply.", "", context=context)  # as read from messages.pot
    merged = {}
    for locale, old in (("ar", "ترجمة عربية"), ("es", "Traducción española")):
        catalog = Catalog(locale=locale)
        catalog.add("Spasms, said formally.", old, context=context)
        merge_template(catalog, template)
        merged[locale] = catalog.get("Spasms, said simply.", context=context)
    assert merged["ar"].string == "ترجمة عربية" and merged["ar"].fuzzy
    assert merged["es"].string == "Traducción española" and merged["es"].fuzzy
    assert not template.get("Spasms, said simply.", context=context).string


# Arabic counted nouns, by CLDR category: 0 and 100–102, 5,000 (…) take the singular genitive,
# 1 and 2 their own words, 3–10 the plural, 11–99 the singular accusative (tanwin fath).
ARABIC_CHARACTERS = {
    0: "0 حرف بحد أقصى.",
    1: "حرف واحد بحد أقصى.",
    2: "حرفان بحد أقصى.",
    3: "3 أحرف بحد أقصى.",
    11: "11 حرفًا بحد أقصى.",
    45: "45 حرفًا بحد أقصى.",
    100: "100 حرف بحد أقصى.",
    102: "102 حرف بحد أقصى.",
    254: "254 حرفًا بحد أقصى.",
    5000: "5000 حرف بحد أقصى.",
}
# The counted noun each count needs, by the English noun of the message.
ARABIC_NOUNS = {
    "character": {0: "حرف", 1: "حرف", 2: "حرفان", 3: "أحرف", 11: "حرفًا", 45: "حرفًا"},
    "comment": {0: "تعليق", 1: "تعليق", 2: "تعليقان", 3: "تعليقات", 11: "تعليقًا", 45: "تعليقًا"},
}
for nouns in ARABIC_NOUNS.values():
    nouns |= {100: nouns[0], 102: nouns[0], 254: nouns[11], 5000: nouns[0]}


def arabic_plural_messages() -> list[tuple[str, ...]]:
    catalog = load(SHIPPED_TRANSLATIONS / "ar" / "LC_MESSAGES" / "messages.po")
    return [message.id for message in catalog if message.pluralizable]


@pytest.fixture(scope="module")
def arabic_app(tmp_path_factory: pytest.TempPathFactory):
    """The app serving a compiled copy of the shipped catalogues: compiled once for the module's
    plural tests, which only read it."""
    tmp_path = tmp_path_factory.mktemp("arabic")
    translations = copy_translations(tmp_path / "translations")
    assert cli(tmp_path, translations, "compile").exit_code == 0
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "BABEL_TRANSLATION_DIRECTORIES": str(translations),
        }
    )


def test_arabic_plurals_take_the_grammatical_form_of_each_count(arabic_app):
    """The shipped Arabic catalogue, compiled and served by Flask-Babel, agrees in number."""
    with arabic_app.test_request_context("/ar/"):
        characters = {
            n: ngettext("Up to %(num)s character.", "Up to %(num)s characters.", n) for n in ARABIC_CHARACTERS
        }
    assert characters == ARABIC_CHARACTERS


@pytest.mark.parametrize("message", arabic_plural_messages(), ids=lambda message: message[0][:30])
def test_every_arabic_plural_message_uses_the_noun_form_of_each_count(arabic_app, message):
    noun = "character" if "character" in message[0] else "comment"
    with arabic_app.test_request_context("/ar/"):
        rendered = {n: ngettext(*message, n) for n in ARABIC_NOUNS[noun]}
    words = {n: set(text.replace(".", " ").split()) for n, text in rendered.items()}
    family = set(ARABIC_NOUNS[noun].values())
    assert {n: family & words[n] for n in rendered} == {n: {want} for n, want in ARABIC_NOUNS[noun].items()}
    assert "واحد" in words[1] and all(str(n) in words[n] for n in rendered if n not in (1, 2))


def test_translating_md_lists_each_shipped_catalogues_plural_forms_in_order():
    """The table translators read names the forms each shipped catalogue really has."""
    text = (SHIPPED_TRANSLATIONS.parent / "TRANSLATING.md").read_text(encoding="utf-8")
    documented = {
        match["catalogue"]: tuple(re.findall(r"`\[\d\]` (\w+)", match["forms"]))
        for match in re.finditer(r"^\| [^|]*\(`(?P<catalogue>\w+)`\) \| (?P<forms>[^|]+) \|", text, re.MULTILINE)
    }
    shipped = {path.parent.parent.name: load(path) for path in SHIPPED_TRANSLATIONS.glob("*/LC_MESSAGES/messages.po")}
    assert set(documented) == set(shipped)
    for catalogue, catalog in shipped.items():
        assert documented[catalogue] == form_layouts(catalogue)[catalog.num_plurals], catalogue


def _what_translators_read(catalog: Catalog) -> dict[tuple[str | None, str], tuple]:
    """Each message with the comments and flags translators go by (line references aside: they
    move with any edit above them)."""
    return {
        (message.context, str(message.id)): (tuple(message.auto_comments), tuple(sorted(message.flags)))
        for message in catalog
        if message.id
    }


def test_the_shipped_template_holds_every_message_and_translator_comment_the_code_has(tmp_path):
    """A message or translator comment added or changed in the code or an article reaches
    translators only through `translate extract` and `update`: the shipped template must be what
    extract writes today, so nobody translates from a stale one."""
    translations = copy_translations(tmp_path / "translations")
    result = cli(tmp_path, translations, "extract")
    assert result.exit_code == 0, result.output
    extracted = _what_translators_read(load(translations / "messages.pot"))
    shipped = _what_translators_read(load(SHIPPED_TRANSLATIONS / "messages.pot"))
    assert sorted(extracted.keys() - shipped.keys()) == [], "in the code, not in the shipped template"
    assert sorted(shipped.keys() - extracted.keys()) == [], "in the shipped template, no longer in the code"
    changed = {key: (shipped[key], extracted[key]) for key in shipped if shipped[key] != extracted[key]}
    assert changed == {}, "comments or flags changed in the code since the template was extracted"
