"""Mail addresses: the one normal form an address is stored and mailed in, the check right
before one is used as a recipient, and the masked form a log shows."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email


def normalise_email(raw: str) -> str:
    """The address as stored and mailed: syntax-checked, normalised, lower-cased.

    Raises EmailNotValidError for anything email-validator refuses, which includes CR, LF and
    every other character that could smuggle a header or a second recipient into a mail.
    """
    result = validate_email(raw, check_deliverability=False)
    return result.normalized.lower()


class UnsafeAddress(ValueError):
    """An address that must never reach SMTP (fails validation, or carries CR/LF)."""


def mask_address(address: str) -> str:
    """`jane.doe@example.org` -> `j***@e***.org`: enough to tell mails apart in a log, no more."""
    local, _, domain = address.rpartition("@")
    if not local:
        return "***"
    host, dot, tld = domain.rpartition(".")
    masked_domain = f"{host[:1]}***{dot}{tld}" if host else f"{domain[:1]}***"
    return f"{local[:1]}***@{masked_domain}"


def safe_recipient(address: str) -> str:
    """Re-check an address right before it is used as a recipient."""
    if any(char in address for char in "\r\n\0"):
        raise UnsafeAddress("control characters in address")
    try:
        normalised = normalise_email(address)
    except EmailNotValidError as error:
        raise UnsafeAddress(str(error)) from error
    if normalised != address:
        raise UnsafeAddress("address is not in normalised form")
    return address
