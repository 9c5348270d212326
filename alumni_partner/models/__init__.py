"""The plugin's models, one module per domain."""

from .accounts import PersonalDetails
from .news import NewsIndexPage, NewsPage, NewsPageTag
from .partners import Partner, PartnerDocument, PartnerIndexPage, PartnerPage
from .stats import NewsDailyViews, NewsLike
from .taxonomy import AudienceGroup, NewsType, PartnerCategory, Sector

__all__ = [
    "AudienceGroup",
    "NewsDailyViews",
    "NewsIndexPage",
    "NewsLike",
    "NewsPage",
    "NewsPageTag",
    "NewsType",
    "Partner",
    "PartnerCategory",
    "PartnerDocument",
    "PartnerIndexPage",
    "PartnerPage",
    "PersonalDetails",
    "Sector",
]
