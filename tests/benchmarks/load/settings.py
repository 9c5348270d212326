"""The production settings, plus the bare page of the load test's baseline.

Nothing else differs from ``alumni_site.settings.production``: every value
comes from the same environment (``run_load.py`` sets it).
"""

from alumni_site.settings.production import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "tests.benchmarks.load.baseline"]  # noqa: F405
