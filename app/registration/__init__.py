"""Residents open their own account (confirmed by e-mail) and reset a forgotten password."""
