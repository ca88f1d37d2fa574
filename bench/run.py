"""Load benchmark: the site as shipped, side by side with its limits, in one run.

    python bench/run.py [--duration 10] [--connections 64] [--rounds 2] [--write]

Starts, on loopback: a hello-world Flask app and the site under the same gunicorn command (the
project's gunicorn.conf.py, as an operator runs it: preloaded app, worker recycling on), nginx
with deploy/nginx.conf in front of the site, and nginx serving a saved copy of the article as a
static file. Drives them alternately with wrk and prints requests per second, p50 and p99 for:

- nginx: the article as a static file (the limit of this machine),
- the article through nginx's shared cache (what readers get in production),
- the article straight from gunicorn (the app's public-page layer), and hello world,
- the home page, a 304 revalidation and a comment post, for reference;

then ratios against the targets, how long an approved comment takes to reach a reader through
the cache, and page weights. --write records the report in bench/RESULTS.md. Needs wrk and
nginx (Debian packages `wrk`, `nginx-light`).
"""

from __future__ import annotations

import argparse
import contextlib
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
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.live_nginx import SITE_HOST, main_config, running_nginx, site_config  # noqa: E402

BIN = Path(sys.executable).parent
ARTICLE = "/en/articles/muscle-spasms-in-children"
SITE = {"Host": SITE_HOST}  # the name nginx serves the site under
BROWSER = {**SITE, "Accept-Encoding": "gzip, deflate, br"}  # what every current browser sends


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


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[bytes, dict[str, str]]:
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback only
        return response.read(), dict(response.headers)


@contextlib.contextmanager
def gunicorn(app: str, env: dict[str, str], cwd: Path) -> Iterator[str]:
    """`gunicorn -c gunicorn.conf.py APP`: the shipped configuration, unchanged, for both apps."""
    port = free_port()
    env = dict(env, GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_ACCESS_LOG="/dev/null")
    command = [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "--log-level", "warning", app]
    process = subprocess.Popen(command, cwd=cwd, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            with contextlib.suppress(OSError):
                fetch(url + "/healthz" if "app:" in app else url + "/")
                break
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def wrk(url: str, duration: int, connections: int, headers=None, script: Path | None = None, env=None):
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
    if socket_errors := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output):
        errors += sum(int(n) for n in socket_errors.groups())
    return rps, p50, p99, errors


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def site_environment(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tmp / 'bench.db'}"),
            "SECRET_KEY": "benchmark-only-secret",
            "RATELIMIT_ENABLED": "false",
            "FLASK_APP": "app",
            "SITE_URL": f"http://{SITE_HOST}",
            "TRUSTED_HOSTS": f"{SITE_HOST},127.0.0.1",
            "PROXY_FIX_HOPS": "1",
        }
    )
    return env


@contextlib.contextmanager
def nginx_pair(site_url: str, article_html: bytes, folder: Path) -> Iterator[tuple[str, str]]:
    """One nginx: the shipped cache configuration in front of the site, and a static server
    holding a copy of the article."""
    cache_port, static_port = free_port(), free_port()
    (folder / "static").mkdir(parents=True)
    (folder / "static" / "article.html").write_bytes(article_html)
    static = (
        f"server {{\n    listen 127.0.0.1:{static_port};\n    root {folder / 'static'};\n"
        "    location = /article.html { default_type text/html; etag on; }\n}\n"
    )
    upstream = int(site_url.rsplit(":", 1)[1])
    config = main_config(site_config(upstream, cache_port, None, folder) + static, folder)
    with running_nginx(config, folder, cache_port):
        yield f"http://127.0.0.1:{cache_port}", f"http://127.0.0.1:{static_port}/article.html"


def seconds_until_an_approval_is_seen(cache_url: str, env: dict[str, str]) -> float:
    """Post a comment, approve it (as a moderator would, through the CLI), and poll the article
    through the cache until it shows."""
    text = f"Benchmark freshness probe {time.time_ns()}"
    body = urllib.parse.urlencode({"name": "Probe", "comment": text, "website": ""}).encode()
    request = urllib.request.Request(cache_url + ARTICLE + "/comments", data=body, headers=SITE)
    with contextlib.suppress(urllib.error.HTTPError):  # the 303 is not followed
        urllib.request.urlopen(request, timeout=30)  # noqa: S310 - loopback only
    flask = [str(BIN / "flask")]
    pending = subprocess.run([*flask, "comments", "pending"], cwd=ROOT, env=env, capture_output=True, text=True)
    comment_id = next(line.split()[0] for line in pending.stdout.splitlines() if text in line)
    approved = time.monotonic()  # from the moderator's decision, including the CLI's own start-up
    subprocess.run([*flask, "comments", "approve", comment_id], cwd=ROOT, env=env, check=True, capture_output=True)
    while text.encode() not in fetch(cache_url + ARTICLE, SITE)[0]:
        if time.monotonic() - approved > 60:
            return float("inf")
        time.sleep(0.1)
    return time.monotonic() - approved


