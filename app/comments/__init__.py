"""Moderated comments under articles."""
