"""Load benchmark: the site against a hello-world Flask app, same gunicorn command, same run.

    python bench/run.py [--duration 10] [--connections 16] [--rounds 2] [--write]

Starts gunicorn on loopback for a hello-world baseline and for the site (as configured, with the
fast path off, with no page cache), drives them alternately with wrk and
prints requests per second, p50 and p99 for: article (cached: plain and gzip, served by the fast
path; cached through Flask with the fast path off; cold, with no page cache), home, a 304, a
comment post; then ratios to the baseline and page weights. Every article request comes from a new
reader (no cookie), so each one is given its own session and CSRF token, as a first visit is.
--write also records the table in bench/RESULTS.md. Needs wrk (Debian package `wrk`).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ARTICLE = "/en/articles/muscle-spasms-in-children"


@dataclass
class Result:
    name: str
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(app: str, env: dict[str, str], cwd: Path, workers: int) -> Iterator[str]:
    port = free_port()
    # Both apps get the project's gunicorn.conf.py, so the command really is the same; worker
    # recycling is off during a measurement (a restart mid-run would show up as p99 noise).
    env = dict(env, GUNICORN_MAX_REQUESTS="0")
    command = [
        str(BIN / "gunicorn"),
        "-c",
        str(ROOT / "gunicorn.conf.py"),
        "-w",
        str(workers),
        "-b",
        f"127.0.0.1:{port}",
        "--access-logfile",
        "/dev/null",
        "--error-logfile",
        "-",
        "--log-level",
        "warning",
        app,
    ]
    process = subprocess.Popen(command, cwd=cwd, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            with contextlib.suppress(OSError):
                urllib.request.urlopen(url + "/", timeout=1)  # noqa: S310 - loopback only
                break
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def wrk(
    url: str,
    duration: int,
    connections: int,
    headers: dict[str, str] | None = None,
    script: Path | None = None,
    env: dict[str, str] | None = None,
) -> tuple[float, float, float, int]:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    if script:
        command += ["-s", str(script)]
    output = subprocess.run(command + [url], capture_output=True, text=True, env=env, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = _ms(re.search(r"50%\s+([\d.]+\w+)", output).group(1))
    p99 = _ms(re.search(r"99%\s+([\d.]+\w+)", output).group(1))
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    return rps, p50, p99, errors


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def site_environment(tmp: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tmp / 'bench.db'}"),
            "SECRET_KEY": "benchmark-only-secret",
            "RATELIMIT_ENABLED": "false",
            "COMMENT_MIN_SECONDS": "0",
            "FLASK_APP": "app",
        }
    )
    env.update(extra)
    return env


def comment_post_setup(url: str) -> dict[str, str]:
    """A session cookie, CSRF token and form fields for wrk's POST script."""
    request = urllib.request.Request(url + ARTICLE)
    with urllib.request.urlopen(request) as response:  # noqa: S310 - loopback only
        html = response.read().decode()
        cookies = [c.split(";", 1)[0] for c in response.headers.get_all("Set-Cookie") or []]
    fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html))
    fields.pop("email", None)
    fields.update({"name": "Benchmark", "comment": "A benchmark comment.", "website": ""})
    return {"BENCH_COOKIE": "; ".join(cookies), "BENCH_BODY": urllib.parse.urlencode(fields)}


def page_weights(url: str) -> dict[str, int]:
    with urllib.request.urlopen(url + ARTICLE) as response:  # noqa: S310 - loopback only
        html = response.read()
    css = re.findall(rb'href="(/static/[^"]+\.css)"', html)
    css_bytes = 0
    for path in css:
        with urllib.request.urlopen(url + path.decode()) as response:  # noqa: S310
            css_bytes += len(gzip.compress(response.read()))
    # What a browser is sent: the fast path splices gzip from blocks deflated once per rendering.
    request = urllib.request.Request(url + ARTICLE, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request) as response:  # noqa: S310 - loopback only
        served = response.read()
    return {
        "article HTML, gzipped (bytes)": len(gzip.compress(html)),
        "article HTML, gzip as served (bytes)": len(served),
        "all CSS, gzipped (bytes)": css_bytes,
        "JavaScript files": len(re.findall(rb"<script", html)),
    }


def median_result(name: str, runs: list[tuple[float, float, float, int]]) -> Result:
    return Result(
        name,
        statistics.median(r[0] for r in runs),
        statistics.median(r[1] for r in runs),
        statistics.median(r[2] for r in runs),
        sum(r[3] for r in runs),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--write", action="store_true", help="record the results in bench/RESULTS.md")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        env = site_environment(tmp)
        subprocess.run([str(BIN / "flask"), "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
        runs: dict[str, list[tuple[float, float, float, int]]] = {}

        def measure(name: str, *a, **kw) -> None:
            runs.setdefault(name, []).append(wrk(*a, duration=args.duration, connections=args.connections, **kw))

        with (
            gunicorn("hello:create_app()", dict(os.environ), ROOT / "bench", args.workers) as base,
            gunicorn("app:create_app()", env, ROOT, args.workers) as site,
            gunicorn("app:create_app()", site_environment(tmp, PAGE_CACHE_FAST_PATH="off"), ROOT, args.workers) as slow,
            gunicorn("app:create_app()", site_environment(tmp, PAGE_CACHE="off"), ROOT, args.workers) as cold,
        ):
            # A returning reader: their session cookie and the ETag of the page they already have.
            with urllib.request.urlopen(site + ARTICLE) as response:  # noqa: S310
                etag = response.headers["ETag"]
                cookie = "; ".join(c.split(";", 1)[0] for c in response.headers.get_all("Set-Cookie") or [])
            for _ in range(args.rounds):  # alternate so drift on the machine hits both sides alike
                measure("baseline: hello world", base + "/")
                measure("article (cached)", site + ARTICLE)
                measure("article (cached, gzip)", site + ARTICLE, headers={"Accept-Encoding": "gzip"})
                measure("baseline: hello world", base + "/")
                measure("article (cached, fast path off)", slow + ARTICLE)
                measure("article (cold: no page cache)", cold + ARTICLE)
                measure("home", site + "/en/")
                measure(
                    "article 304 (If-None-Match)", site + ARTICLE, headers={"If-None-Match": etag, "Cookie": cookie}
                )
            post_env = dict(os.environ, **comment_post_setup(site))
            measure(
                "comment post (303)", site + ARTICLE + "/comments", script=ROOT / "bench" / "post.lua", env=post_env
            )
            weights = page_weights(site)

    results = [median_result(name, value) for name, value in runs.items()]
    baseline = results[0]
    lines = [
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{args.workers} gunicorn sync workers, wrk -t2 -c{args.connections} -d{args.duration}s, "
        f"median of {args.rounds} round(s), loopback, database: "
        f"{'PostgreSQL (BENCH_DATABASE_URL)' if os.environ.get('BENCH_DATABASE_URL') else 'SQLite file'}.",
        "",
        "| scenario | req/s | p50 ms | p99 ms | non-2xx/3xx | × baseline req/s |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        lines.append(
            f"| {result.name} | {result.rps:,.0f} | {result.p50_ms:.2f} | {result.p99_ms:.2f} | "
            f"{result.errors} | {result.rps / baseline.rps:.2f} |"
        )
    lines += ["", "| page weight | value |", "|---|---:|"]
    lines += [f"| {name} | {value:,} |" for name, value in weights.items()]
    report = "\n".join(lines)
    print(report)
    if args.write:
        stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        (ROOT / "bench" / "RESULTS.md").write_text(
            f"# Benchmark results\n\nRecorded {stamp} with `python bench/run.py --write`.\n\n{report}\n",
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
