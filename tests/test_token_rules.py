"""Confirm and leave links, as their holder meets them: each works only for the address it was
made for and for the purpose it was made for, a confirm link for exactly the 7 days the mail
promises, a leave link for ever, and links already mailed keep working after an upgrade."""

from __future__ import annotations

import itsdangerous
import pytest
from flask import Flask
from itsdangerous import URLSafeTimedSerializer

from app.newsletter import tokens
from app.newsletter.models import Subscriber

SECRET = "test-secret-key"
WEEK = 7 * 24 * 3600
MINTED_AT = 1_800_000_000  # 2027-01-15, a fixed clock for the links below
# Links as mailed by this release, for Subscriber(id=42, email="parent@example.org") under SECRET:
# a later release must still read them (changing the salts, the digest or the payload breaks
# every link already in someone's inbox).
MAILED_CONFIRM = "WzQyLCJhZTUxNGEwNGIzMzFmYzI0Il0.a0nSAA.J64nrOpX_xAYY4yvVPavqh3p6lg"
MAILED_UNSUBSCRIBE = "WzQyLCJhZTUxNGEwNGIzMzFmYzI0Il0.a0nSAA.Fr7A4N-UuLeSyiuHudVQjlNs2ww"


@pytest.fixture(autouse=True)
def app_context():
    app = Flask(__name__)
    app.config["SECRET_KEY"] = SECRET
    with app.app_context():
        yield app


@pytest.fixture
def clock(monkeypatch):
    now = [MINTED_AT]
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: now[0])
    return now


def parent(id_: int = 42, email: str = "parent@example.org") -> Subscriber:
    return Subscriber(id=id_, email=email)


def test_a_confirm_link_works_until_7_days_and_not_a_second_longer(clock):
    token = tokens.confirm_token(parent())
    clock[0] = MINTED_AT + WEEK - 1
    assert tokens.read_confirm_token(token).valid
    clock[0] = MINTED_AT + WEEK
    assert tokens.read_confirm_token(token).valid
    clock[0] = MINTED_AT + WEEK + 1
    late = tokens.read_confirm_token(token)
    assert late.expired and not late.valid


def test_an_expired_confirm_link_still_says_whose_it_is_so_a_new_mail_can_be_offered(clock):
    token = tokens.confirm_token(parent())
    clock[0] = MINTED_AT + 30 * 24 * 3600
    late = tokens.read_confirm_token(token)
    assert (late.subscriber_id, late.expired, late.valid) == (42, True, False)
    assert late.matches(parent()) and not late.matches(parent(email="someone.else@example.org"))


def test_a_leave_link_works_for_ever(clock):
    token = tokens.unsubscribe_token(parent())
    clock[0] = MINTED_AT + 10 * 365 * 24 * 3600
    read = tokens.read_unsubscribe_token(token)
    assert read.valid and not read.expired and read.matches(parent())


def test_a_link_works_only_for_the_address_it_was_made_for(clock):
    for read, token in (
        (tokens.read_confirm_token, tokens.confirm_token(parent())),
        (tokens.read_unsubscribe_token, tokens.unsubscribe_token(parent())),
    ):
        result = read(token)
        assert result.valid and result.subscriber_id == 42
        assert result.matches(parent())
        # The id was reused after a deletion: the new record is someone else.
        assert not result.matches(parent(email="new.owner@example.org"))
        assert not result.matches(None)


def test_a_link_works_only_for_its_purpose(clock):
    confirm, leave = tokens.confirm_token(parent()), tokens.unsubscribe_token(parent())
    assert not tokens.read_unsubscribe_token(confirm).valid
    assert not tokens.read_confirm_token(leave).valid
    assert not tokens.read_confirm_token(leave).expired


def test_a_link_signed_with_another_secret_is_no_link(clock, app_context):
    token = tokens.confirm_token(parent())
    app_context.config["SECRET_KEY"] = "another-secret"
    for result in (tokens.read_confirm_token(token), tokens.read_unsubscribe_token(token)):
        assert (result.subscriber_id, result.valid, result.expired) == (None, False, False)
    clock[0] = MINTED_AT + 2 * WEEK  # an old forgery is no more use than a new one
    assert tokens.read_confirm_token(token).subscriber_id is None


def test_links_carry_no_address_in_clear(clock):
    token = tokens.confirm_token(parent(email="visible.name@example.org"))
    payload = itsdangerous.URLSafeSerializer("x").load_payload(token.split(".")[0].encode())
    assert "visible" not in str(payload) and "example.org" not in str(payload)


def test_links_already_mailed_keep_working(clock):
    clock[0] = MINTED_AT + 24 * 3600
    for result in (tokens.read_confirm_token(MAILED_CONFIRM), tokens.read_unsubscribe_token(MAILED_UNSUBSCRIBE)):
        assert result.valid and result.subscriber_id == 42
        assert result.matches(parent())
    # and mailing the same subscriber at the same moment gives the same link
    clock[0] = MINTED_AT
    assert tokens.confirm_token(parent()) == MAILED_CONFIRM
    assert tokens.unsubscribe_token(parent()) == MAILED_UNSUBSCRIBE


@pytest.mark.parametrize(
    "payload",
    [
        42,
        [42],
        [42, "ae514a04b331fc24", "extra"],
        ["42", "ae514a04b331fc24"],
        [42, 4],
        {"id": 42, "digest": "ae514a04b331fc24"},
        None,
    ],
)
def test_a_signed_link_of_another_shape_is_no_link(clock, payload):
    # Signed by the site (an older release, say) but not the [id, digest] this one reads.
    for salt, read in (
        (tokens.CONFIRM_SALT, tokens.read_confirm_token),
        (tokens.UNSUBSCRIBE_SALT, tokens.read_unsubscribe_token),
    ):
        token = URLSafeTimedSerializer(SECRET, salt=salt).dumps(payload)
        assert (read(token).subscriber_id, read(token).valid) == (None, False)
        clock[0] = MINTED_AT + 2 * WEEK
        late = read(token)
        assert (late.subscriber_id, late.valid) == (None, False)
        clock[0] = MINTED_AT


@pytest.mark.parametrize("token", ["", "not-a-token", "a.b.c", MAILED_CONFIRM[:-4], MAILED_CONFIRM + "x"])
def test_garbage_is_no_link(clock, token):
    for read in (tokens.read_confirm_token, tokens.read_unsubscribe_token):
        assert (read(token).subscriber_id, read(token).valid, read(token).expired) == (None, False, False)
