"""Who is responsible for an item: land tenure zones, routing rules and target delays."""
