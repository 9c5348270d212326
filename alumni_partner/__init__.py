"""A partner space for alumni networks, as a Wagtail plugin."""
