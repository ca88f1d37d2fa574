"""The cross-origin rule, as a browser meets it: which requests another website can make a
reader's browser send, which are refused, and which views answer the refusal themselves."""

from __future__ import annotations

import functools

import pytest
from flask import Flask

from app import cross_origin

SITE_URL = "https://guide.example/"
UNSAFE = ["POST", "PUT", "PATCH", "DELETE"]
SAFE = ["GET", "HEAD", "OPTIONS"]


def keeps_words(view):
    # A decorator that records what it wraps (`__wrapped__`) without copying its attributes.
    @functools.wraps(view, updated=())
    def wrapper(*args, **kwargs):
        return view(*args, **kwargs)

    return wrapper


@pytest.fixture
def client():
    app = Flask(__name__)
    app.config.update(SITE_URL=SITE_URL, TESTING=True)
    cross_origin.init_app(app)
    methods = UNSAFE + SAFE

    @app.route("/plain", methods=methods)
    def plain():
        return "done"

    @app.route("/form", methods=methods)
    @cross_origin.checked_in_view
    def form():
        return ("refused, your text kept", 403) if cross_origin.refused() else "stored"

    @app.route("/wrapped", methods=methods)
    @keeps_words
    @cross_origin.checked_in_view
    def wrapped():
        return ("refused, your text kept", 403) if cross_origin.refused() else "stored"

    return app.test_client()


@pytest.mark.parametrize("method", UNSAFE)
@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},  # a sibling sub-domain is another website
        {"Origin": "https://evil.example"},
        {"Origin": "https://guide.example:8443"},  # another port of the same host
        {"Origin": "http://guide.example"},  # the same host over plain HTTP
        {"Origin": "https://guide.example.evil.example"},
        {"Origin": "null"},
        {"Origin": "https://guide.example:99999"},  # not a URL at all
    ],
)
def test_every_unsafe_method_from_another_website_is_refused(client, method, headers):
    assert client.open("/plain", method=method, headers=headers).status_code == 403


@pytest.mark.parametrize("method", UNSAFE)
@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "same-origin"},
        {"Sec-Fetch-Site": " Same-Origin "},
        {"Sec-Fetch-Site": "none"},  # typed in or bookmarked
        {"Sec-Fetch-Site": "same-origin", "Origin": "https://evil.example"},  # Sec-Fetch-Site decides
        {"Origin": "https://guide.example"},
        {"Origin": " HTTPS://GUIDE.EXAMPLE:443 "},
        {},  # neither header: not a browser, no one's trust to borrow
    ],
)
def test_unsafe_methods_from_the_site_itself_or_no_browser_pass(client, method, headers):
    response = client.open("/plain", method=method, headers=headers)
    assert (response.status_code, response.get_data(as_text=True)) == (200, "done")


@pytest.mark.parametrize("method", SAFE)
def test_reading_is_never_refused(client, method):
    response = client.open("/plain", method=method, headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 200


def test_a_trace_from_another_website_is_not_treated_as_a_change():
    app = Flask(__name__)
    app.config["SITE_URL"] = SITE_URL
    with app.test_request_context("/", method="TRACE", headers={"Origin": "https://evil.example"}):
        assert not cross_origin.refused()


@pytest.mark.parametrize("path", ["/form", "/wrapped"])
def test_a_view_that_keeps_the_words_answers_the_refusal_itself(client, path):
    refused = client.post(path, headers={"Origin": "https://guide.example:8443"})
    assert (refused.status_code, refused.get_data(as_text=True)) == (403, "refused, your text kept")
    accepted = client.post(path, headers={"Origin": "https://guide.example"})
    assert (accepted.status_code, accepted.get_data(as_text=True)) == (200, "stored")


def test_a_post_to_no_page_from_another_website_is_refused(client):
    assert client.post("/nowhere", headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert client.post("/nowhere", headers={"Sec-Fetch-Site": "same-origin"}).status_code == 404


@pytest.mark.parametrize(
    ("site_url", "origin"),
    [
        ("https://guide.example:8443/path?q=1", "https://guide.example:8443"),
        ("https://Guide.Example:443/", "https://guide.example"),
        ("http://guide.example:80", "http://guide.example"),
        ("http://guide.example:443", "http://guide.example:443"),  # 443 is the default for https only
        ("https://guide.example:80", "https://guide.example:80"),
        ("http://[::1]:8080/", "http://[::1]:8080"),
        ("http://[::1]/", "http://[::1]"),
    ],
)
def test_the_sites_origin_is_scheme_host_and_any_non_default_port(site_url, origin):
    assert cross_origin.site_origin(site_url) == origin
