"""The GUSP technical committee: follow-up across organisations and committee meetings."""
