"""Catalogue tooling behind `flask translate`: files, extraction and merging, checks, statistics."""
