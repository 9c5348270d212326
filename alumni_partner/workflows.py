"""What Wagtail does when a partner's moderation workflow completes.

Set in the project's settings::

    WAGTAIL_FINISH_WORKFLOW_ACTION = "alumni_partner.workflows.publish_approved"
"""

from __future__ import annotations

from django.conf import settings
from django.core import checks

SETTING_VALUE = "alumni_partner.workflows.publish_approved"


def publish_approved(workflow_state, user=None) -> None:
    """Publish the approved revision, as the user whose action completed it.

    Wagtail's default publishes with that user's permissions. When the
    :class:`~alumni_partner.models.PartnerModerationTask` approves an offer
    the partner does not have moderated, that user is the partner, who holds
    no ``publish``: the approved workflow is the authority here.
    """
    workflow_state.content_object.get_latest_revision().publish(
        user=user, skip_permission_checks=True
    )


@checks.register()
def check_finish_action(app_configs=None, **kwargs):
    if getattr(settings, "WAGTAIL_FINISH_WORKFLOW_ACTION", None) == SETTING_VALUE:
        return []
    return [
        checks.Error(
            "Offers of a partner whose news only are moderated cannot be "
            "published when their workflow completes.",
            hint=f'Set WAGTAIL_FINISH_WORKFLOW_ACTION = "{SETTING_VALUE}".',
            id="alumni_partner.E001",
        )
    ]
