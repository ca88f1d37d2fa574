"""The shipped nginx configuration (deploy/nginx.conf) in front of the shipped gunicorn
configuration: public pages come from nginx's cache, nothing of one reader's is ever cached, an
approval reaches every reader within the shared lifetime, and the origin rules hold."""

from __future__ import annotations

import random
import re
import shutil
import ssl
import time
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest

from tests.conftest import ARTICLE_SLUG
from tests.live_gunicorn import flask_cli, gunicorn_site, site_environment
from tests.live_nginx import SHIPPED, SITE_HOST, Proxy, nginx_in_front_of

pytestmark = [
    pytest.mark.slow,
    pytest.mark.xdist_group("live"),
    pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed"),
]

ARTICLE = f"/en/articles/{ARTICLE_SLUG}"
ORIGIN = f"https://{SITE_HOST}"
FROM_THE_PAGE = {"Origin": ORIGIN, "Sec-Fetch-Site": "same-origin", "Content-Type": "application/x-www-form-urlencoded"}
SHARED_LIFETIME = 10  # s-maxage + stale-while-revalidate, the most a reader may wait for a change


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> Iterator[tuple[Proxy, dict[str, str]]]:
    from tests.conftest import throwaway_database

    folder = tmp_path_factory.mktemp("nginx")
    with throwaway_database(folder, "nginx") as url:
        env = site_environment(
            url, SITE_URL=ORIGIN, PROXY_FIX_HOPS="1", TRUSTED_HOSTS=f"{SITE_HOST},127.0.0.1", GUNICORN_WORKERS="2"
        )
        with gunicorn_site(env, workers=2, shipped_config=True) as site:
            port = int(site.url.rsplit(":", 1)[1])
            with nginx_in_front_of(port, folder / "proxy") as proxy:
                yield proxy, env


def cookie_of(answer) -> str:
    return "; ".join(value.split(";", 1)[0] for value in answer.headers.get_all("Set-Cookie") or [])


def until_cached(proxy: Proxy, path: str, **headers: str):
    for _ in range(20):
        answer = proxy.request("GET", path, headers=headers)
        if answer.header("X-Cache-Status") == "HIT":
            return answer
    pytest.fail(f"{path} never came from the cache")


def post_form(proxy: Proxy, path: str, fields: dict[str, str], headers=None):
    return proxy.request("POST", path, headers={**FROM_THE_PAGE, **(headers or {})}, body=urlencode(fields).encode())


@pytest.mark.parametrize("path", ["/en/", ARTICLE, "/ar/subscribe", "/sitemap.xml", "/robots.txt"])
def test_public_pages_come_from_the_cache_without_cookies(stack, path):
    proxy, _env = stack
    hit = until_cached(proxy, path)
    assert hit.status == 200 and hit.header("Set-Cookie") is None
    assert hit.header("Cache-Control").startswith("public")
    # A reader carrying someone's cookie gets the very same cached bytes.
    other = proxy.request("GET", path, headers={"Cookie": "session=anything; locale=ar"})
    assert other.header("X-Cache-Status") == "HIT" and other.body == hit.body
    # A browser revalidating its copy gets 304 from the cache.
    revalidated = proxy.request("GET", path, headers={"If-None-Match": hit.header("ETag")})
    assert revalidated.status == 304


def test_the_cache_sends_brotli_or_gzip_as_the_site_made_them(stack):
    proxy, _env = stack
    brotli_answer = until_cached(proxy, ARTICLE, **{"Accept-Encoding": "gzip, deflate, br"})
    gzip_answer = until_cached(proxy, ARTICLE, **{"Accept-Encoding": "gzip"})
    plain = until_cached(proxy, ARTICLE)
    assert brotli_answer.header("Content-Encoding") == "br"
    assert gzip_answer.header("Content-Encoding") == "gzip"
    assert plain.header("Content-Encoding") is None and b"<h1" in plain.body
    assert len({brotli_answer.header("ETag"), gzip_answer.header("ETag"), plain.header("ETag")}) == 3


