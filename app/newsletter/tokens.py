"""Signed links for confirming and leaving: salted per purpose, carrying no address in clear."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer

from app.newsletter.models import Subscriber

CONFIRM_SALT = "newsletter-confirm"
UNSUBSCRIBE_SALT = "newsletter-unsubscribe"
CONFIRM_MAX_AGE = 7 * 24 * 3600  # seconds


@dataclass(frozen=True)
class TokenResult:
    """What a link's token says: whose it is, and whether it is still usable."""

    subscriber_id: int | None
    address_digest: str | None
    expired: bool = False

    @property
    def valid(self) -> bool:
        return self.subscriber_id is not None and not self.expired

    def matches(self, subscriber: Subscriber | None) -> bool:
        """The token was made for this record (ids can be reused after a deletion)."""
        return (
            subscriber is not None
            and self.address_digest is not None
            and hmac.compare_digest(self.address_digest, address_digest(subscriber.email))
        )


INVALID = TokenResult(None, None)


def address_digest(email: str) -> str:
    # A short keyed digest binds the token to the address without putting it in URLs or logs.
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, email.encode(), hashlib.sha256).hexdigest()[:16]


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _dump(subscriber: Subscriber, salt: str) -> str:
    return _serializer(salt).dumps([subscriber.id, address_digest(subscriber.email)])


def _parse(payload: object) -> TokenResult:
    if isinstance(payload, list) and len(payload) == 2 and isinstance(payload[0], int) and isinstance(payload[1], str):
        return TokenResult(payload[0], payload[1])
    return INVALID


def confirm_token(subscriber: Subscriber) -> str:
    return _dump(subscriber, CONFIRM_SALT)


def unsubscribe_token(subscriber: Subscriber) -> str:
    return _dump(subscriber, UNSUBSCRIBE_SALT)


def read_confirm_token(token: str) -> TokenResult:
    """A genuine but expired token still names its subscriber, so the page can offer a new mail."""
    serializer = _serializer(CONFIRM_SALT)
    try:
        return _parse(serializer.loads(token, max_age=CONFIRM_MAX_AGE))
    except SignatureExpired as error:
        # Only a genuine signature expires, so the payload is one this site signed.
        parsed = _parse(serializer.load_payload(error.payload))
        return TokenResult(parsed.subscriber_id, parsed.address_digest, expired=True)
    except BadData:  # a bad signature, or (signed by the site) a payload it cannot decode
        return INVALID


def read_unsubscribe_token(token: str) -> TokenResult:
    """Unsubscribe links never expire: leaving must always work."""
    try:
        return _parse(_serializer(UNSUBSCRIBE_SALT).loads(token))
    except BadData:
        return INVALID
