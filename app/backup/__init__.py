"""Backups of the database and the photos, with a manifest, and a restore that checks them."""
