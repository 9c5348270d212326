"""The load test's baseline app."""

from django.apps import AppConfig


class BaselineConfig(AppConfig):
    name = "tests.benchmarks.load.baseline"
    label = "load_baseline"
    default_auto_field = "django.db.models.BigAutoField"
