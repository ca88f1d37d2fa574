"""Public pages are publications: the same bytes for every reader, no cookie, standard HTTP
caching; anything of one reader's is private and never stored by any cache."""

from __future__ import annotations

import gzip
import re

import brotli
import pytest
from flask import template_rendered

from app.comments.models import CommentStatus
from tests.comments_support import all_comments, article_url, post_comment, sent_url, set_status
from tests.conftest import ARTICLE_SLUG, LOCALE_CODES, csrf_token_from
from tests.test_faults import database_down

PUBLIC_PATHS = [
    *(f"/{code}/" for code in LOCALE_CODES),
    *(article_url(code) for code in LOCALE_CODES),
    *(f"/{code}/subscribe" for code in LOCALE_CODES),
    *(f"/{code}/about" for code in LOCALE_CODES),
    "/sitemap.xml",
    "/robots.txt",
]
PUBLIC_CACHE_CONTROL = re.compile(
    r"^public, max-age=0, s-maxage=\d+, stale-while-revalidate=\d+, stale-if-error=(\d+)$"
)


def a_reader_with_cookies(app, moderator_email: str | None = None):
    """A browser that carries cookies: it posted a comment (session cookie) and has an old
    remembered-language cookie. None of it may change what a public page says."""
    client = app.test_client()
    client.set_cookie("locale", "ar")
    assert post_comment(client, "fr", "Ana", "My own words, not for others").status_code == 303
    assert client.get_cookie("session") is not None
    return client


def assert_public(response, path: str) -> None:
    assert response.status_code == 200, path
    assert "Set-Cookie" not in response.headers, path
    lifetime = PUBLIC_CACHE_CONTROL.match(response.headers["Cache-Control"])
    assert lifetime, path
    # A CDN may serve its copy through an outage for days, not minutes (stale-if-error).
    assert int(lifetime.group(1)) >= 24 * 3600, path
    assert set(response.vary) == {"Accept-Encoding"}, path
    assert re.fullmatch(r'"[0-9a-f]{32}(-br|-gzip)?"', response.headers["ETag"]), path  # strong


def test_the_favicon_is_public_and_the_same_for_every_reader(app, client):
    anonymous = client.get("/favicon.ico")
    assert_public(anonymous, "/favicon.ico")
    assert a_reader_with_cookies(app).get("/favicon.ico").data == anonymous.data


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_a_public_page_is_the_same_for_every_reader_and_sets_no_cookie(app, path):
    newcomer, regular = app.test_client(), a_reader_with_cookies(app)
    for encoding in ("", "gzip", "br"):
        first = newcomer.get(path, headers={"Accept-Encoding": encoding})
        second = regular.get(path, headers={"Accept-Encoding": encoding})
        assert_public(first, path)
        assert_public(second, path)
        assert first.data == second.data and first.headers["ETag"] == second.headers["ETag"]
    assert "My own words" not in newcomer.get(path).get_data(as_text=True)


def test_no_public_page_holds_a_token_or_anything_of_one_reader(app):
    reader = a_reader_with_cookies(app)
    for path in PUBLIC_PATHS:
        html = reader.get(path).get_data(as_text=True)
        hidden = re.findall(r'<input[^>]*type="hidden"[^>]*>', html)
        assert "csrf_token" not in html, path
        assert all('name="source"' in field for field in hidden), (path, hidden)  # the form's page, the same for all
        assert 'role="status"' not in html, path


@pytest.mark.parametrize("locale", LOCALE_CODES)
def test_reading_every_page_kind_leaves_no_cookie(client, locale):
    for path in (f"/{locale}/", article_url(locale), f"/{locale}/subscribe", f"/{locale}/no-such-page", "/"):
        response = client.get(path, headers={"Accept-Language": locale})
        assert "Set-Cookie" not in response.headers, path
    assert client.get_cookie("session") is None and client.get_cookie("locale") is None


@pytest.mark.parametrize(
    ("accept", "expected"),
    [("gzip, deflate, br", "br"), ("br;q=0.5, gzip", "gzip"), ("gzip", "gzip"), ("identity", None), ("", None)],
)
def test_the_encoding_follows_the_request_and_each_has_its_own_validator(read_only_client, accept, expected):
    response = read_only_client.get(article_url("en"), headers={"Accept-Encoding": accept})
    assert response.headers.get("Content-Encoding") == expected
    body = response.data
    html = {"br": brotli.decompress, "gzip": gzip.decompress, None: bytes}[expected](body)
    assert b"<h1" in html and int(response.headers["Content-Length"]) == len(body)
    suffix = f"-{expected}" if expected else ""
    assert response.headers["ETag"].endswith(f'{suffix}"')


