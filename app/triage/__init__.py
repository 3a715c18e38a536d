"""Working the items: the coordinator's triage queue and each organisation's queue."""