def page_weights(url: str) -> dict[str, int]:
    html, _ = fetch(url + ARTICLE, SITE)
    css_bytes = sum(len(fetch(url + path.decode(), {**SITE, "Accept-Encoding": "br"})[0])
                    for path in re.findall(rb'href="(/static/[^"]+\.css)"', html))  # fmt: skip
    return {
        "article HTML (bytes)": len(html),
        "article HTML, gzip as served (bytes)": len(fetch(url + ARTICLE, {**SITE, "Accept-Encoding": "gzip"})[0]),
        "article HTML, brotli as served (bytes)": len(fetch(url + ARTICLE, {**SITE, "Accept-Encoding": "br"})[0]),
        "all CSS, brotli as served (bytes)": css_bytes,
        "JavaScript files": len(re.findall(rb"<script(?![^>]*application/ld\+json)", html)),
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
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--write", action="store_true", help="record the results in bench/RESULTS.md")
    args = parser.parse_args()
    for tool in ("wrk", "nginx"):
        if shutil.which(tool) is None:
            print(f"{tool} is not installed (apt-get install wrk nginx-light)", file=sys.stderr)
            return 2

    runs: dict[str, list[tuple[float, float, float, int]]] = {}
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        env = site_environment(tmp)
        subprocess.run([str(BIN / "flask"), "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)

        def measure(name: str, url: str, **kw) -> None:
            result = wrk(url, duration=args.duration, connections=args.connections, **kw)
            runs.setdefault(name, []).append(result)

        with (
            gunicorn("hello:create_app()", dict(os.environ), ROOT / "bench") as base,
            gunicorn("app:create_app()", env, ROOT) as site,
        ):
            article_html, headers = fetch(site + ARTICLE, SITE)
            etag = headers["ETag"]
            with nginx_pair(site, article_html, tmp / "nginx") as (cache, static):
                # Warm every path once (nginx's cache files, gunicorn's workers), untimed.
                for url, headers in (
                    (static, {}),
                    (cache + ARTICLE, SITE),
                    (site + ARTICLE, BROWSER),
                    (base + "/", {}),
                ):
                    wrk(url, duration=2, connections=args.connections, headers=headers)
                for _ in range(args.rounds):  # alternate, so drift on the machine hits every side alike
                    measure("nginx: article as a static file", static)
                    measure("article through nginx's cache", cache + ARTICLE, headers=SITE)
                    measure("article through nginx's cache, brotli", cache + ARTICLE, headers=BROWSER)
                    measure("baseline: hello world (gunicorn)", base + "/")
                    measure("article straight from gunicorn", site + ARTICLE, headers=BROWSER)
                    measure("article straight from gunicorn, no compression", site + ARTICLE, headers=SITE)
                    measure("home straight from gunicorn", site + "/en/", headers=SITE)
                    measure("article 304 from gunicorn (If-None-Match)", site + ARTICLE,
                            headers={**SITE, "If-None-Match": etag})  # fmt: skip
                post_env = dict(os.environ, BENCH_BODY="name=Benchmark&comment=A+benchmark+comment.&website=")
                measure("comment post (303, gunicorn)", site + ARTICLE + "/comments",
                        headers=SITE, script=ROOT / "bench" / "post.lua", env=post_env)  # fmt: skip
                freshness = seconds_until_an_approval_is_seen(cache, env)
                weights = page_weights(cache)

    results = {name: median_result(name, value) for name, value in runs.items()}
    report = render(results, freshness, weights, args)
    print(report)
    if args.write:
        record(report)
    return 0


def record(report: str) -> None:
    """Replace the "## Results" part of bench/RESULTS.md, keeping the notes above it."""
    path = ROOT / "bench" / "RESULTS.md"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n\n"
    notes = text.split("## Results", 1)[0].rstrip() + "\n\n"
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    path.write_text(f"{notes}## Results\n\nRecorded {stamp} with `python bench/run.py --write`.\n\n{report}\n",
                    encoding="utf-8")  # fmt: skip


def render(results: dict[str, Result], freshness: float, weights: dict[str, int], args) -> str:
    static = results["nginx: article as a static file"]
    hello = results["baseline: hello world (gunicorn)"]
    cached = results["article through nginx's cache"]
    direct = results["article straight from gunicorn"]
    lines = [
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"gunicorn -c gunicorn.conf.py (as shipped); nginx with deploy/nginx.conf; "
        f"wrk -t2 -c{args.connections} -d{args.duration}s, median of {args.rounds} round(s), loopback; database: "
        f"{'PostgreSQL (BENCH_DATABASE_URL)' if os.environ.get('BENCH_DATABASE_URL') else 'SQLite file'}.",
        "",
        "| scenario | req/s | p50 ms | p99 ms | errors | × nginx static | × hello world |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results.values():
        lines.append(
            f"| {result.name} | {result.rps:,.0f} | {result.p50_ms:.2f} | {result.p99_ms:.2f} | {result.errors} | "
            f"{result.rps / static.rps:.2f} | {result.rps / hello.rps:.2f} |"
        )
    targets = [
        ("article through the cache ≥ 0.5 × nginx static", f"{cached.rps / static.rps:.2f} ×",
         cached.rps >= 0.5 * static.rps),
        ("article from gunicorn ≥ 1.0 × hello world", f"{direct.rps / hello.rps:.2f} ×", direct.rps >= hello.rps),
        (f"p99 through the cache < 20 ms at {args.connections} connections", f"{cached.p99_ms:.2f} ms",
         cached.p99_ms < 20),
        ("an approved comment reaches a reader through the cache within 10 s", f"{freshness:.1f} s", freshness <= 10),
    ]  # fmt: skip
    lines += ["", "| target | measured | met |", "|---|---:|---|"]
    lines += [f"| {name} | {value} | {'yes' if met else 'NO'} |" for name, value, met in targets]
    lines += ["", "| page weight | value |", "|---|---:|"]
    lines += [f"| {name} | {value:,} |" for name, value in weights.items()]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
