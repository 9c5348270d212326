"""The plugin's models, one module per domain."""

from .accounts import PersonalDetails
from .partners import Partner, PartnerDocument, PartnerIndexPage, PartnerPage
from .taxonomy import PartnerCategory, Sector

__all__ = [
    "Partner",
    "PartnerCategory",
    "PartnerDocument",
    "PartnerIndexPage",
    "PartnerPage",
    "PersonalDetails",
    "Sector",
]
