"""The load test's baseline: a bare Wagtail page type (see ``models.py``)."""
