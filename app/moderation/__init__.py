"""Moderator accounts and the login-protected moderation queue."""
