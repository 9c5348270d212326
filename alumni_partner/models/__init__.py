"""The plugin's models, one module per domain."""

from .accounts import PersonalDetails
from .alumni import (
    AlumniProfile,
    AlumniProfileSkill,
    Degree,
    PartnerFollow,
    ProfileLanguage,
)
from .health import WorkerHeartbeat
from .imports import AlumniImport
from .mailings import (
    Mailing,
    MailingAttachment,
    MailingRecipient,
    MailingStatus,
    MailingUnsubscribe,
    RecipientSource,
    RecipientStatus,
)
from .messaging import (
    Mailbox,
    Message,
    MessageBlock,
    MessageReport,
    ReportStatus,
    Thread,
    ThreadParticipant,
)
from .moderation import PartnerModerationTask
from .news import NewsIndexPage, NewsPage, NewsPageTag
from .offers import OfferIndexPage, OfferPage, OfferPageSkill, OfferState
from .partners import Partner, PartnerDocument, PartnerIndexPage, PartnerPage
from .recipients import RecipientList, RecipientListMember
from .stats import NewsDailyViews, NewsLike, OfferDailyStats
from .taxonomy import (
    AudienceGroup,
    ContractType,
    NewsType,
    PartnerCategory,
    Sector,
    SeniorityLevel,
)

__all__ = [
    "AlumniImport",
    "AlumniProfile",
    "AlumniProfileSkill",
    "Degree",
    "PartnerFollow",
    "ProfileLanguage",
    "RecipientList",
    "RecipientListMember",
    "Mailing",
    "MailingAttachment",
    "MailingRecipient",
    "MailingStatus",
    "MailingUnsubscribe",
    "Mailbox",
    "Message",
    "MessageBlock",
    "MessageReport",
    "ReportStatus",
    "Thread",
    "ThreadParticipant",
    "RecipientSource",
    "RecipientStatus",
    "AudienceGroup",
    "ContractType",
    "NewsDailyViews",
    "NewsIndexPage",
    "NewsLike",
    "NewsPage",
    "NewsPageTag",
    "NewsType",
    "OfferDailyStats",
    "OfferIndexPage",
    "OfferPage",
    "OfferPageSkill",
    "OfferState",
    "Partner",
    "PartnerCategory",
    "PartnerDocument",
    "PartnerIndexPage",
    "PartnerModerationTask",
    "PartnerPage",
    "PersonalDetails",
    "SeniorityLevel",
    "Sector",
    "WorkerHeartbeat",
]
