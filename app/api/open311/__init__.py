"""Open311 GeoReport v2: civic apps and the bodies' ticketing tools read public items and
create new ones, which enter moderation and routing like any other."""
