"""Keys of outside clients (civic apps, the bodies' ticketing tools) for the Open311 API."""
