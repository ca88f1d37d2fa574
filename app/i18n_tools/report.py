"""What `flask translate check` prints by default: a summary that fits a screen (the failures,
counts per kind of note, the articles most in need and where they are not published), the full
list on request (`--details`, or `--article SLUG` for one article)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from app.i18n_tools.checks import LISTING, NOT_PUBLISHED, Problem

FAILURES_SHOWN = 20
ARTICLES_SHOWN = 10


def catalogue_of(problem: Problem) -> str:
    """The catalogue a problem is in (`es` for translations/es/LC_MESSAGES/messages.po)."""
    path = Path(problem.path)
    return path.parents[1].name if path.name == "messages.po" and len(path.parents) > 1 else ""


@dataclass(frozen=True)
class ArticleInLanguage:
    translated: int
    total: int
    required_waiting: int
    published: bool

    def describe(self) -> str:
        required = f", {self.required_waiting} required waiting" if self.required_waiting else ""
        return f"{self.translated}/{self.total} translated{required}"


def article_states(problems: Iterable[Problem], totals: Mapping[str, int]) -> dict[str, dict[str, ArticleInLanguage]]:
    """For each article with notes, its state in each catalogue that has notes about it."""
    waiting: Counter[tuple[str, str]] = Counter()
    required: Counter[tuple[str, str]] = Counter()
    unpublished: set[tuple[str, str]] = set()
    for problem in problems:
        if not problem.article:
            continue
        key = (problem.article, catalogue_of(problem))
        if problem.kind == NOT_PUBLISHED:
            unpublished.add(key)
        else:
            waiting[key] += 1
            required[key] += problem.kind.startswith("required")
    states: dict[str, dict[str, ArticleInLanguage]] = defaultdict(dict)
    for slug, catalogue in sorted(set(waiting) | unpublished):
        total = totals.get(slug, 0)
        key = (slug, catalogue)
        states[slug][catalogue] = ArticleInLanguage(
            max(total - waiting[key], 0), total, required[key], key not in unpublished
        )
    return dict(states)


def article_line(slug: str, languages: Mapping[str, ArticleInLanguage]) -> str:
    """`synthetic-12: es, fr 0/83 translated, 15 required waiting — not published in es, fr`."""
    same: dict[str, list[str]] = defaultdict(list)
    for catalogue, state in languages.items():
        same[state.describe()].append(catalogue)
    parts = "; ".join(f"{', '.join(catalogues)} {described}" for described, catalogues in same.items())
    unpublished = [catalogue for catalogue, state in languages.items() if not state.published]
    where = f" — not published in {', '.join(unpublished)}" if unpublished else ""
    return f"{slug}: {parts}{where}"


def _need(item: tuple[str, Mapping[str, ArticleInLanguage]]) -> tuple[int, int, int, str]:
    slug, languages = item
    unpublished = sum(not state.published for state in languages.values())
    required = sum(state.required_waiting for state in languages.values())
    untranslated = sum(state.total - state.translated for state in languages.values())
    return (-unpublished, -required, -untranslated, slug)


def summary(problems: Sequence[Problem], totals: Mapping[str, int]) -> list[str]:
    """The screenful `check` prints by default."""
    failures = [problem for problem in problems if not problem.note]
    notes = [problem for problem in problems if problem.note]
    lines: list[str] = []
    if failures:
        lines.append(f"{len(failures)} failure(s), each fails the check:")
        lines += [f"  {problem}" for problem in failures[:FAILURES_SHOWN]]
        if len(failures) > FAILURES_SHOWN:
            lines.append(f"  ... and {len(failures) - FAILURES_SHOWN} more (--details lists them all)")
        kinds = Counter(problem.group for problem in failures)
        if len(failures) > FAILURES_SHOWN:
            lines += [f"  {count:>6}  {kind}" for kind, count in kinds.most_common(ARTICLES_SHOWN)]
    if notes:
        lines.append(f"{len(notes)} note(s), worth a translator's look (they do not fail):")
        lines += [f"  {count:>6}  {kind}" for kind, count in Counter(problem.group for problem in notes).most_common()]
        # A language being added: one line each, saying what it waits for or that it may be listed.
        lines += [f"  {problem}" for problem in notes if problem.kind == LISTING]
    states = article_states(problems, totals)
    if states:
        ranked = sorted(states.items(), key=_need)
        unpublished = sum(1 for _, languages in ranked if any(not state.published for state in languages.values()))
        lines.append(
            f"{len(ranked)} article(s) not fully translated, {unpublished} of them not published in some language;"
            " most in need first:"
        )
        lines += [f"  {article_line(slug, languages)}" for slug, languages in ranked[:ARTICLES_SHOWN]]
        if len(ranked) > ARTICLES_SHOWN:
            lines.append(f"  ... and {len(ranked) - ARTICLES_SHOWN} more")
    if failures or notes:
        lines.append("Every line: flask translate check --details; one article: --article SLUG")
    return lines


def about_article(problems: Sequence[Problem], slug: str, totals: Mapping[str, int]) -> list[str]:
    """`check --article SLUG`: the article's state in each language, then every line about it."""
    mine = [problem for problem in problems if problem.article == slug]
    languages = article_states(mine, totals).get(slug)
    head = article_line(slug, languages) if languages else f"{slug}: translated and published in every language"
    return [head, *(str(problem) for problem in mine)]
