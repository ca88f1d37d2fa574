"""Reading the sitemap as a crawler does: the index at /sitemap.xml, then every part it names."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

from flask.testing import FlaskClient

NAMESPACES = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def sitemap_parts(client: FlaskClient) -> list[bytes]:
    """Every sitemap the index names, as served (each a 200 XML response)."""
    index = client.get("/sitemap.xml")
    assert index.status_code == 200 and index.mimetype == "application/xml"
    root = ET.fromstring(index.data)
    assert root.tag == f"{{{NAMESPACES['s']}}}sitemapindex"
    parts = []
    for loc in root.findall("s:sitemap/s:loc", NAMESPACES):
        response = client.get(urlsplit(loc.text or "").path)
        assert response.status_code == 200 and response.mimetype == "application/xml", loc.text
        parts.append(response.data)
    return parts


def sitemap_text(client: FlaskClient) -> str:
    """All the parts' XML, one after another (for looking for a URL or an entry)."""
    return "\n".join(part.decode("utf-8") for part in sitemap_parts(client))
