"""The Host guard, as a client sees it: a plain, uncacheable 400 for any name the site does not
own, whatever was remembered from earlier requests, and a bounded memory of the good names."""

from __future__ import annotations

from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Response

from app.trusted_hosts import TrustedHostsOnly

TRUSTED = ["guide.example", ".health.example"]


def site(environ, start_response):
    return Response("the site\n")(environ, start_response)


def guarded() -> TrustedHostsOnly:
    return TrustedHostsOnly(site, TRUSTED)


def get(guard: TrustedHostsOnly, host: str | None, server_name: str = "guide.example"):
    environ = EnvironBuilder("/", environ_overrides={"SERVER_NAME": server_name, "SERVER_PORT": "80"}).get_environ()
    del environ["HTTP_HOST"]
    if host is not None:  # None: an HTTP/1.0 request, without a Host header
        environ["HTTP_HOST"] = host
    return Response.from_app(guard, environ, buffered=True)


def test_the_sites_own_names_reach_the_site():
    guard = guarded()
    for host in ("guide.example", "guide.example:8080", "www.health.example", "health.example"):
        response = get(guard, host)
        assert (response.status_code, response.get_data(as_text=True)) == (200, "the site\n"), host


def test_any_other_name_gets_a_plain_uncacheable_400_that_does_not_echo_it():
    guard = guarded()
    for host in ("attacker.example", "guide.example.attacker.example", "evilhealth.example", "[::1]"):
        response = get(guard, host)
        assert response.status_code == 400, host
        assert response.get_data(as_text=True) == "Unknown host.\n"
        assert response.mimetype == "text/plain"
        assert response.headers["Cache-Control"] == "private, no-store"


def test_a_good_name_seen_before_lets_no_bad_name_through():
    # Each pair of (Host header, server name) is judged on its own: remembering a good Host must
    # not let a bad one in through the same server name, nor the other way round.
    guard = guarded()
    assert get(guard, "guide.example").status_code == 200
    assert get(guard, "attacker.example").status_code == 400
    assert get(guard, "guide.example", server_name="attacker.example").status_code == 200
    assert get(guard, "attacker.example", server_name="attacker.example").status_code == 400


def test_without_a_host_header_the_server_name_is_judged():
    guard = guarded()
    assert get(guard, None, server_name="guide.example").status_code == 200
    assert get(guard, None, server_name="attacker.example").status_code == 400
    assert get(guard, None, server_name="guide.example").status_code == 200


def test_a_refused_name_is_refused_every_time():
    guard = guarded()
    assert [get(guard, "attacker.example").status_code for _ in range(3)] == [400, 400, 400]


def test_the_memory_of_good_names_is_bounded_at_64():
    # Any sub-domain of a trusted suffix is good, so the names a client can send are unbounded:
    # the guard remembers at most 64 of them (and still answers every one).
    guard = guarded()
    assert get(guard, "guide.example").status_code == 200
    assert len(guard._accepted) == 1  # remembered after one request
    for number in range(100):
        assert get(guard, f"host{number}.health.example").status_code == 200
    assert len(guard._accepted) == 64
