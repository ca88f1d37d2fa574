"""Scale benchmark: what a site of N articles costs a worker and the catalogue tools.

    python bench/scale.py [--sizes 1 100 300 1000] [--profile 300] [--write]
    python bench/scale.py --sizes 300 --tools-only [--workdir DIR]

For each N it generates, in a temporary folder that is deleted afterwards (never committed):
N-1 copies of the seed article under new slugs and titles (first letters A to Z), and copies of
the translation catalogues in which three synthetic articles in four carry the seed's
translations under their own msgctxts ("translated") and the fourth is left untranslated. Then:

- `flask translate extract`, `update`, `check` and `compile` on those files, each timed;
- a worker's cold first request, each in a fresh process (the app created, then the first
  request timed, as a gunicorn worker forked from a preloaded app): the English home page, an
  English article, a translated article in Spanish and in Arabic;
- the resident memory (RSS) of one process after serving the home page and an article in every
  language, the size of the home page and of the sitemap (with its children, if it is an index).

--profile N prints a cProfile summary of the cold first Spanish article at that size.
--write appends the table to bench/RESULTS.md.
--tools-only times `extract`, `update` and `check` only: wall and CPU (user + sys) of each.
--workdir DIR generates the folder there (it must not exist) and keeps it, for profiling the
tools on it (`FLASK_APP=app ARTICLES_DIR=DIR/articles BABEL_TRANSLATION_DIRECTORIES=DIR/translations`).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import json
import os
import platform
import pstats
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "app" / "content" / "articles" / "muscle-spasms-in-children.yaml"
SEED_SLUG = SEED.stem
SEED_TITLE = re.compile(r"(title:\n  text: ).*")
CATALOGUES = ("es", "fr", "zh_Hans", "ar")
LOCALE_CODES = ("en", "es", "fr", "zh-hans", "ar")
# Conditions A to Z, so that the titles of the synthetic articles start with every letter.
TITLE_WORDS = (
    "Asthma",
    "Bronchiolitis",
    "Croup",
    "Diarrhoea",
    "Eczema",
    "Fever",
    "Glue ear",
    "Head lice",
    "Impetigo",
    "Jaundice",
    "Kawasaki disease",
    "Lactose intolerance",
    "Measles",
    "Nosebleeds",
    "Oral thrush",
    "Pneumonia",
    "Quinsy",
    "Rashes",
    "Scarlet fever",
    "Tonsillitis",
    "Urinary tract infection",
    "Vomiting",
    "Whooping cough",
    "Xerosis",
    "Yellow skin",
    "Zinc deficiency",
)


def synthetic_slug(number: int) -> str:
    return f"synthetic-{number:04d}"


def synthetic_title(number: int) -> str:
    return f"{TITLE_WORDS[number % len(TITLE_WORDS)]} {number}"


def is_translated(number: int) -> bool:
    """Three synthetic articles in four are translated in every catalogue."""
    return number % 4 != 0


# --- generation -------------------------------------------------------------------------------


def write_articles(folder: Path, count: int) -> None:
    folder.mkdir(parents=True)
    seed = SEED.read_text(encoding="utf-8")
    shutil.copyfile(SEED, folder / SEED.name)
    for number in range(1, count):
        text = seed.replace(f"slug: {SEED_SLUG}", f"slug: {synthetic_slug(number)}", 1)
        text = SEED_TITLE.sub(rf"\g<1>{synthetic_title(number)}", text, count=1)
        (folder / f"{synthetic_slug(number)}.yaml").write_text(text, encoding="utf-8")


def _entries(po: str) -> list[str]:
    return po.rstrip("\n").split("\n\n")


def _is_article_entry(entry: str) -> bool:
    """A live (not obsolete) entry whose msgctxt, wrapped or not, starts with the seed's slug."""
    lines = entry.split("\n")
    return any(line.startswith("msgctxt ") for line in lines) and f'"{SEED_SLUG}|' in entry


def _copy_entry(entry: str, number: int, translated: bool) -> str:
    slug = synthetic_slug(number)
    entry = entry.replace(f'"{SEED_SLUG}|', f'"{slug}|').replace(f"{SEED_SLUG}.yaml", f"{slug}.yaml")
    lines = entry.split("\n")
    if f'"{slug}|title"' in entry:
        lines = [f'msgid "{synthetic_title(number)}"' if line.startswith("msgid ") else line for line in lines]
        lines = [line[:-1] + f' {number}"' if line.startswith("msgstr ") and translated else line for line in lines]
    if not translated:
        start = next(index for index, line in enumerate(lines) if line.startswith("msgstr"))
        lines = [*lines[:start], 'msgstr ""']
    return "\n".join(lines)


