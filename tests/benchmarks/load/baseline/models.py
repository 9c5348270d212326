"""A bare Wagtail page: the baseline the load test compares the site's mix with.

The same page as the other benchmarks' (``harness.bare_page_model``): no field
and no context of its own, rendered with the site's ``base.html`` (header,
menu, language switcher), as bakerydemo's simplest page would be. It lives in
an app of its own, added by ``settings.py`` only, so that the production
settings stay as they are; the app has no migration, ``migrate --run-syncdb``
creates its table.
"""

from wagtail.models import Page


class BarePage(Page):
    """Nothing but Wagtail's own page fields."""

    template = "base.html"

    class Meta:
        verbose_name = "bare page (load test baseline)"