def test_a_current_copy_is_answered_304_and_a_stale_one_gets_the_page(read_only_client):
    first = read_only_client.get(article_url("en"), headers={"Accept-Encoding": "gzip"})
    etag = first.headers["ETag"]
    again = read_only_client.get(article_url("en"), headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag and PUBLIC_CACHE_CONTROL.match(again.headers["Cache-Control"])
    stale = read_only_client.get(article_url("en"), headers={"If-None-Match": '"not-the-current-version"'})
    assert stale.status_code == 200 and b"<h1" in stale.data


def test_etags_differ_between_languages_and_change_with_an_approval(app, client):
    etags = {client.get(article_url(code)).headers["ETag"] for code in LOCALE_CODES}
    assert len(etags) == len(LOCALE_CODES)
    before = client.get(article_url("en")).headers["ETag"]
    post_comment(app.test_client(), "en", "Sam", "Approved and shown")
    set_status(app, [all_comments(app)[0].id], CommentStatus.APPROVED)
    after = client.get(article_url("en"))
    assert after.headers["ETag"] != before and "Approved and shown" in after.get_data(as_text=True)


@pytest.mark.parametrize("layer", [True, False], ids=["layer", "flask"])
def test_the_layer_and_flask_answer_with_the_same_bytes_and_headers(database_url, tmp_path, layer):
    from tests.conftest import make_test_app

    app = make_test_app(database_url, tmp_path, PUBLIC_PAGE_LAYER=layer)
    client = app.test_client()
    for path in PUBLIC_PATHS:
        for accept in ("br", "gzip", ""):
            rendered = client.get(path, headers={"Accept-Encoding": accept})  # Flask renders and stores
            stored = client.get(path, headers={"Accept-Encoding": accept})  # answered from the store
            assert rendered.data == stored.data, path
            assert sorted(rendered.headers.items()) == sorted(stored.headers.items()), path


def test_each_page_version_is_rendered_once(app, client):
    renders = []

    def count(sender, template, context, **extra):
        renders.append(template.name)

    template_rendered.connect(count, app)
    for _ in range(3):
        client.get(article_url("es"))
        client.get(article_url("es"), headers={"Accept-Encoding": "br"})
    assert renders.count("articles/article.html") == 1
    post_comment(app.test_client(), "es", "Sam", "A new comment")
    set_status(app, [all_comments(app)[0].id], CommentStatus.APPROVED)
    client.get(article_url("es"))
    client.get(article_url("es"))
    assert renders.count("articles/article.html") == 2


def test_query_strings_cannot_grow_the_store_or_change_the_page(app, client):
    store = app.extensions["public_page_store"]
    canonical = client.get(article_url("en"))
    size = len(store)
    for junk in ("?utm_source=x", "?comments=1&x=1", "?a=b&c=d"):
        response = client.get(article_url("en") + junk)
        assert response.data == canonical.data, junk
    # A page number spelled otherwise than the site writes it: one private redirect to the
    # page's own address, so no cache holds a copy per spelling.
    for junk, target in [
        ("?comments=01", "?comments=1"),
        ("?comments=0002", "?comments=2"),
        ("?comments=abc", ""),
        ("?comments=0", ""),
        ("?comments=", ""),
        ("?comments=1e3", ""),
        ("?comments=1000000000000", ""),
        ("?comments=" + "9" * 5000, ""),
        ("?comments=\u0663", ""),
    ]:
        for _twice in range(2):  # the second time too: never answered from the store
            response = client.get(article_url("en") + junk)
            assert response.status_code == 301, junk
            assert response.headers["Location"] == article_url("en") + target, junk
            assert response.headers["Cache-Control"] == "private, no-store", junk
    for page in range(2, 40):  # no such page: a 404 no cache keeps
        missing = client.get(f"{article_url('en')}?comments={page}")
        assert missing.status_code == 404 and missing.headers["Cache-Control"] == "private, no-store"
    assert client.get(f"{article_url('en')}?comments=999999").status_code == 404
    assert len(store) == size


@pytest.mark.parametrize(
    "path",
    [
        f"/en/./articles/{ARTICLE_SLUG}",
        f"/en/x/../articles/{ARTICLE_SLUG}",
        f"/en/%2e/articles/{ARTICLE_SLUG}",
        f"/en/%2E%2e/en/articles/{ARTICLE_SLUG}",
        f"/en//articles/{ARTICLE_SLUG}",
        f"/en/articles%2f%2f{ARTICLE_SLUG}",
        "/en/.",
        "/en/..",
        "/en//",
        "/static/css/x/../site.css",
    ],
)
def test_a_path_a_cache_would_normalise_is_refused_and_never_shared(read_only_client, path):
    """nginx keys `/en/./articles/x` as `/en/articles/x`: if the site answered that spelling (a
    public 404), the answer would be stored as the article. It answers 400, private."""
    response = read_only_client.get(path)
    assert response.status_code == 400, path
    assert response.headers["Cache-Control"] == "private, no-store"
    assert read_only_client.get(article_url("en")).status_code == 200


def test_the_page_layers_memo_is_not_grown_by_host_ports(app, client):
    from app.caching.layer import PublicPageLayer

    layer = app.wsgi_app
    while not isinstance(layer, PublicPageLayer):
        layer = layer.wsgi_app
    for _twice in range(2):
        client.get(article_url("en"))
    size = len(layer._matched)
    assert size >= 1
    for port in range(1, 200):
        assert client.get(article_url("en"), headers={"Host": f"localhost:{port}"}).status_code == 200
    assert len(layer._matched) == size


def test_private_answers_are_never_stored(app, client, runner):
    posted = post_comment(client, "en", "Ana", "Mine")
    assert posted.headers["Cache-Control"] == "private, no-store"
    assert client.get(sent_url("en")).headers["Cache-Control"] == "private, no-store"
    invalid = post_comment(client, "en", "", "")
    assert invalid.status_code == 422 and invalid.headers["Cache-Control"] == "private, no-store"
    assert "Set-Cookie" not in invalid.headers  # an error answer needs no cookie either
    runner.invoke(args=["moderators", "add", "mod@example.org", "--password-stdin"], input="a long passphrase\n")
    moderator = app.test_client()
    login = moderator.get("/en/moderation/login")
    assert login.headers["Cache-Control"] == "private, no-store"
    token = csrf_token_from(login.get_data(as_text=True))
    data = {"csrf_token": token, "email": "mod@example.org", "password": "a long passphrase"}
    assert moderator.post("/en/moderation/login", data=data).status_code == 303
    queue = moderator.get("/en/moderation/")
    assert queue.headers["Cache-Control"] == "private, no-store" and "Mine" in queue.get_data(as_text=True)
    # A signed-in moderator reading the article gets the public page, and no cookie with it.
    article = moderator.get(article_url("en"))
    assert_public(article, "article read by a moderator")
    assert article.data == app.test_client().get(article_url("en")).data


def test_a_page_missing_its_comments_is_served_but_never_shared(app, client):
    with database_down(app):
        response = client.get(article_url("en"))
    assert response.status_code == 200 and 'id="comments-unavailable"' in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "private, no-store"
    recovered = client.get(article_url("en"))
    assert_public(recovered, "after the outage")
    assert 'id="comments-unavailable"' not in recovered.get_data(as_text=True)


def test_not_found_pages_are_public_in_the_language_of_their_path(read_only_client):
    response = read_only_client.get("/es/no-such-page")
    assert response.status_code == 404 and '<html lang="es"' in response.get_data(as_text=True)
    assert PUBLIC_CACHE_CONTROL.match(response.headers["Cache-Control"])
    assert "Set-Cookie" not in response.headers and set(response.vary) == {"Accept-Encoding"}
    # Without a language in the path, the page is negotiated: caches must key on the header.
    negotiated = read_only_client.get("/xx/no-such-page", headers={"Accept-Language": "fr"})
    assert '<html lang="fr"' in negotiated.get_data(as_text=True)
    assert set(negotiated.vary) == {"Accept-Encoding", "Accept-Language"}


def test_head_and_range_requests(client):
    head = client.head(article_url("en"), headers={"Accept-Encoding": "gzip"})
    get = client.get(article_url("en"), headers={"Accept-Encoding": "gzip"})
    assert head.status_code == 200 and head.data == b""
    assert head.headers["ETag"] == get.headers["ETag"] and head.headers["Content-Length"] == str(len(get.data))
    assert client.head(f"/en/articles/{ARTICLE_SLUG}/nope").status_code == 404
    ranged = client.get(article_url("en"), headers={"Range": "bytes=0-9"})
    assert ranged.status_code in (200, 206)


@pytest.mark.parametrize("path", ["/en", "/en/", article_url("en"), "/"])
def test_an_unknown_host_is_refused_never_reflected(read_only_client, path):
    response = read_only_client.get(path, headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert "evil.example" not in response.headers.get("Location", "")
    assert "evil.example" not in response.get_data(as_text=True)


def test_the_slash_redirect_uses_a_trusted_host(read_only_client):
    response = read_only_client.get("/en", headers={"Host": "localhost"})
    assert response.status_code == 308 and response.headers["Location"] in ("/en/", "http://localhost/en/")


@pytest.mark.parametrize("path", ["/en/subscribe", "/ar/subscribe", "/en/about", article_url("fr")])
def test_head_of_a_page_with_a_form_is_its_get_without_a_body(client, path):
    head, get = client.head(path), client.get(path)
    assert head.status_code == get.status_code == 200  # once a 422: HEAD was taken for a post
    assert head.data == b"" and head.headers["ETag"] == get.headers["ETag"]