def write_translations(source: Path, destination: Path, count: int) -> None:
    shutil.copytree(source, destination, ignore=shutil.ignore_patterns("*.mo", "*.json"))
    for catalogue in CATALOGUES:
        path = destination / catalogue / "LC_MESSAGES" / "messages.po"
        entries = _entries(path.read_text(encoding="utf-8"))
        seed_entries = [entry for entry in entries if _is_article_entry(entry)]
        copies = [
            _copy_entry(entry, number, is_translated(number)) for number in range(1, count) for entry in seed_entries
        ]
        path.write_text("\n\n".join([*entries, *copies]) + "\n", encoding="utf-8")


def environment(workdir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "ARTICLES_DIR": str(workdir / "articles"),
        "BABEL_TRANSLATION_DIRECTORIES": str(workdir / "translations"),
        "DATABASE_URL": f"sqlite:///{workdir / 'site.db'}",
        "SECRET_KEY": "scale-benchmark",
        "SITE_URL": "http://localhost",
        "RATELIMIT_ENABLED": "0",
        "FLASK_APP": "app",
    }


def flask(workdir: Path, *args: str) -> tuple[float, subprocess.CompletedProcess[str]]:
    seconds, _, done = flask_timed(workdir, *args)
    return seconds, done


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def flask_timed(workdir: Path, *args: str) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    """(wall seconds, CPU seconds of the command and its children, the finished process)."""
    cpu = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(
        [str(Path(sys.executable).parent / "flask"), *args],
        cwd=ROOT,
        env=environment(workdir),
        capture_output=True,
        text=True,
        timeout=3600,
    )
    return time.perf_counter() - started, _children_cpu() - cpu, done


# --- a worker ---------------------------------------------------------------------------------


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def sitemap_sizes(client) -> tuple[int, int, int]:
    """(bytes of /sitemap.xml, of its largest child, of all files together)."""
    first = client.get("/sitemap.xml").data
    children = re.findall(rb"<sitemap>\s*<loc>http://localhost([^<]+)</loc>", first)
    sizes = [len(client.get(child.decode()).data) for child in children]
    return len(first), max(sizes, default=len(first)), len(first) + sum(sizes)


def serve(paths: list[str], profile: bool) -> dict[str, object]:
    """Runs in a fresh process: create the app, then time the first request of each path."""
    sys.path.insert(0, str(ROOT))
    from app import create_app

    app = create_app()
    client = app.test_client()
    timings = {}
    profiler = cProfile.Profile() if profile else None
    for path in paths:
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        response = client.get(path)
        if profiler:
            profiler.disable()
        timings[path] = {"seconds": time.perf_counter() - started, "status": response.status_code}
    result: dict[str, object] = {"timings": timings, "rss_mb": rss_mb()}
    if profiler:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).strip_dirs()
        stats.sort_stats("cumulative").print_stats(30)
        stats.sort_stats("tottime").print_stats(15)
        result["profile"] = out.getvalue()
    if not profile:
        result["home_bytes"] = len(client.get("/en/").data)
        result["sitemap"] = sitemap_sizes(client)
    return result


def in_fresh_process(workdir: Path, paths: list[str], *, profile: bool = False) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--serve", *paths, *(["--profile-serve"] if profile else [])],
        cwd=ROOT,
        env=environment(workdir),
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- one size ---------------------------------------------------------------------------------


def generate(workdir: Path, count: int) -> None:
    write_articles(workdir / "articles", count)
    write_translations(ROOT / "translations", workdir / "translations", count)


def measure_tools(count: int, workdir: Path | None = None) -> dict[str, object]:
    """Wall and CPU seconds of `extract`, `update` and `check`, one after the other, with the load."""
    keep = workdir is not None
    workdir = workdir or Path(tempfile.mkdtemp(prefix=f"scale-{count}-"))
    try:
        generate(workdir, count)
        result: dict[str, object] = {"articles": count, "load_before": os.getloadavg()[0]}
        for command in ("extract", "update", "check"):
            seconds, cpu, done = flask_timed(workdir, "translate", command)
            result[command] = round(seconds, 2)
            result[f"{command}_cpu"] = round(cpu, 2)
            if command == "check":
                result["check_lines"] = len((done.stdout + done.stderr).splitlines())
                result["check_exit"] = done.returncode
            elif done.returncode != 0:
                raise RuntimeError(f"translate {command}: {done.stderr[-2000:]}")
        result["together"] = round(sum(float(result[command]) for command in ("extract", "update", "check")), 2)
        result["together_cpu"] = round(
            sum(float(result[f"{command}_cpu"]) for command in ("extract", "update", "check")), 2
        )
        result["load_after"] = os.getloadavg()[0]
        if keep:
            result["workdir"] = str(workdir)
        return result
    finally:
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)