def test_a_poster_gets_their_confirmation_and_nothing_of_theirs_is_cached(stack):
    proxy, _env = stack
    posted = post_form(proxy, f"{ARTICLE}/comments", {"name": "Noor", "comment": "Only for my own eyes", "website": ""})
    assert posted.status == 303 and posted.header("X-Cache-Status") in (None, "BYPASS", "MISS")
    sent_path = posted.header("Location")
    assert sent_path.endswith(f"{ARTICLE}/comments/sent")
    cookie = cookie_of(posted)
    assert cookie.startswith("session=")
    for _ in range(3):
        mine = proxy.request("GET", sent_path, headers={"Cookie": cookie})
        assert mine.status == 200 and "Only for my own eyes" in mine.text and 'role="status"' in mine.text
        assert mine.header("X-Cache-Status") != "HIT" and "no-store" in mine.header("Cache-Control")
        stranger = proxy.request("GET", sent_path)
        assert "Only for my own eyes" not in stranger.text and stranger.header("X-Cache-Status") != "HIT"
    assert "Only for my own eyes" not in until_cached(proxy, ARTICLE).text
    # A failed post keeps the text, and is never cached either.
    failed = post_form(proxy, f"{ARTICLE}/comments", {"name": "", "comment": "Kept on error", "website": ""})
    assert failed.status == 422 and "Kept on error" in failed.text and "no-store" in failed.header("Cache-Control")


@pytest.mark.parametrize(
    "headers", [{"Origin": "https://evil.example", "Sec-Fetch-Site": ""}, {"Sec-Fetch-Site": "cross-site"}]
)
def test_cross_origin_posts_are_refused_through_the_proxy(stack, headers):
    proxy, _env = stack
    fields = {"name": "Mallory", "comment": "Forged from elsewhere", "website": ""}
    sent = {**FROM_THE_PAGE, **headers}
    sent = {name: value for name, value in sent.items() if value}
    refused = proxy.request("POST", f"{ARTICLE}/comments", headers=sent, body=urlencode(fields).encode())
    assert refused.status == 403 and "Forged from elsewhere" in refused.text
    subscribe = proxy.request("POST", "/en/subscribe", headers=sent, body=b"email=victim%40example.org&website=")
    assert subscribe.status == 403


def test_unknown_host_names_never_reach_the_site(stack):
    proxy, _env = stack
    with pytest.raises((ssl.SSLError, ConnectionError, OSError)):
        proxy.request("GET", ARTICLE, host="evil.example")


def test_an_approval_reaches_readers_of_the_cache_within_the_shared_lifetime(stack):
    proxy, env = stack
    until_cached(proxy, ARTICLE)  # readers are being served from the cache
    text = f"Approved at {time.time_ns()}"
    assert post_form(proxy, f"{ARTICLE}/comments", {"name": "Amal", "comment": text, "website": ""}).status == 303
    pending = flask_cli(env, "comments", "pending").stdout
    comment_id = next(line.split()[0] for line in pending.splitlines() if text in line)
    flask_cli(env, "moderators", "add", "mod@example.org", "--password-stdin", stdin="a long passphrase\n")

    login_page = proxy.request("GET", "/en/moderation/login")
    assert login_page.header("X-Cache-Status") != "HIT"
    cookie = cookie_of(login_page)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page.text).group(1)
    fields = {"csrf_token": token, "email": "mod@example.org", "password": "a long passphrase"}
    # Flask-WTF also checks the Referer of https posts, as a browser sends it.
    signed_in = post_form(
        proxy, "/en/moderation/login", fields, {"Cookie": cookie, "Referer": ORIGIN + "/en/moderation/login"}
    )
    assert signed_in.status == 303
    cookie = cookie_of(signed_in) or cookie
    queue = proxy.request("GET", "/en/moderation/", headers={"Cookie": cookie})
    assert queue.status == 200 and text in queue.text and queue.header("X-Cache-Status") != "HIT"
    cookie = cookie_of(queue) or cookie  # the queue's token belongs to the session it sets
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', queue.text).group(1)
    decision = {"csrf_token": token, "ids": comment_id, "action": "approve"}
    decided = post_form(
        proxy, "/en/moderation/decide", decision, {"Cookie": cookie, "Referer": ORIGIN + "/en/moderation/"}
    )
    assert decided.status in (302, 303)

    approved_at = time.monotonic()
    while text not in proxy.request("GET", ARTICLE).text:
        assert time.monotonic() - approved_at <= SHARED_LIFETIME + 1, "the approval did not reach readers in time"
        time.sleep(0.25)
    # From then on every reader gets it, from the cache again.
    assert text in until_cached(proxy, ARTICLE).text


