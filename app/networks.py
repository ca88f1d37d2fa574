"""Client networks: what rate limits and stored traces key on instead of a single address."""

from __future__ import annotations

import ipaddress


def client_network(address: str | None) -> str | None:
    """The /24 (IPv4) or /48 (IPv6) an address belongs to, e.g. "203.0.113.0/24"; None if no address.

    One household, office or mobile carrier usually shares such a prefix, and an IPv6 client can
    pick any address inside one, so limits and stored traces use the prefix, not the address."""
    try:
        parsed = ipaddress.ip_address(address or "")
    except ValueError:
        return None
    prefix = 24 if parsed.version == 4 else 48
    return str(ipaddress.ip_network(f"{parsed}/{prefix}", strict=False))
