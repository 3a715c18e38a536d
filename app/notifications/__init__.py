"""E-mail notifications through a transactional outbox, delivered by `flask outbox send`."""