def measure(count: int, profile: bool, tools: bool = True) -> dict[str, object]:
    workdir = Path(tempfile.mkdtemp(prefix=f"scale-{count}-"))
    try:
        generate(workdir, count)
        result: dict[str, object] = {"articles": count}
        for command in ("extract", "update", "check", "compile") if tools else ("compile",):
            seconds, done = flask(workdir, "translate", command)
            result[command] = seconds
            if command == "check":
                result["check_lines"] = len((done.stdout + done.stderr).splitlines())
                result["check_exit"] = done.returncode
            elif done.returncode != 0:
                raise RuntimeError(f"translate {command}: {done.stderr[-2000:]}")
        result["po_mb"] = (workdir / "translations/es/LC_MESSAGES/messages.po").stat().st_size / 1e6
        _, done = flask(workdir, "db", "upgrade")
        if done.returncode != 0:
            raise RuntimeError(done.stderr[-2000:])
        translated = synthetic_slug(1) if count > 1 else SEED_SLUG
        english = synthetic_slug(min(2, count - 1)) if count > 2 else SEED_SLUG
        cold = {
            "home": "/en/",
            "english article": f"/en/articles/{english}",
            "es article": f"/es/articles/{translated}",
            "ar article": f"/ar/articles/{translated}",
            "es home": "/es/",
        }
        for name, path in cold.items():
            result[name] = in_fresh_process(workdir, [path])["timings"][path]["seconds"]
        every = [path for code in LOCALE_CODES for path in (f"/{code}/", f"/{code}/articles/{translated}")]
        served = in_fresh_process(workdir, every)
        result["rss_mb"] = served["rss_mb"]
        result["home_kb"] = served["home_bytes"] / 1000
        index, largest, total = served["sitemap"]
        result["sitemap_kb"] = index / 1000
        result["sitemap_largest_kb"] = largest / 1000
        result["sitemap_total_kb"] = total / 1000
        if profile:
            result["profile"] = in_fresh_process(workdir, [cold["es article"]], profile=True)["profile"]
        return result
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


COLUMNS = (
    ("articles", "articles", "{:.0f}"),
    ("home", "first /en/ (s)", "{:.2f}"),
    ("es home", "first /es/ (s)", "{:.2f}"),
    ("english article", "first en article (s)", "{:.2f}"),
    ("es article", "first es article (s)", "{:.2f}"),
    ("ar article", "first ar article (s)", "{:.2f}"),
    ("rss_mb", "RSS, 5 languages (MB)", "{:.0f}"),
    ("home_kb", "home (KB)", "{:.1f}"),
    ("sitemap_kb", "sitemap.xml (KB)", "{:.1f}"),
    ("sitemap_largest_kb", "largest sitemap file (KB)", "{:.1f}"),
    ("extract", "extract (s)", "{:.1f}"),
    ("update", "update (s)", "{:.1f}"),
    ("check", "check (s)", "{:.1f}"),
    ("check_lines", "check output (lines)", "{:.0f}"),
    ("compile", "compile (s)", "{:.1f}"),
    ("po_mb", "es messages.po (MB)", "{:.2f}"),
)


def table(results: list[dict[str, object]]) -> str:
    """One row per measure, one column per size, then the growth from the smallest to the largest."""
    sizes = [f"N={result['articles']}" for result in results]
    lines = ["| | " + " | ".join(sizes) + " | growth per article |", "|---" * (len(sizes) + 2) + "|"]
    for key, label, form in COLUMNS[1:]:
        cells = [form.format(result[key]) for result in results]
        first, last = results[0], results[-1]
        span = int(last["articles"]) - int(first["articles"])
        growth = (float(last[key]) - float(first[key])) / span if span else 0.0
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {growth:+.4f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 100, 300, 1000])
    parser.add_argument("--profile", type=int, default=None, help="profile the first es article at this size")
    parser.add_argument("--write", action="store_true", help="append the table to bench/RESULTS.md")
    parser.add_argument("--pages-only", action="store_true", help="time pages only (no extract, update, check)")
    parser.add_argument("--tools-only", action="store_true", help="time extract, update and check only")
    parser.add_argument("--workdir", type=Path, help="generate the folder here and keep it (one size only)")
    parser.add_argument("--serve", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--profile-serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        print(json.dumps(serve(args.serve, args.profile_serve)))
        return
    if args.workdir is not None and (len(args.sizes) != 1 or args.workdir.exists()):
        parser.error("--workdir takes one size and a folder that does not exist yet")
    if args.tools_only:
        for count in args.sizes:
            print(json.dumps(measure_tools(count, args.workdir)), flush=True)
        return
    results = []
    for count in args.sizes:
        result = measure(count, profile=count == args.profile, tools=not args.pages_only)
        if "profile" in result:
            print(f"--- cProfile: first /es/ article, {count} articles ---\n{result.pop('profile')}")
        print(json.dumps(result), flush=True)
        results.append(result)
    if args.pages_only:
        return
    report = table(results)
    print(report)
    if args.write:
        heading = f"\n## Scale: {dt.date.today().isoformat()} ({platform.machine()}, {os.cpu_count()} cores)\n\n"
        with (ROOT / "bench" / "RESULTS.md").open("a", encoding="utf-8") as handle:
            handle.write(heading + "`python bench/scale.py`\n\n" + report + "\n")


if __name__ == "__main__":
    main()