# --- the cache key is what the site answers (issue 24) --------------------------------------------


def _article(locale: str) -> str:
    return f"/{locale}/articles/{ARTICLE_SLUG}"


# Each spelling names a page no other test reads, so on a cache that stored the spelling's answer
# under the page's key the page itself would come back as that answer.
SPELLINGS = [
    ("/es/./articles/" + ARTICLE_SLUG, _article("es")),
    ("/fr/x/../articles/" + ARTICLE_SLUG, _article("fr")),
    ("/ar/%2e/articles/" + ARTICLE_SLUG, _article("ar")),
    ("/zh-hans/%2E%2E/zh-hans/articles/" + ARTICLE_SLUG, _article("zh-hans")),
    ("/es//about", "/es/about"),
    ("/fr/about/.", "/fr/about"),
]


@pytest.mark.parametrize(("spelling", "page"), SPELLINGS)
def test_no_spelling_of_a_path_stores_an_answer_under_the_pages_key(stack, spelling, page):
    proxy, _env = stack
    wrong = 0  # the page asked for by its own address, answered with anything but the page
    for _round in range(6):
        spelled = proxy.request("GET", spelling)
        assert spelled.status == 400 and spelled.header("X-Cache-Status") is None, spelled.status
        real = proxy.request("GET", page)
        wrong += real.status != 200 or b"<h1" not in real.body
    print(spelling, "wrong answers for the page:", wrong)
    assert wrong == 0
    assert until_cached(proxy, page).status == 200


def test_random_accept_encodings_share_three_entries_and_readers_still_get_vary(stack):
    proxy, _env = stack
    page = "/zh-hans/about"
    chrome, safari = "gzip, deflate, br, zstd", "gzip, deflate, br"
    expected = {chrome: "br", safari: "br", "gzip": "gzip", "": None}
    for accept, encoding in expected.items():  # the three copies a page can have
        assert until_cached(proxy, page, **{"Accept-Encoding": accept}).header("Content-Encoding") == encoding
    before = proxy.cache_entries()
    rng = random.Random(24)
    misses = 0
    for number in range(120):
        accept = rng.choice(
            [f"gzip;q=0.{number % 9 + 1}, identity", f"x-{number}, br", f"deflate, x{number}", f"br;q=1, x-{number}"]
        )
        answer = proxy.request("GET", page, headers={"Accept-Encoding": accept})
        assert answer.status == 200 and answer.header("Vary") == "Accept-Encoding"
        misses += answer.header("X-Cache-Status") == "MISS"  # (EXPIRED, STALE: the lifetime ran out meanwhile)
    time.sleep(0.5)  # entries are written once a response is complete
    grown = proxy.cache_entries() - before
    print("random Accept-Encoding: misses", misses, "new entries", grown)
    assert grown == 0 and misses == 0


def test_what_the_root_and_an_unprefixed_404_negotiate_is_never_shared_across_languages(stack):
    proxy, _env = stack
    for _round in range(3):
        for language in ("fr", "ar", "es"):
            root = proxy.request("GET", "/", headers={"Accept-Language": language})
            assert root.status == 302 and root.header("Location").endswith(f"/{language}/")
            missing = proxy.request("GET", "/nowhere/at/all", headers={"Accept-Language": language})
            assert missing.status == 404 and f'<html lang="{language}"' in missing.text
            assert "Accept-Language" in missing.header("Vary")


def test_garbage_comment_page_numbers_are_redirected_privately_and_never_stored(stack):
    proxy, _env = stack
    page = _article("en")
    until_cached(proxy, page)
    before = proxy.cache_entries()
    rng = random.Random(4)
    values = [
        "01",
        "x123",  # (an empty value is the page's own key: nginx answers the page)
        "0",
        "00001",
        "1e3",
        "+1",
        "9" * 40,
        *(f"{rng.randrange(10**6):06d}x" for _ in range(20)),
    ]
    stored_or_shared = 0
    for value in values:
        answer = proxy.request("GET", f"{page}?{urlencode({'comments': value})}")
        assert answer.status == 301, (value, answer.status)
        assert answer.header("Location").startswith(page)
        stored_or_shared += "no-store" not in answer.header("Cache-Control") or answer.header("X-Cache-Status") == "HIT"
    # A page number written as the site writes it, but with no such page: a 404 nobody keeps.
    for number in range(2, 12):
        answer = proxy.request("GET", f"{page}?comments={number}")
        assert answer.status == 404 and "no-store" in answer.header("Cache-Control")
    time.sleep(0.5)
    grown = proxy.cache_entries() - before
    print("garbage page numbers: shared", stored_or_shared, "new entries", grown)
    assert stored_or_shared == 0 and grown == 0


