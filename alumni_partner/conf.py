"""The plugin's settings, with their defaults, in one place.

Every setting is read from Django settings as ``ALUMNI_PARTNER_<NAME>``::

    from alumni_partner.conf import partner_settings
    partner_settings.LOGO_MAX_BYTES
"""

from django.conf import settings

from . import uploads

#: The guide's toolbar (2.2) as far as Draftail offers it; undo/redo and paste
#: clean-up (plain text, Word) are built into Draftail. Settings import it for
#: the default rich text editor, so it lives here and not in blocks.py.
PRESENTATION_FEATURES = [
    "bold",
    "italic",
    "underline",
    "strikethrough",
    "link",
    "ul",
    "ol",
]

DEFAULTS = {
    # Guide 2.1: "la taille maximale des photos ne peut pas excéder 200ko".
    "LOGO_MAX_BYTES": uploads.LOGO_MAX_BYTES,
    # A pixel cap for logos and banners: a 5 KB file can declare billions of pixels.
    "MAX_IMAGE_PIXELS": uploads.MAX_IMAGE_PIXELS,
    "BROCHURE_MAX_BYTES": 10 * 1024 * 1024,
    # Name of the editorial staff group (Wagtail creates "Editors").
    "EDITORS_GROUP": "Editors",
    "MODERATION_WORKFLOW_NAME": "Partner moderation",
    # How often the django-q2 schedule runs Wagtail's publish_scheduled.
    "PUBLISH_SCHEDULED_MINUTES": 5,
    "PARTNERS_PER_PAGE": 12,
    # How long a partner page's body stays in the fragment cache. Publishing
    # shows at once; a replaced image or renamed sector within this delay.
    "PAGE_CACHE_SECONDS": 300,
    # How long a front cache and browsers may keep a public page served to a
    # visitor without a session (http_cache.py): its publication shows within
    # this delay at most, at once when the front cache is purged. 0: never.
    "PUBLIC_CACHE_SECONDS": 300,
    # Guide 3.2: a news "sera affichée pendant 2 mois"; publishing again extends it.
    "NEWS_LIFETIME_MONTHS": 2,
    "NEWS_PER_PAGE": 10,
    "NEWS_ADMIN_PER_PAGE": 20,
    # How many of a partner's latest news its public page shows.
    "PARTNER_PAGE_NEWS": 3,
    "HOME_FEATURED_NEWS": 4,
    # How long an offer stays on the job board after publication (days).
    "OFFER_LIFETIME_DAYS": 60,
    # The partner is reminded by e-mail this many days before an offer expires.
    "OFFER_REMINDER_DAYS": 5,
    "OFFERS_PER_PAGE": 20,
    "OFFERS_ADMIN_PER_PAGE": 20,
    # How many of a partner's live offers its public page lists.
    "PARTNER_PAGE_OFFERS": 5,
    # The statistics panel's chart covers this many days.
    "STATS_DAYS": 90,
    # A visitor's views of one news count once per this many seconds.
    "VIEW_DEDUP_SECONDS": 24 * 3600,
    # Alumni import (alumni_import.py): the largest CSV the admin accepts, and
    # how long its background task may run (200,000 lines take minutes).
    "IMPORT_MAX_BYTES": 50 * 1024 * 1024,
    "IMPORT_TIMEOUT_SECONDS": 3600,
    # Admin lists: imports, recipient lists and their members, the directory.
    "ALUMNI_ADMIN_PER_PAGE": 20,
    # The directory (guide 5) shows this many profiles per page. Not settable
    # from the query string: no request returns profiles in bulk.
    "DIRECTORY_PER_PAGE": 20,
    # Quick search: longer queries are cut (with a message), and only the
    # first words count; each word is one more LIKE on the trigram index.
    "DIRECTORY_QUERY_MAX_CHARS": 200,
    "DIRECTORY_QUERY_MAX_WORDS": 8,
    # Skills typed in the advanced search ("python, sql"): at most this many.
    "DIRECTORY_MAX_SKILLS": 10,
    # How many skills the facet column lists.
    "DIRECTORY_FACET_SKILLS": 15,
    # How long a search's facets (and the whole directory's) stay cached; any
    # profile saved or deleted renews the directory version, so this only
    # bounds how long unused entries take room in the cache.
    "DIRECTORY_FACET_CACHE_SECONDS": 3600,
    # Mailings (guide 6). The engine claims this many recipients at a time and
    # sends them over one SMTP connection; "stop" halts within one batch.
    "MAILING_BATCH_SIZE": 200,
    # How many sending tasks one mailing starts (one per qcluster worker).
    "MAILING_PARALLEL_TASKS": 2,
    # Messages per second across every worker (None: as fast as SMTP takes them).
    "MAILING_RATE_LIMIT": None,
    # An address is tried at most this many times; after a temporary failure
    # the next try waits 1, 2, 4... times MAILING_RETRY_SECONDS. Then: failed.
    "MAILING_MAX_ATTEMPTS": 5,
    "MAILING_RETRY_SECONDS": 60,
    # A claimed batch not heard of for this long belongs to a dead worker.
    "MAILING_STALE_CLAIM_SECONDS": 120,
    # How often the schedule starts due mailings and re-wakes stalled ones.
    "MAILING_TICK_MINUTES": 1,
    # Attachments: each at most this size, all together at most the total.
    "MAILING_ATTACHMENT_MAX_BYTES": 5 * 1024 * 1024,
    "MAILING_ATTACHMENTS_MAX_TOTAL_BYTES": 10 * 1024 * 1024,
    # Recipient files ("Destinataires en fichier") and typed addresses.
    "MAILING_RECIPIENT_FILE_MAX_BYTES": 10 * 1024 * 1024,
    "MAILING_PER_PAGE": 20,
    # Messages (guide 7): new conversations a mailbox may start per hour
    # (replies are not limited; None: no limit), conversations per page, and
    # the least time between two e-mail notices to one mailbox (a burst of
    # messages within it gives one e-mail).
    "MESSAGE_THREADS_PER_HOUR": 20,
    "MESSAGES_PER_PAGE": 20,
    "MESSAGE_NOTICE_MINUTES": 10,
    # How often the schedule sends the notices that interval held back.
    "MESSAGE_NOTICE_TICK_MINUTES": 1,
    # /health/worker/ fails when no worker has run the heartbeat schedule
    # (every minute) for this many seconds. A busy cluster runs it late: the
    # scheduler looks every 15 s and a mailing task holds a worker up to
    # 150 s before handing over, so a healthy cluster stays under 240 s.
    "WORKER_HEARTBEAT_MAX_AGE": 300,
    # Per account: ``action: (count, seconds)`` or a list of such windows; an
    # action set to None is unlimited. ALUMNI_PARTNER_RATE_LIMITS overrides
    # these action by action (see rate_limits.py). Enough for a person reading,
    # too little to copy the directory: 20 profiles a page, 600 pages a day.
    "RATE_LIMITS": {
        "directory_search": [(60, 60), (600, 24 * 3600)],
        "directory_profile": [(120, 3600), (600, 24 * 3600)],
        # Thumbnails: up to one per result, so a page of results costs 20.
        "directory_photo": [(600, 3600), (3000, 24 * 3600)],
        "directory_export": (10, 24 * 3600),
        "recipient_list": (20, 24 * 3600),
        # An alumnus downloading their own data.
        "profile_export": (10, 24 * 3600),
        # "Send a test" of a mailing, to one's own address.
        "mailing_test": (20, 3600),
    },
}


class PartnerSettings:
    """Reads ``ALUMNI_PARTNER_*`` settings, falling back on :data:`DEFAULTS`."""

    def __getattr__(self, name: str):
        if name not in DEFAULTS:
            raise AttributeError(name)
        return getattr(settings, f"ALUMNI_PARTNER_{name}", DEFAULTS[name])


partner_settings = PartnerSettings()
