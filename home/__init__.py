"""The demo site's home page."""
