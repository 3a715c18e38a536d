"""The capture door: the Signaler page and its form, for every kind of item."""