def test_an_https_port_other_than_443_is_kept_for_sign_in_and_redirects(stack):
    proxy, env = stack
    host = f"{SITE_HOST}:{proxy.https_port}"
    origin = f"https://{host}"
    slash = proxy.request("GET", "/en", host=host)
    assert slash.status in (301, 308) and slash.header("Location") == f"{origin}/en/"

    flask_cli(env, "moderators", "add", "port@example.org", "--password-stdin", stdin="another long passphrase\n")
    login_page = proxy.request("GET", "/en/moderation/login", host=host)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page.text).group(1)
    fields = {"csrf_token": token, "email": "port@example.org", "password": "another long passphrase"}
    headers = {
        **FROM_THE_PAGE,
        "Origin": origin,
        "Cookie": cookie_of(login_page),
        "Referer": f"{origin}/en/moderation/login",
    }
    signed_in = proxy.request(
        "POST", "/en/moderation/login", headers=headers, body=urlencode(fields).encode(), host=host
    )
    assert signed_in.status == 303, signed_in.text[:500]


# --- an outage of the site outlasting the old 10-minute `inactive` ---------------------------------


def test_the_cache_keeps_pages_for_days_after_their_last_read():
    shipped = SHIPPED.read_text()
    value, unit = re.search(r"\binactive=(\d+)([smhdwMy]?)\b", shipped).groups()
    seconds = int(value) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}[unit]
    assert seconds >= 3 * 86400, "an outage over a weekend would empty the cache"
    assert re.search(r"proxy_cache_use_stale [^;]*\berror\b[^;]*\bhttp_502\b", shipped)
    assert re.search(r"proxy_cache_use_stale [^;]*\bhttp_500\b", shipped)


def test_readers_get_every_page_they_read_before_the_site_went_down(tmp_path):
    from tests.conftest import throwaway_database

    pages = [_article(locale) for locale in ("en", "es", "ar")] + ["/fr/", "/en/about"]
    encodings = ["gzip, deflate, br", "gzip, deflate, br, zstd", "gzip", ""]
    with throwaway_database(tmp_path, "outage") as url:
        env = site_environment(url, SITE_URL=ORIGIN, PROXY_FIX_HOPS="1", TRUSTED_HOSTS=f"{SITE_HOST},127.0.0.1")
        with gunicorn_site(env, workers=1, shipped_config=True) as site:
            port = int(site.url.rsplit(":", 1)[1])
            with nginx_in_front_of(port, tmp_path / "proxy") as proxy:
                for page in pages:
                    for accept in encodings:
                        until_cached(proxy, page, **{"Accept-Encoding": accept})
                site.process.terminate()
                site.process.wait(timeout=30)
                time.sleep(SHARED_LIFETIME + 1)  # past s-maxage and stale-while-revalidate
                lost = 0
                for page in pages:
                    for accept in encodings:
                        answer = proxy.request("GET", page, headers={"Accept-Encoding": accept})
                        lost += answer.status != 200 or answer.header("X-Cache-Status") != "STALE"
                print("pages not served during the outage:", lost)
                assert lost == 0


def test_made_up_addresses_never_fill_the_cache(stack):
    proxy, _env = stack
    until_cached(proxy, _article("en"))
    before = proxy.cache_entries()
    rng = random.Random(404)
    paths = [f"/{rng.choice(['en', 'es', 'ar'])}/articles/made-up-{rng.randrange(10**9)}" for _ in range(30)]
    paths += [f"/fr/nothing-{number}" for number in range(30)]
    for path in paths:
        answer = proxy.request("GET", path)
        assert answer.status == 404 and answer.header("X-Cache-Status") != "HIT", path
    time.sleep(0.5)
    grown = proxy.cache_entries() - before
    print("made-up addresses: new entries", grown)
    assert grown == 0
    assert proxy.request("GET", _article("en")).status == 200
