"""Languages: the locale registry and selection (locales), where the catalogues are (files), and
the PO file format (pofile). Request code and the translation tooling (app/i18n_tools) share these."""
