"""The meaning checks, as a translator and a reader meet them: a changed dose, link, address or
medical term in a translation is always reported, with the line and the exact message."""
